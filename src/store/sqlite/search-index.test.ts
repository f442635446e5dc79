import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { spaceCjk } from "../../search/query.js";
import { openDatabase } from "./database.js";
import { SqliteDocumentStore } from "./document-store.js";
import { lexicalOn, SqliteSearchIndex } from "./search-index.js";

/** An index over raw chunk rows (foreign keys off: no accounts or documents needed). */
function indexOf(texts: readonly string[], file = ":memory:") {
  const db = openDatabase(file);
  db.pragma("foreign_keys = OFF");
  const chunk = db.prepare(
    `INSERT INTO chunks (document_id, idx, chunk_id, content_type, page_numbers, text, suggested_text, data)
     VALUES ('d', ?, ?, 'paragraph', '[]', ?, '', '{}')`,
  );
  const fts = db.prepare(
    "INSERT INTO chunks_fts (rowid, text, suggested, section, title, keywords) VALUES (?, ?, '', '', '', '')",
  );
  const add = (text: string, i: number) => {
    const { lastInsertRowid } = chunk.run(i, `c${i}`, text);
    fts.run(lastInsertRowid, spaceCjk(text));
  };
  texts.forEach(add);
  return { db, index: new SqliteSearchIndex(db, new SqliteDocumentStore(db)), add };
}

describe("SqliteSearchIndex frequencies", () => {
  it("counts documents per term from the FTS5 vocabulary, stemmed as the index stems", async () => {
    const { index } = indexOf([
      "Cells divide; the cell cycle is running.",
      "A running cell.",
      "Généralement, les cellules.",
      "机器学习模型 and models",
      "nothing relevant",
    ]);
    const { size, frequencies } = await index.indexFrequencies([
      '"cells"',
      '"cell"',
      '"runs"',
      '"generalement"',
      '"机 器"',
      '"模 型"',
      '"model"',
      '"absent"',
      '"a ""quoted"" word"',
    ]);
    expect(size).toBe(5);
    // "cells", "cell" → cell (2 chunks); "runs" → run (2); diacritics folded; CJK phrases by MATCH.
    expect(frequencies).toEqual([2, 2, 2, 1, 1, 1, 1, 0, 0]);
  });

  it("agrees with a MATCH count for every term, and sees writes at once", async () => {
    const words = ["alpha", "beta", "gamma", "delta", "epsilon"];
    const texts = Array.from(
      { length: 60 },
      (_, i) => words.filter((_, w) => i % (w + 2) === 0).join(" ") || "other",
    );
    const { db, index, add } = indexOf(texts);
    const terms = [...words, "other"].map((w) => `"${w}"`);
    const count = db.prepare("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?").pluck();
    const everything = { bucketIds: [1], chunks: 60 };
    expect(await index.documentFrequencies("any", terms, everything)).toEqual(
      terms.map((t) => count.get(t) as number),
    );
    add("alpha alpha", 60);
    const after = await index.indexFrequencies(['"alpha"']);
    expect(after).toEqual({ size: 61, frequencies: [(count.get('"alpha"') as number) ?? 0] });
    expect(after.frequencies[0]).toBe(31);
  });

  it("follows another connection's deletes, and keeps what it knows across unrelated writes", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "og-search-index-"));
    try {
      const file = path.join(dir, "db.sqlite");
      const { db, index } = indexOf(["alpha beta", "alpha", "beta", "gamma"], file);
      expect(await index.indexFrequencies(['"alpha"', '"beta"'])).toEqual({ size: 4, frequencies: [2, 2] });

      // Writes that do not touch the chunks (a usage meter, a temporary table) keep the cache: a
      // row removed from FTS5 behind the triggers' back is not seen.
      db.prepare("DELETE FROM chunks_fts WHERE rowid = 3").run();
      db.exec("CREATE TEMP TABLE scratch (x); INSERT INTO scratch VALUES (1);");
      expect(await index.indexFrequencies(['"beta"'])).toEqual({ size: 4, frequencies: [2] });

      const other = openDatabase(file);
      try {
        other.prepare("DELETE FROM chunks WHERE rowid = 1").run();
      } finally {
        other.close();
      }
      // chunk 1 (alpha beta) went with its FTS row; chunk 3's FTS row was already gone.
      expect(await index.indexFrequencies(['"alpha"', '"beta"'])).toEqual({ size: 3, frequencies: [1, 0] });
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** An FTS5-only lexical query (these tests run without the in-memory index). */
const fts = (expression: string) => ({ expression, terms: [] });

describe("SqliteSearchIndex lexical thread", () => {
  it("answers BM25 from its thread as the caller's connection would, and falls back when it cannot", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "og-search-thread-"));
    try {
      const file = path.join(dir, "db.sqlite");
      const words = ["alpha", "beta", "gamma", "delta"];
      const { db } = indexOf(
        Array.from({ length: 300 }, (_, i) => words.filter((_, w) => i % (w + 2) === 0).join(" ") || "other"),
        file,
      );
      db.prepare(
        `INSERT INTO documents (id, account_id, bucket_id, process_id, file_name, process_level, status,
           url_token, created, updated) VALUES ('d', 'acct', 1, 'p', 'd.txt', 'full', 'complete', 't', '', '')`,
      ).run();
      const threaded = new SqliteSearchIndex(db, new SqliteDocumentStore(db), { file, memoryLexical: false });
      const expressions = ['"alpha" OR "delta"', '"gamma"', '"beta" OR "other"', '"absent"'];
      const scopes = [{ bucketIds: [1], chunks: 300 }, { documentIds: ["d"] }, { bucketIds: [2], chunks: 0 }];
      for (const expression of expressions) {
        for (const restriction of scopes) {
          const local = lexicalOn(db, "acct", expression, restriction, 20);
          expect(await threaded.lexical("acct", fts(expression), restriction, 20)).toEqual(local);
        }
      }
      expect(
        (await threaded.lexical("acct", fts('"alpha"'), scopes[0] as { bucketIds: number[] }, 500)).length,
      ).toBe(150);
      expect(await threaded.lexical("other-account", fts('"alpha"'), { bucketIds: [1] }, 5)).toEqual([]);
      // A commit on the caller's connection is seen at once.
      db.prepare(
        "DELETE FROM chunks WHERE rowid IN (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH 'delta')",
      ).run();
      expect(await threaded.lexical("acct", fts('"delta"'), { bucketIds: [1] }, 5)).toEqual([]);
      await threaded.close();
      // Closed: the caller's thread answers.
      expect((await threaded.lexical("acct", fts('"gamma"'), { bucketIds: [1] }, 500)).length).toBe(60); // 75, less the 15 that also held "delta"

      const broken = new SqliteSearchIndex(db, new SqliteDocumentStore(db), {
        file: path.join(dir, "missing", "db.sqlite"),
        memoryLexical: false,
      });
      expect((await broken.lexical("acct", fts('"gamma"'), { bucketIds: [1] }, 500)).length).toBe(60); // 75, less the 15 that also held "delta"
      await broken.close();
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("remembers a bucket's statistics until a document or chunk changes", async () => {
    const { db, index, add } = indexOf(["alpha", "beta"]);
    const insert = db.prepare(
      `INSERT INTO documents (id, account_id, bucket_id, process_id, file_name, process_level, status,
         url_token, chunk_count, created, updated) VALUES (?, 'acct', 1, 'p', 'f.txt', 'full', ?, 't', ?, '', ?)`,
    );
    insert.run("d1", "complete", 2, "2026-01-01");
    expect(await index.bucketStats("acct", [1])).toEqual({ documents: 1, chunks: 2, latest: "2026-01-01" });
    insert.run("d2", "processing", 0, "2026-01-02");
    expect(await index.bucketStats("acct", [1])).toEqual({ documents: 1, chunks: 2, latest: "2026-01-01" });
    db.prepare(
      "UPDATE documents SET status = 'complete', chunk_count = 1, updated = '2026-01-03' WHERE id = 'd2'",
    ).run();
    add("gamma", 2);
    expect(await index.bucketStats("acct", [1])).toEqual({ documents: 2, chunks: 3, latest: "2026-01-03" });
    expect(await index.bucketStats("other", [1])).toEqual({ documents: 0, chunks: 0, latest: "" });
    db.prepare("DELETE FROM documents WHERE id = 'd1'").run();
    expect(await index.bucketStats("acct", [1])).toEqual({ documents: 1, chunks: 1, latest: "2026-01-03" });
  });
});
