import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { SqliteDatabase } from "./database.js";
import {
  BLOCK_SLOTS,
  candidatesFor,
  insertVectors,
  SqliteVectorIndex,
  vectorTables,
} from "./vector-index.js";

const require = createRequire(import.meta.url);
const MODEL = { id: "test-model", dimensions: 64 };

/** Deterministic pseudo-random numbers in [-0.5, 0.5). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

/**
 * Vectors like a sentence model's: a shared direction (every vector has it), one
 * of `topics` topic directions, and noise; not normalised.
 */
function corpus(count: number, seed: number, topics = 40, dimensions = MODEL.dimensions): Float32Array[] {
  const next = random(seed);
  const shared = Float32Array.from({ length: dimensions }, () => 1 + next());
  const centres = Array.from({ length: topics }, () =>
    Float32Array.from({ length: dimensions }, () => next() * 2),
  );
  return Array.from({ length: count }, (_, i) => {
    const topic = centres[i % topics] as Float32Array;
    const scale = 1 + (i % 7);
    return Float32Array.from(
      { length: dimensions },
      (_, d) => scale * ((shared[d] as number) + (topic[d] as number) + next() * 1.5),
    );
  });
}

/** A query near a stored vector: the vector plus as much noise again. */
function near(vector: Float32Array, seed: number): Float32Array {
  const next = random(seed);
  const norm = Math.hypot(...vector) / Math.sqrt(vector.length);
  return vector.map((x) => x + next() * 2 * norm);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] as number) * (b[i] as number);
    aa += (a[i] as number) ** 2;
    bb += (b[i] as number) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

function bruteForce(query: Float32Array, vectors: ReadonlyMap<number, Float32Array>, k: number): number[] {
  return [...vectors]
    .map(([rowid, v]) => ({ rowid, s: cosine(query, v) }))
    .sort((a, b) => b.s - a.s || a.rowid - b.rowid)
    .slice(0, k)
    .map((h) => h.rowid);
}

/** A database with the one table the vector triggers reference. */
function database(): SqliteDatabase {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE chunks (rowid INTEGER PRIMARY KEY, text TEXT)");
  return db;
}

function write(
  db: SqliteDatabase,
  index: SqliteVectorIndex,
  bucketId: number,
  entries: { rowid: number; vector: Float32Array }[],
): void {
  db.transaction(() => {
    const chunk = db.prepare("INSERT OR IGNORE INTO chunks (rowid, text) VALUES (?, '')");
    for (const e of entries) chunk.run(e.rowid);
    insertVectors(db, index.tables, bucketId, entries);
  })();
}

describe("SqliteVectorIndex", () => {
  it("is exact below the candidate count, stays inside the buckets asked for, and scores cosines", async () => {
    const db = database();
    const index = new SqliteVectorIndex(db, MODEL);
    const vectors = corpus(300, 1);
    const inBucket1 = new Map<number, Float32Array>();
    const entries1 = vectors.slice(0, 200).map((vector, i) => ({ rowid: i + 1, vector }));
    const entries2 = vectors.slice(200).map((vector, i) => ({ rowid: 1000 + i, vector }));
    for (const e of entries1) inBucket1.set(e.rowid, e.vector);
    write(db, index, 1, entries1);
    write(db, index, 2, entries2);

    const query = corpus(1, 99)[0] as Float32Array;
    const hits = await index.nearestInBuckets(query, [1], 10);
    expect(hits.map((h) => h.rowid)).toEqual(bruteForce(query, inBucket1, 10));
    for (const hit of hits) {
      expect(hit.similarity).toBeCloseTo(cosine(query, inBucket1.get(hit.rowid) as Float32Array), 5);
    }
    const both = await index.nearestInBuckets(query, [1, 2], 300);
    expect(both).toHaveLength(300);
    expect(new Set(both.map((h) => h.rowid)).size).toBe(300);
    expect(await index.nearestInBuckets(query, [3], 10)).toEqual([]);
    expect(await index.nearestInBuckets(query, [1], 0)).toEqual([]);

    const some = await index.similarities(query, [5, 1001, 424242]);
    expect([...some.keys()].sort((a, b) => a - b)).toEqual([5, 1001]);
    expect(some.get(1001)).toBeCloseTo(cosine(query, entries2[1]?.vector as Float32Array), 5);
  });

  it("finds the true nearest neighbours through the sketches once a bucket outgrows the candidates", async () => {
    const db = database();
    // The dimensions of the default model: sketches of 384 bits.
    const index = new SqliteVectorIndex(db, { id: "test-model", dimensions: 384 });
    const vectors = corpus(6000, 7, 40, 384);
    const all = new Map(vectors.map((v, i) => [i + 1, v]));
    // Several documents' worth of writes, as the pipeline does.
    for (let start = 0; start < vectors.length; start += 250) {
      write(
        db,
        index,
        1,
        vectors.slice(start, start + 250).map((vector, i) => ({ rowid: start + i + 1, vector })),
      );
    }
    const blocks = db.prepare(`SELECT size FROM ${index.tables.sketches} ORDER BY id`).all() as {
      size: number;
    }[];
    expect(blocks.map((b) => b.size).reduce((a, b) => a + b, 0)).toBe(6000);
    expect(Math.max(...blocks.map((b) => b.size))).toBe(BLOCK_SLOTS);
    expect(candidatesFor(20)).toBeLessThan(6000);

    let found = 0;
    const queries = Array.from({ length: 30 }, (_, i) => near(vectors[i * 199] as Float32Array, i));
    for (const query of queries) {
      const exact = new Set(bruteForce(query, all, 20));
      const hits = await index.nearestInBuckets(query, [1], 20);
      expect(hits).toHaveLength(20);
      found += hits.filter((h) => exact.has(h.rowid)).length;
    }
    expect(found / (queries.length * 20)).toBeGreaterThanOrEqual(0.95);
  });

  it("forgets deleted chunks at once and compacts mostly dead blocks on the next write", async () => {
    const db = database();
    const index = new SqliteVectorIndex(db, MODEL);
    const vectors = corpus(1500, 11);
    write(
      db,
      index,
      1,
      vectors.map((vector, i) => ({ rowid: i + 1, vector })),
    );
    const query = vectors[10] as Float32Array;
    expect((await index.nearestInBuckets(query, [1], 1))[0]?.rowid).toBe(11);

    // Delete the first 1,000 chunks (rowids 1..1000): the first block is all dead, the second partly.
    db.prepare("DELETE FROM chunks WHERE rowid <= 1000").run();
    const hits = await index.nearestInBuckets(query, [1], 50);
    expect(hits).toHaveLength(50);
    expect(hits.every((h) => h.rowid > 1000)).toBe(true);
    expect(db.prepare(`SELECT count(*) AS n FROM ${index.tables.vectors}`).get()).toEqual({ n: 500 });
    const dead = db.prepare(`SELECT size, dead FROM ${index.tables.sketches} ORDER BY id`).all();
    expect(dead).toEqual([
      { size: 512, dead: 512 },
      { size: 512, dead: 488 },
      { size: 476, dead: 0 },
    ]);

    write(db, index, 1, [{ rowid: 5000, vector: query }]);
    const compacted = db
      .prepare(`SELECT size, dead, length(alive) AS alive FROM ${index.tables.sketches} ORDER BY id`)
      .all();
    expect(compacted).toEqual([
      { size: 24, dead: 0, alive: 24 },
      { size: 477, dead: 0, alive: 477 },
    ]);
    // Every live entry: the 500 left after the delete, and the one just written.
    const live = 500 + 1;
    const after = await index.nearestInBuckets(query, [1], live);
    expect(after).toHaveLength(live);
    expect(after[0]?.rowid).toBe(5000);
    expect(after[0]?.similarity).toBeCloseTo(1, 5);
    // A deleted compacted entry is still forgotten through its new slot.
    db.prepare("DELETE FROM chunks WHERE rowid = 1001").run();
    expect((await index.nearestInBuckets(query, [1], 600)).some((h) => h.rowid === 1001)).toBe(false);
    expect(db.prepare(`SELECT sum(dead) AS d FROM ${index.tables.sketches}`).get()).toEqual({ d: 1 });
  });

  it("replaces the vector of a chunk written again", async () => {
    const db = database();
    const index = new SqliteVectorIndex(db, MODEL);
    const [a, b] = corpus(2, 5, 2) as [Float32Array, Float32Array];
    write(db, index, 1, [{ rowid: 1, vector: a }]);
    write(db, index, 1, [{ rowid: 1, vector: b }]);
    const hits = await index.nearestInBuckets(b, [1], 5);
    expect(hits).toHaveLength(1);
    expect(hits[0]?.similarity).toBeCloseTo(1, 5);
  });

  it("migrates the vectors of an earlier version's vec0 table", async () => {
    const db = database();
    (require("sqlite-vec") as { load(db: SqliteDatabase): void }).load(db);
    const legacy = "vec_test_model_64";
    db.exec(`
      CREATE VIRTUAL TABLE ${legacy} USING vec0(bucket_id integer partition key, embedding float[64] distance_metric=cosine);
      CREATE TRIGGER ${legacy}_delete AFTER DELETE ON chunks BEGIN DELETE FROM ${legacy} WHERE rowid = OLD.rowid; END;
    `);
    const vectors = corpus(20, 21);
    const insert = db.prepare(`INSERT INTO ${legacy} (rowid, bucket_id, embedding) VALUES (?, ?, ?)`);
    vectors.forEach((v, i) => {
      db.prepare("INSERT INTO chunks (rowid, text) VALUES (?, '')").run(i + 1);
      insert.run(BigInt(i + 1), BigInt(i < 10 ? 1 : 2), Buffer.from(v.buffer));
    });

    const index = new SqliteVectorIndex(db, MODEL);
    expect(
      db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE 'vec_test_model_64%'").get(),
    ).toEqual({
      n: 0,
    });
    const hits = await index.nearestInBuckets(vectors[12] as Float32Array, [2], 3);
    expect(hits[0]?.rowid).toBe(13);
    expect(hits.every((h) => h.rowid > 10)).toBe(true);
    db.prepare("DELETE FROM chunks WHERE rowid = 13").run();
    expect((await index.nearestInBuckets(vectors[12] as Float32Array, [2], 3))[0]?.rowid).not.toBe(13);
    expect(vectorTables(MODEL).vectors).toBe("vectors_test_model_64");
  });

  it("answers KNN from its thread on a file database, seeing every commit, and falls back when the thread cannot", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "og-vectors-"));
    const file = path.join(dir, "db.sqlite");
    try {
      const db = new Database(file);
      db.pragma("journal_mode = WAL");
      db.exec("CREATE TABLE chunks (rowid INTEGER PRIMARY KEY, text TEXT)");
      const threaded = new SqliteVectorIndex(db, MODEL, { file });
      const local = new SqliteVectorIndex(db, MODEL);
      const vectors = corpus(1500, 17);
      write(
        db,
        threaded,
        1,
        vectors.map((vector, i) => ({ rowid: i + 1, vector })),
      );
      for (const query of [vectors[3], vectors[700], vectors[1400]] as Float32Array[]) {
        expect(await threaded.nearestInBuckets(query, [1], 25)).toEqual(
          await local.nearestInBuckets(query, [1], 25),
        );
      }
      db.prepare("DELETE FROM chunks WHERE rowid = 4").run();
      expect((await threaded.nearestInBuckets(vectors[3] as Float32Array, [1], 5))[0]?.rowid).not.toBe(4);
      await threaded.close();
      // Closed: the caller's thread answers.
      expect((await threaded.nearestInBuckets(vectors[700] as Float32Array, [1], 1))[0]?.rowid).toBe(701);

      const broken = new SqliteVectorIndex(db, MODEL, { file: path.join(dir, "missing", "db.sqlite") });
      expect((await broken.nearestInBuckets(vectors[9] as Float32Array, [1], 1))[0]?.rowid).toBe(10);
      await broken.close();
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
