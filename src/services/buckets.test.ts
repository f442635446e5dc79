import { describe, expect, it } from "vitest";
import { openDatabase } from "../store/sqlite/database.js";
import { SqliteMetadataStore } from "../store/sqlite/metadata-store.js";
import { BucketService } from "./buckets.js";

async function setup() {
  const store = new SqliteMetadataStore(openDatabase(":memory:"));
  const account = await store.createAccount({ email: "a@example.com", status: "user" });
  return { store, accountId: account.id, bucket: await store.createBucket(account.id, "b") };
}

describe("BucketService.delete", () => {
  it("runs every deletion hook before the bucket goes", async () => {
    const { store, accountId, bucket } = await setup();
    const calls: string[] = [];
    const service = new BucketService(store)
      .onDelete(async (acc, id) => {
        calls.push(`documents ${acc === accountId} ${id}`);
        // The bucket still exists while hooks run, so they can find what belongs to it.
        expect(await store.getBucket(acc, id)).toBeDefined();
      })
      .onDelete(async (_acc, id) => {
        calls.push(`files ${id}`);
      });
    expect(await service.delete(accountId, bucket.id)).toBe(true);
    expect(calls).toEqual([`documents true ${bucket.id}`, `files ${bucket.id}`]);
    expect(await store.getBucket(accountId, bucket.id)).toBeUndefined();
  });

  it("keeps the bucket when a hook fails, so a retry runs the hooks again", async () => {
    const { store, accountId, bucket } = await setup();
    let attempts = 0;
    const service = new BucketService(store).onDelete(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error("blob store unavailable");
    });
    await expect(service.delete(accountId, bucket.id)).rejects.toThrow("blob store unavailable");
    expect(await store.getBucket(accountId, bucket.id)).toBeDefined();
    expect(await service.delete(accountId, bucket.id)).toBe(true);
    expect(attempts).toBe(2);
  });

  it("does nothing for a bucket of another account", async () => {
    const { store, bucket } = await setup();
    const other = await store.createAccount({ email: "b@example.com", status: "user" });
    let called = false;
    const service = new BucketService(store).onDelete(async () => {
      called = true;
    });
    expect(await service.delete(other.id, bucket.id)).toBe(false);
    expect(called).toBe(false);
  });
});
