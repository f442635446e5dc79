import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrate, openDatabase } from "../../src/store/sqlite/database.js";
import { SqliteMetadataStore } from "../../src/store/sqlite/metadata-store.js";
import { migrations } from "../../src/store/sqlite/migrations.js";
import { runMetadataStoreContract } from "./metadata-store.contract.js";

runMetadataStoreContract("sqlite (memory)", async () => new SqliteMetadataStore(openDatabase(":memory:")));

/** Run `body` with the path of a database file in a fresh directory, removed afterwards. */
async function withDatabaseFile(body: (file: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "og-sqlite-"));
  try {
    await body(path.join(dir, "db.sqlite"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("sqlite database", () => {
  it("persists across reopen and applies migrations once", async () => {
    await withDatabaseFile(async (file) => {
      const first = new SqliteMetadataStore(openDatabase(file));
      const account = await first.createAccount({ email: "x@example.com", status: "user" });
      const bucket = await first.createBucket(account.id, "kept");
      await first.close();

      const db = openDatabase(file);
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.prepare("SELECT count(*) AS n FROM schema_migrations").get()).toEqual({
        n: migrations.length,
      });
      const second = new SqliteMetadataStore(db);
      expect((await second.getBucket(account.id, bucket.id))?.name).toBe("kept");
      await second.close();
    });
  });

  it("batches search counts (readers of the meters see them at once, the file within a second or at close), not file tokens", async () => {
    await withDatabaseFile(async (file) => {
      const store = new SqliteMetadataStore(openDatabase(file));
      const account = await store.createAccount({ email: "u@example.com", status: "user" });
      const other = openDatabase(file);
      const written = () =>
        (other.prepare("SELECT coalesce(sum(value), 0) AS n FROM usage_minutes").get() as { n: number }).n;
      const at = new Date("2026-01-01T10:00:30Z");
      for (let i = 0; i < 5; i++) await store.recordUsage(account.id, "searches", 1, at);
      await store.recordUsage(account.id, "searches", 0, at); // ignored
      expect(written()).toBe(0); // not yet: no write transaction per search
      await store.recordUsage(account.id, "fileTokens", 120, at);
      expect(written()).toBe(120); // written at once: ingestion's meter survives a crash
      const window = [new Date("2026-01-01T10:00:00Z"), new Date("2026-01-01T10:02:00Z")] as const;
      expect(await store.sumUsage(account.id, "searches", ...window)).toBe(5);
      expect(written()).toBe(125); // the read flushed them
      await store.recordUsage(account.id, "searches", 2, at);
      await new Promise((r) => setTimeout(r, 1200));
      expect(written()).toBe(127); // the timer flushed them
      await store.recordUsage(account.id, "searches", 3, at);
      await store.close();
      expect(written()).toBe(130); // close flushed them
      other.close();
    });
  });

  it("refuses a database newer than the code", () => {
    const db = openDatabase(":memory:");
    db.prepare(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'now')",
    ).run();
    expect(() => migrate(db, migrations)).toThrow(/newer than this Openground/);
  });
});
