import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { spaceCjk } from "../../search/query.js";
import { openDatabase } from "./database.js";
import { SqliteDocumentStore } from "./document-store.js";
import { SqliteSearchIndex } from "./search-index.js";

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
