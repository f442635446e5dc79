/**
 * Worker thread of {@link ReadThread}: KNN and BM25 queries on a read-only
 * connection of its own to the database file.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { ReadReply, ReadRequest, ReadWorkerData } from "./read-thread.js";
import { lexicalOn } from "./search-index.js";
import { nearestOn, vectorTables } from "./vector-index.js";

const { file, model } = workerData as ReadWorkerData;
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma("busy_timeout = 5000");
db.pragma("mmap_size = 1073741824");
const tables = model ? vectorTables(model) : undefined;

parentPort?.on("message", (request: ReadRequest) => {
  let reply: ReadReply;
  try {
    if (request.kind === "knn") {
      if (!model || !tables) throw new Error("this thread has no vector model");
      const hits = nearestOn(db, tables, model.dimensions, request.vector, request.bucketIds, request.k);
      reply = { id: request.id, hits };
    } else {
      const hits = lexicalOn(db, request.accountId, request.expression, request.restriction, request.limit);
      reply = { id: request.id, hits };
    }
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
