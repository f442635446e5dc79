import { createRequire } from "node:module";
import type { VectorHit, VectorIndex, VectorModel } from "../contracts/vector-index.js";
import type { SqliteDatabase } from "./database.js";

const require = createRequire(import.meta.url);

/**
 * Load sqlite-vec (its prebuilt binary ships inside the npm package) into a
 * connection. Returns false when it cannot load on this platform: search then
 * runs lexical only, and says so in the health report.
 */
export function loadVectorExtension(db: SqliteDatabase): boolean {
  try {
    const sqliteVec = require("sqlite-vec") as { load(db: SqliteDatabase): void };
    sqliteVec.load(db);
    return true;
  } catch {
    return false;
  }
}

/** The vec0 table of a model: one per model, so vectors of different models never mix. */
export function vectorTableName(model: VectorModel): string {
  return `vec_${model.id.toLowerCase().replace(/[^a-z0-9]+/g, "_")}_${model.dimensions}`;
}

/**
 * Create the model's vec0 table (partitioned by bucket, cosine distance) and
 * the trigger that drops a chunk's vector with the chunk.
 */
export function ensureVectorTable(db: SqliteDatabase, model: VectorModel): string {
  const table = vectorTableName(model);
  if (!Number.isInteger(model.dimensions) || model.dimensions < 1 || model.dimensions > 8192) {
    throw new Error(`invalid vector dimensions ${model.dimensions}`);
  }
  db.exec(`
    CREATE VIRTUAL TABLE IF NOT EXISTS ${table} USING vec0(
      bucket_id integer partition key,
      embedding float[${model.dimensions}] distance_metric=cosine
    );
    CREATE TRIGGER IF NOT EXISTS ${table}_delete AFTER DELETE ON chunks BEGIN
      DELETE FROM ${table} WHERE rowid = OLD.rowid;
    END;
  `);
  return table;
}

const asBlob = (vector: Float32Array) => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);

/** {@link VectorIndex} on sqlite-vec: exact KNN inside each bucket partition, in C. */
export class SqliteVectorIndex implements VectorIndex {
  readonly model: VectorModel;
  readonly #db: SqliteDatabase;
  readonly #table: string;

  constructor(db: SqliteDatabase, model: VectorModel) {
    this.#db = db;
    this.model = model;
    this.#table = ensureVectorTable(db, model);
  }

  async nearestInBuckets(
    vector: Float32Array,
    bucketIds: readonly number[],
    k: number,
  ): Promise<readonly VectorHit[]> {
    const statement = this.#db.prepare(
      `SELECT rowid, distance FROM ${this.#table} WHERE embedding MATCH ? AND k = ? AND bucket_id = ?`,
    );
    const hits: VectorHit[] = [];
    for (const bucketId of bucketIds) {
      const rows = statement.all(asBlob(vector), Math.min(k, 4096), bucketId) as {
        rowid: number;
        distance: number;
      }[];
      for (const row of rows) hits.push({ rowid: row.rowid, similarity: 1 - row.distance });
    }
    return hits.sort((a, b) => b.similarity - a.similarity || a.rowid - b.rowid).slice(0, k);
  }

  async similarities(vector: Float32Array, rowids: readonly number[]): Promise<ReadonlyMap<number, number>> {
    const out = new Map<number, number>();
    if (rowids.length === 0) return out;
    const rows = this.#db
      .prepare(
        `SELECT rowid, vec_distance_cosine(embedding, ?) AS distance FROM ${this.#table}
         WHERE rowid IN (SELECT value FROM json_each(?))`,
      )
      .all(asBlob(vector), JSON.stringify(rowids)) as { rowid: number; distance: number }[];
    for (const row of rows) out.set(row.rowid, 1 - row.distance);
    return out;
  }
}

/** Write the vectors of a document's chunks (inside the caller's transaction). */
export function insertVectors(
  db: SqliteDatabase,
  table: string,
  bucketId: number,
  entries: readonly { readonly rowid: number | bigint; readonly vector: Float32Array }[],
): void {
  const insert = db.prepare(`INSERT OR REPLACE INTO ${table} (rowid, bucket_id, embedding) VALUES (?, ?, ?)`);
  for (const entry of entries) insert.run(BigInt(entry.rowid), BigInt(bucketId), asBlob(entry.vector));
}
