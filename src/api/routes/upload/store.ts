import type { SqliteDatabase } from "../../../store/sqlite/database.js";

export type UploadStatus = "pending" | "stored";

/** One presigned upload (table `uploads`, migration 4). */
export interface UploadRecord {
  readonly id: string;
  /** Unguessable; authorises the PUT and the hosted URL (CONTRACT.md D14). */
  readonly token: string;
  /** The account whose key presigned it; undefined for an anonymous upload. */
  readonly accountId: string | undefined;
  readonly fileName: string;
  readonly contentType: string;
  readonly status: UploadStatus;
  readonly bytes: number;
  readonly created: Date;
  /** End of the upload window while pending, end of retention once stored. */
  readonly expires: Date;
}

/** Upload records; the bytes themselves are in the blob store under {@link uploadBlobKey}. */
export interface UploadStore {
  create(record: UploadRecord): Promise<void>;
  get(id: string): Promise<UploadRecord | undefined>;
  /** Mark an upload stored with its size and new expiry; false when it expired or vanished meanwhile. */
  markStored(id: string, bytes: number, expires: Date, now: Date): Promise<boolean>;
  /** Ids of uploads whose expiry has passed, oldest first. */
  listExpired(now: Date, limit: number): Promise<readonly string[]>;
  /** Delete a record if it is still expired (a record refreshed meanwhile is kept). */
  deleteExpired(id: string, now: Date): Promise<boolean>;
  close(): Promise<void>;
}

export const uploadBlobKey = (id: string): string => `uploads/${id}`;

interface UploadRow {
  id: string;
  token: string;
  account_id: string | null;
  file_name: string;
  content_type: string;
  status: UploadStatus;
  bytes: number;
  created: string;
  expires: string;
}

const toRecord = (r: UploadRow): UploadRecord => ({
  id: r.id,
  token: r.token,
  accountId: r.account_id ?? undefined,
  fileName: r.file_name,
  contentType: r.content_type,
  status: r.status,
  bytes: r.bytes,
  created: new Date(r.created),
  expires: new Date(r.expires),
});

/**
 * {@link UploadStore} on the embedded SQLite database. Timestamps are ISO strings
 * from `toISOString()`, so they compare correctly as text.
 */
export class SqliteUploadStore implements UploadStore {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async create(record: UploadRecord): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO uploads (id, token, account_id, file_name, content_type, status, bytes, created, expires)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.id,
        record.token,
        record.accountId ?? null,
        record.fileName,
        record.contentType,
        record.status,
        record.bytes,
        record.created.toISOString(),
        record.expires.toISOString(),
      );
  }

  async get(id: string): Promise<UploadRecord | undefined> {
    const row = this.#db.prepare("SELECT * FROM uploads WHERE id = ?").get(id) as UploadRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  async markStored(id: string, bytes: number, expires: Date, now: Date): Promise<boolean> {
    const result = this.#db
      .prepare("UPDATE uploads SET status = 'stored', bytes = ?, expires = ? WHERE id = ? AND expires > ?")
      .run(bytes, expires.toISOString(), id, now.toISOString());
    return result.changes === 1;
  }

  async listExpired(now: Date, limit: number): Promise<readonly string[]> {
    const rows = this.#db
      .prepare("SELECT id FROM uploads WHERE expires <= ? ORDER BY expires LIMIT ?")
      .all(now.toISOString(), limit) as { id: string }[];
    return rows.map((r) => r.id);
  }

  async deleteExpired(id: string, now: Date): Promise<boolean> {
    const result = this.#db
      .prepare("DELETE FROM uploads WHERE id = ? AND expires <= ?")
      .run(id, now.toISOString());
    return result.changes === 1;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
