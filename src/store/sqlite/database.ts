import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { migrations as defaultMigrations, type Migration } from "./migrations.js";

export type SqliteDatabase = Database.Database;

/**
 * Open (creating if needed) the embedded database and bring its schema up to
 * date. WAL lets readers proceed while a writer commits; foreign keys enforce
 * the cascades the schema declares.
 *
 * @param file path of the database file, or ":memory:"
 */
export function openDatabase(
  file: string,
  migrations: readonly Migration[] = defaultMigrations,
): SqliteDatabase {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  // Memory-mapped reads: the vector scan and FTS reads avoid a copy per page (bounded address space).
  if (file !== ":memory:") db.pragma("mmap_size = 1073741824");
  migrate(db, migrations);
  return db;
}

/** Apply every migration newer than the database, each in its own transaction. */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    (db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const newest = Math.max(0, ...applied);
  if (newest > known) {
    throw new Error(
      `The database schema (version ${newest}) is newer than this Openground (version ${known}); upgrade Openground`,
    );
  }
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
  }
}
