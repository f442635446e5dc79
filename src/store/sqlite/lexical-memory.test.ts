import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../search/analyze.js";
import { spaceCjk } from "../../search/query.js";
import type { Restriction } from "../contracts/search-index.js";
import { openDatabase, type SqliteDatabase } from "./database.js";
import { SqliteDocumentStore } from "./document-store.js";
import { MemoryLexicalIndex } from "./lexical-memory.js";
import { documentFrequenciesOn, lexicalOn, SqliteSearchIndex } from "./search-index.js";

/** A database with documents and chunks written as the document store writes them (foreign keys off: no accounts). */
function corpus(file = ":memory:") {
  const db = openDatabase(file);
  db.pragma("foreign_keys = OFF");
  const insertDocument = db.prepare(
    `INSERT INTO documents (id, account_id, bucket_id, process_id, file_name, process_level, status, url_token,
       created, updated) VALUES (?, ?, ?, 'p', ?, 'full', ?, 't', '', '')`,
  );
  const insertChunk = db.prepare(
    `INSERT INTO chunks (document_id, idx, chunk_id, content_type, page_numbers, text, suggested_text, data)
     VALUES (?, ?, ?, 'paragraph', '[]', ?, '', '{}')`,
  );
  const insertFts = db.prepare(
    "INSERT INTO chunks_fts (rowid, text, suggested, section, title, keywords) VALUES (?, ?, '', ?, ?, ?)",
  );
  const document = (
    id: string,
    texts: readonly string[],
    options: { account?: string; bucket?: number; title?: string; status?: string; section?: string } = {},
  ): number[] =>
    db.transaction(() => {
      insertDocument.run(
        id,
        options.account ?? "acct",
        options.bucket ?? 1,
        options.title ?? `${id}.txt`,
        options.status ?? "complete",
      );
      return texts.map((text, i) => {
        const rowid = Number(insertChunk.run(id, i, `${id}-${i}`, text).lastInsertRowid);
        insertFts.run(rowid, spaceCjk(text), options.section ?? "", spaceCjk(options.title ?? ""), "");
        return rowid;
      });
    })();
  return { db, document };
}

const terms = (query: string) => analyze(query).map((t) => [t]);
/** The FTS5 query of the same words (FTS5 stems them itself). */
const or = (query: string) =>
  query
    .split(" ")
    .map((t) => `"${t}"`)
    .join(" OR ");
const bucket1: Restriction = { bucketIds: [1] };

/** Deterministic pseudo-random prose over a small vocabulary (xorshift). */
function prose(count: number, seed = 7): string[] {
  const words = [
    "cell",
    "protein",
    "gene",
    "tumor",
    "immune",
    "response",
    "patient",
    "therapy",
    "mouse",
    "signal",
    "pathway",
    "kinase",
    "receptor",
    "expression",
    "insulin",
    "neuron",
  ];
  let x = seed;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: 5 + Math.floor(next() * 40) }, () => words[Math.floor(next() * words.length)]).join(
      " ",
    ),
  );
}

describe("MemoryLexicalIndex", () => {
  it("ranks and scores as FTS5's bm25() with the same column weights", () => {
    const { db, document } = corpus();
    const texts = prose(300);
    for (let d = 0; d < 30; d++) {
      document(`d${d}`, texts.slice(d * 10, d * 10 + 10), {
        title: d % 3 === 0 ? "tumor kinase atlas" : "notes",
        section: d % 4 === 0 ? "insulin signal" : "",
      });
    }
    const index = new MemoryLexicalIndex(db, { sliceRows: 37 });
    expect(index.search("acct", terms("tumor"), bucket1, 10)).toBeUndefined(); // still building
    index.buildAll();
    expect(index.status()).toMatchObject({ state: "ready", chunks: 300 });
    for (const query of ["tumor kinase", "insulin", "neuron signal pathway", "mouse", "cell gene protein"]) {
      const memory = index.search("acct", terms(query), bucket1, 25) ?? [];
      const fts = lexicalOn(db, "acct", or(query), bucket1, 25);
      expect(memory.map((h) => h.rowid)).toEqual(fts.map((h) => h.rowid));
      memory.forEach((hit, i) => {
        expect(hit.score).toBeCloseTo(fts[i]?.score as number, 9);
        expect(hit.documentId).toBe(fts[i]?.documentId);
      });
    }
    expect(index.search("acct", terms("absentword"), bucket1, 10)).toEqual([]);
    expect(index.search("acct", [], bucket1, 10)).toEqual([]);
  });

  it("returns only the account's complete chunks in the buckets or documents asked for", () => {
    const { db, document } = corpus();
    const [a] = document("a", ["shared alpha words"], { bucket: 1 });
    const [b] = document("b", ["shared alpha"], { bucket: 2 });
    document("c", ["shared alpha"], { bucket: 1, account: "other" });
    document("d", ["shared alpha"], { bucket: 1, status: "processing" });
    const index = new MemoryLexicalIndex(db);
    index.buildAll();
    const rowids = (restriction: Restriction, account = "acct") =>
      (index.search(account, terms("alpha"), restriction, 10) ?? []).map((h) => h.rowid);
    expect(rowids({ bucketIds: [1] })).toEqual([a]);
    expect(rowids({ bucketIds: [1, 2] }).sort()).toEqual([a, b].sort());
    expect(rowids({ documentIds: ["b", "c", "d"] })).toEqual([b]);
    expect(rowids({ bucketIds: [3] })).toEqual([]);
    expect(rowids({ bucketIds: [1] }, "nobody")).toEqual([]);
    expect(rowids({ bucketIds: [1] }, "other")).toHaveLength(1);
  });

  it("follows every write through the change log before it answers", () => {
    const { db, document } = corpus();
    document("a", ["alpha one", "beta two"]);
    const index = new MemoryLexicalIndex(db);
    index.buildAll();
    const found = (query: string, restriction: Restriction = bucket1) =>
      (index.search("acct", terms(query), restriction, 10) ?? []).map((h) => h.documentId);

    // A document written during the build and one after it.
    const late = new MemoryLexicalIndex(db, { sliceRows: 1 });
    late.step();
    document("b", ["gamma three"]);
    late.buildAll();
    expect((late.search("acct", terms("gamma"), bucket1, 10) ?? []).map((h) => h.documentId)).toEqual(["b"]);
    expect(found("gamma")).toEqual(["b"]);

    // Deleted chunks and documents disappear.
    db.prepare("DELETE FROM chunks WHERE document_id = 'a' AND idx = 0").run();
    expect(found("alpha")).toEqual([]);
    expect(found("beta")).toEqual(["a"]);
    db.prepare("DELETE FROM documents WHERE id = 'a'").run();
    db.prepare("DELETE FROM chunks WHERE document_id = 'a'").run();
    expect(found("beta")).toEqual([]);

    // Status, bucket and title changes of a document reach its chunks.
    db.prepare("UPDATE documents SET status = 'processing' WHERE id = 'b'").run();
    expect(found("gamma")).toEqual([]);
    db.prepare("UPDATE documents SET status = 'complete' WHERE id = 'b'").run();
    expect(found("gamma")).toEqual(["b"]);
    db.prepare("UPDATE documents SET bucket_id = 2 WHERE id = 'b'").run();
    expect(found("gamma")).toEqual([]);
    expect(found("gamma", { bucketIds: [2] })).toEqual(["b"]);
    expect(found("renamed", { bucketIds: [2] })).toEqual([]);
    new SqliteDocumentStore(db).updateDocumentMetadata("b", { fileName: "renamed report.pdf" });
    expect(found("renamed", { bucketIds: [2] })).toEqual(["b"]);

    // A re-processed document: its chunks replaced in one transaction.
    db.transaction(() => {
      db.prepare("DELETE FROM chunks WHERE document_id = 'b'").run();
      const rowid = db
        .prepare(
          `INSERT INTO chunks (document_id, idx, chunk_id, content_type, page_numbers, text, suggested_text, data)
           VALUES ('b', 0, 'b-0', 'paragraph', '[]', 'delta four', '', '{}')`,
        )
        .run().lastInsertRowid;
      db.prepare(
        "INSERT INTO chunks_fts (rowid, text, suggested, section, title, keywords) VALUES (?, 'delta four', '', '', '', '')",
      ).run(rowid);
    })();
    expect(found("gamma", { bucketIds: [2] })).toEqual([]);
    expect(found("delta", { bucketIds: [2] })).toEqual(["b"]);
    expect(index.status().chunks).toBe(1);
  });

  it("counts scoped document frequencies as the FTS5 MATCH joined to the scope does", () => {
    const { db, document } = corpus();
    const texts = prose(400, 5);
    for (let d = 0; d < 40; d++) {
      document(`d${d}`, texts.slice(d * 10, d * 10 + 10), {
        bucket: 1 + (d % 3),
        account: d % 5 ? "acct" : "x",
      });
    }
    document("cjk", ["机器学习 cells"], { bucket: 1 });
    const index = new MemoryLexicalIndex(db);
    index.buildAll();
    const ftsTerms = ['"cells"', '"kinase"', '"Insulin"', '"absent"', '"机 器"', '"tumors"'];
    for (const restriction of [
      { bucketIds: [1] },
      { bucketIds: [2, 3] },
      { documentIds: ["d1", "d2", "d5", "cjk", "nope"] },
    ] as Restriction[]) {
      for (const account of ["acct", "x", "nobody"]) {
        const counted = documentFrequenciesOn(db, account, ftsTerms, restriction, index);
        expect(counted).toEqual(documentFrequenciesOn(db, account, ftsTerms, restriction));
      }
    }
    expect(documentFrequenciesOn(db, "acct", ['"机 器"'], { bucketIds: [1] }, index)).toEqual([1]);
  });

  it("leaves a large backlog to steps (FTS5 answers meanwhile) and rebuilds when the log was pruned", () => {
    const { db, document } = corpus();
    document("a", ["alpha"]);
    const index = new MemoryLexicalIndex(db, { changeBudget: 5 });
    index.buildAll();
    for (let i = 0; i < 4; i++) document(`n${i}`, ["alpha beta", "beta", "gamma"]);
    expect(index.search("acct", terms("beta"), bucket1, 20)).toBeUndefined(); // 12 changes > 5
    let steps = 0;
    while (index.step()) steps++;
    expect(steps).toBeGreaterThan(0);
    expect(index.search("acct", terms("beta"), bucket1, 20)).toHaveLength(8);

    document("late", ["beta epsilon"]);
    db.prepare("DELETE FROM search_changes").run(); // as the prune trigger would, far behind
    document("later", ["beta zeta"]);
    expect(index.search("acct", terms("beta"), bucket1, 20)).toBeUndefined();
    expect(index.status().state).toBe("building");
    index.buildAll();
    expect(index.search("acct", terms("beta"), bucket1, 20)).toHaveLength(10);
  });

  it("leaves phrases (CJK runs) and indexes over the size limit to FTS5", () => {
    const { db, document } = corpus();
    document("a", ["机器学习模型 and models", "plain text"]);
    const index = new MemoryLexicalIndex(db);
    index.buildAll();
    expect(index.search("acct", [["机", "器"]], bucket1, 10)).toBeUndefined();
    // A single ideograph is a single token.
    expect(index.search("acct", [["模"]], bucket1, 10)).toHaveLength(1);
    const small = new MemoryLexicalIndex(db, { maxChunks: 1 });
    expect(small.status().state).toBe("too-large");
    expect(small.step()).toBe(false);
    expect(small.search("acct", terms("plain"), bucket1, 10)).toBeUndefined();
  });

  it("compacts dead entries and keeps answering the same", () => {
    const { db, document } = corpus();
    const texts = prose(6000, 11);
    for (let d = 0; d < 60; d++) document(`d${d}`, texts.slice(d * 100, d * 100 + 100));
    const index = new MemoryLexicalIndex(db, { changeBudget: 100_000 });
    index.buildAll();
    const before = index.status().postings;
    for (let d = 0; d < 40; d++) db.prepare("DELETE FROM chunks WHERE document_id = ?").run(`d${d}`);
    const memory = index.search("acct", terms("kinase tumor"), bucket1, 30) ?? [];
    expect(index.status().chunks).toBe(2000);
    expect(index.status().postings).toBeLessThan(before / 2); // dead postings were dropped
    expect(memory.map((h) => h.rowid)).toEqual(
      lexicalOn(db, "acct", or("kinase tumor"), bucket1, 30).map((h) => h.rowid),
    );
    expect(memory.every((h) => Number(h.documentId.slice(1)) >= 40)).toBe(true);
  });
});

describe("SqliteSearchIndex with its in-memory index", () => {
  it("builds in its read thread, answers from it and sees each commit at once", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "og-lexical-memory-"));
    let db: SqliteDatabase | undefined;
    try {
      const file = path.join(dir, "db.sqlite");
      const c = corpus(file);
      db = c.db;
      const texts = prose(500, 3);
      for (let d = 0; d < 50; d++) c.document(`d${d}`, texts.slice(d * 10, d * 10 + 10));
      const index = new SqliteSearchIndex(db, new SqliteDocumentStore(db), { file });
      expect(await index.warm()).toBe(true);
      const query = { expression: or("receptor mouse"), terms: terms("receptor mouse") };
      const threaded = await index.lexical("acct", query, bucket1, 20);
      expect(threaded.map((h) => h.rowid)).toEqual(
        lexicalOn(db, "acct", query.expression, bucket1, 20).map((h) => h.rowid),
      );
      c.document("fresh", ["receptor receptor receptor mouse mouse"]);
      expect((await index.lexical("acct", query, bucket1, 1))[0]?.documentId).toBe("fresh");
      // Scoped frequencies (a scope smaller than the index) come from the thread's index too.
      c.document("elsewhere", ["receptor"], { bucket: 2 });
      const scoped = { bucketIds: [1], chunks: 501 };
      expect(await index.documentFrequencies("acct", ['"receptor"', '"mice"'], scoped)).toEqual(
        documentFrequenciesOn(db, "acct", ['"receptor"', '"mice"'], scoped),
      );
      await index.close();

      const without = new SqliteSearchIndex(db, new SqliteDocumentStore(db), { file, memoryLexical: false });
      expect(await without.warm()).toBe(false);
      await without.close();
    } finally {
      db?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
