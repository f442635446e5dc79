import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrate, openDatabase } from "../../src/store/sqlite/database.js";
import { SqliteMetadataStore } from "../../src/store/sqlite/metadata-store.js";
import { migrations } from "../../src/store/sqlite/migrations.js";
import { runMetadataStoreContract } from "./metadata-store.contract.js";

runMetadataStoreContract("sqlite (memory)", async () => new SqliteMetadataStore(openDatabase(":memory:")));

describe("sqlite database", () => {
  it("persists across reopen and applies migrations once", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "og-sqlite-"));
    const file = path.join(dir, "db.sqlite");
    try {
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
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a database newer than the code", () => {
    const db = openDatabase(":memory:");
    db.prepare(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'now')",
    ).run();
    expect(() => migrate(db, migrations)).toThrow(/newer than this Openground/);
  });
});
