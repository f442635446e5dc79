/**
 * Worker thread of {@link ReadThread}: KNN and BM25 queries on a read-only
 * connection of its own to the database file. With `memoryLexical`, BM25
 * queries are answered from an in-memory index built here, in slices between
 * queries, and FTS5 answers whenever that index cannot (not built yet, behind
 * a burst of writes, a phrase term).
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { MemoryLexicalIndex } from "./lexical-memory.js";
import type { ReadReply, ReadRequest, ReadWorkerData } from "./read-thread.js";
import { documentFrequenciesOn, lexicalOn } from "./search-index.js";
import { nearestOn, vectorTables } from "./vector-index.js";

const { file, model, memoryLexical } = workerData as ReadWorkerData;
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma("busy_timeout = 5000");
// No memory map here, unlike the main connection: whenever another connection commits (an ingest, a
// usage flush), SQLite unmaps the whole file from every reader that notices at its next read, and
// re-faulting ~2,000 pages per query cost more than the reads themselves (100,000-chunk benchmark on
// an AMD EPYC VM: search p50 98 ms with the map and a write per search, 50 ms without the map).
db.pragma("mmap_size = 0");
const tables = model ? vectorTables(model) : undefined;

const memory = memoryLexical ? new MemoryLexicalIndex(db, memoryLexical) : undefined;
/** How often the in-memory index looks for logged changes when no query asks. */
const FOLLOW_MS = 250;
/** Callers of "warm", answered once the build is done. */
const waiting: number[] = [];
let pumping = false;

/** Run the in-memory index's pending work a slice per turn of the event loop, so queries interleave. */
function pump(): void {
  if (pumping || !memory) return;
  pumping = true;
  const next = () => {
    let more = false;
    try {
      more = memory.step();
    } catch {
      more = false; // a failed step leaves FTS5 answering; the next query tries again
    }
    if (memory.status().state !== "building") {
      for (const id of waiting.splice(0)) reply({ id, hits: [] });
    }
    if (more) setImmediate(next);
    else pumping = false;
  };
  setImmediate(next);
}

function reply(message: ReadReply): void {
  parentPort?.postMessage(message);
}

parentPort?.on("message", (request: ReadRequest) => {
  try {
    if (request.kind === "warm") {
      if (!memory || memory.status().state === "too-large") {
        reply({ id: request.id, error: "no in-memory lexical index" });
      } else if (memory.status().state === "building") {
        waiting.push(request.id);
        pump();
        // Between queries, follow the writes of other connections, so that a query seldom has changes to apply first.
        if (memory) setInterval(pump, FOLLOW_MS).unref();
      } else {
        reply({ id: request.id, hits: [] });
      }
      return;
    }
    if (request.kind === "frequencies") {
      const counts = documentFrequenciesOn(db, request.accountId, request.terms, request.restriction, memory);
      reply({ id: request.id, counts });
      return;
    }
    if (request.kind === "knn") {
      if (!model || !tables) throw new Error("this thread has no vector model");
      const hits = nearestOn(db, tables, model.dimensions, request.vector, request.bucketIds, request.k);
      reply({ id: request.id, hits });
      return;
    }
    let hits = memory?.search(request.accountId, request.query.terms, request.restriction, request.limit);
    if (memory && hits === undefined) pump(); // not built or behind: catch up between queries
    hits ??= lexicalOn(db, request.accountId, request.query.expression, request.restriction, request.limit);
    reply({ id: request.id, hits });
  } catch (error) {
    reply({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});

pump();
// Between queries, follow the writes of other connections, so that a query seldom has changes to apply first.
if (memory) setInterval(pump, FOLLOW_MS).unref();
