import { text } from "node:stream/consumers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BlobStore } from "../../src/store/contracts/blob-store.js";

/** The behaviour every BlobStore adapter must have. */
export function runBlobStoreContract(
  name: string,
  create: () => Promise<{ store: BlobStore; close(): Promise<void> }>,
) {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, close } = await create());
    });
    afterEach(async () => close());

    it("stores, reads, streams and overwrites objects", async () => {
      await store.put("documents/a/original", new Uint8Array([1, 2, 3]));
      expect(await store.get("documents/a/original")).toEqual(new Uint8Array([1, 2, 3]));
      await store.put("documents/a/xray.json", '{"chunks":[]}');
      const opened = await store.open("documents/a/xray.json");
      expect(opened?.size).toBe(13);
      if (!opened) throw new Error("missing");
      expect(await text(opened.stream)).toBe('{"chunks":[]}');
      await store.put("documents/a/original", new Uint8Array([9]));
      expect(await store.get("documents/a/original")).toEqual(new Uint8Array([9]));
      expect(await store.has("documents/a/original")).toBe(true);
    });

    it("answers undefined/false for missing objects", async () => {
      expect(await store.get("missing/key")).toBeUndefined();
      expect(await store.open("missing/key")).toBeUndefined();
      expect(await store.has("missing/key")).toBe(false);
      expect(await store.copy("missing/key", "other/key")).toBe(false);
    });

    it("copies objects", async () => {
      await store.put("x/original", "bytes");
      expect(await store.copy("x/original", "y/original")).toBe(true);
      expect(new TextDecoder().decode(await store.get("y/original"))).toBe("bytes");
    });

    it("deletes objects and prefixes idempotently", async () => {
      await store.put("documents/a/original", "1");
      await store.put("documents/a/xray.json", "2");
      await store.put("documents/ab/original", "3");
      await store.delete("documents/a/original");
      await store.delete("documents/a/original");
      expect(await store.has("documents/a/original")).toBe(false);
      await store.deletePrefix("documents/a");
      await store.deletePrefix("documents/a");
      expect(await store.has("documents/a/xray.json")).toBe(false);
      expect(await store.has("documents/ab/original")).toBe(true);
    });

    it("refuses keys that could escape the store", async () => {
      for (const key of ["../etc/passwd", "/abs", "a/../../b", "a//b", "", "a/./b", "a\\b", "a/b c"]) {
        await expect(store.put(key, "x"), key).rejects.toThrow(/invalid blob key/);
      }
    });
  });
}
