import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newUuid } from "../../src/core/ids.js";
import type { MetadataStore } from "../../src/store/contracts/metadata-store.js";

/**
 * The behaviour every MetadataStore adapter must have. Run it with
 * `runMetadataStoreContract("sqlite", () => ...)`; an adapter may skip a case
 * only with a written reason.
 */
export function runMetadataStoreContract(name: string, create: () => Promise<MetadataStore>): void {
  describe(`MetadataStore contract: ${name}`, () => {
    let store: MetadataStore;
    let a: string;
    let b: string;

    const key = (label: string) => ({
      hash: `hash-${label}-${newUuid()}`,
      prefix: label.slice(0, 8),
      name: label,
    });

    beforeEach(async () => {
      store = await create();
      a = (
        await store.createAccount({ email: "a@example.com", first: "Ada", last: "Lovelace", status: "admin" })
      ).id;
      b = (await store.createAccount({ email: "b@example.com", status: "user" })).id;
    });
    afterEach(async () => store.close());

    it("creates and reads accounts", async () => {
      const account = await store.getAccount(a);
      expect(account).toMatchObject({
        id: a,
        email: "a@example.com",
        first: "Ada",
        last: "Lovelace",
        status: "admin",
      });
      expect(account?.created).toBeInstanceOf(Date);
      expect((await store.getAccount(b))?.first).toBeUndefined();
      expect(await store.getAccount(newUuid())).toBeUndefined();
      expect(await store.countAccounts()).toBe(2);
    });

    it("creates an account with its key atomically and resolves keys by hash", async () => {
      const k = key("firstkey");
      const { account } = await store.createAccountWithKey({ email: "c@example.com", status: "user" }, k);
      const found = await store.findAccountByKeyHash(k.hash);
      expect(found?.account.id).toBe(account.id);
      expect(found?.key).toMatchObject({
        hash: k.hash,
        prefix: "firstkey",
        name: "firstkey",
        accountId: account.id,
      });
      expect(await store.findAccountByKeyHash("nope")).toBeUndefined();
    });

    it("lists, renames and deletes keys within one account only", async () => {
      const k1 = key("k1");
      const k2 = key("k2");
      await store.createApiKey(a, k1);
      await store.createApiKey(a, k2);
      expect((await store.listApiKeys(a)).map((k) => k.name)).toEqual(["k1", "k2"]);
      expect(await store.listApiKeys(b)).toEqual([]);
      expect(await store.renameApiKey(b, k1.hash, "stolen")).toBeUndefined();
      expect((await store.renameApiKey(a, k1.hash, "renamed"))?.name).toBe("renamed");
      expect(await store.deleteApiKey(b, k2.hash)).toBe(false);
      expect(await store.deleteApiKey(a, k2.hash)).toBe(true);
      expect(await store.findAccountByKeyHash(k2.hash)).toBeUndefined();
      expect(await store.deleteApiKey(a, k2.hash)).toBe(false);
    });

    it("allocates bucket and group ids from one sequence", async () => {
      const b1 = await store.createBucket(a, "one");
      const g1 = await store.createGroup(a, "group");
      const b2 = await store.createBucket(b, "two");
      const ids = [b1.id, g1.id, b2.id];
      expect(new Set(ids).size).toBe(3);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(await store.resolveContainer(a, b1.id)).toBe("bucket");
      expect(await store.resolveContainer(a, g1.id)).toBe("group");
      expect(await store.resolveContainer(a, b2.id)).toBeUndefined();
    });

    it("never reuses a deleted id", async () => {
      const first = await store.createBucket(a, "x");
      await store.deleteBucket(a, first.id);
      expect((await store.createBucket(a, "y")).id).toBeGreaterThan(first.id);
    });

    it("creates, renames and deletes buckets scoped to the account", async () => {
      const bucket = await store.createBucket(a, "docs");
      expect(bucket).toMatchObject({ accountId: a, name: "docs", fileCount: 0, fileBytes: 0 });
      expect(await store.getBucket(b, bucket.id)).toBeUndefined();
      expect(await store.renameBucket(b, bucket.id, "x")).toBeUndefined();
      const renamed = await store.renameBucket(a, bucket.id, "papers");
      expect(renamed?.name).toBe("papers");
      expect(renamed?.updated.getTime()).toBeGreaterThanOrEqual(bucket.updated.getTime());
      expect(await store.deleteBucket(b, bucket.id)).toBe(false);
      expect(await store.deleteBucket(a, bucket.id)).toBe(true);
      expect(await store.getBucket(a, bucket.id)).toBeUndefined();
    });

    it("pages buckets by id with totals and no gaps", async () => {
      for (let i = 0; i < 7; i++) await store.createBucket(a, `b${i}`);
      await store.createBucket(b, "other");
      const seen: string[] = [];
      let afterId = 0;
      const remainings: number[] = [];
      for (;;) {
        const page = await store.listBuckets(a, { limit: 3, afterId });
        expect(page.total).toBe(7);
        seen.push(...page.items.map((x) => x.name));
        remainings.push(page.remaining);
        const last = page.items.at(-1);
        if (!last || page.remaining === 0) break;
        afterId = last.id;
      }
      expect(seen).toEqual(["b0", "b1", "b2", "b3", "b4", "b5", "b6"]);
      expect(remainings).toEqual([4, 1, 0]);
      expect(await store.listBuckets(b, { limit: 10, afterId: 0 })).toMatchObject({ total: 1, remaining: 0 });
    });

    it("manages groups and memberships idempotently", async () => {
      const group = await store.createGroup(a, "g", "made-with-group");
      expect(group.buckets.map((x) => x.name)).toEqual(["made-with-group"]);
      const extra = await store.createBucket(a, "extra");
      await store.addBucketToGroup(a, group.id, extra.id);
      await store.addBucketToGroup(a, group.id, extra.id);
      expect((await store.getGroup(a, group.id))?.buckets.map((x) => x.name)).toEqual([
        "made-with-group",
        "extra",
      ]);
      await store.removeBucketFromGroup(a, group.id, extra.id);
      await store.removeBucketFromGroup(a, group.id, extra.id);
      expect((await store.getGroup(a, group.id))?.buckets).toHaveLength(1);
      // Another account can neither see nor change the group.
      expect(await store.getGroup(b, group.id)).toBeUndefined();
      const foreign = await store.createBucket(b, "foreign");
      await store.addBucketToGroup(b, group.id, foreign.id);
      await store.addBucketToGroup(a, group.id, foreign.id);
      expect((await store.getGroup(a, group.id))?.buckets.map((x) => x.name)).toEqual(["made-with-group"]);
      expect((await store.renameGroup(a, group.id, "renamed"))?.name).toBe("renamed");
      expect(await store.renameGroup(b, group.id, "x")).toBeUndefined();
    });

    it("deleting a bucket removes it from groups; deleting a group keeps its buckets", async () => {
      const group = await store.createGroup(a, "g");
      const bucket = await store.createBucket(a, "member");
      await store.addBucketToGroup(a, group.id, bucket.id);
      await store.deleteBucket(a, bucket.id);
      expect((await store.getGroup(a, group.id))?.buckets).toEqual([]);
      const kept = await store.createBucket(a, "kept");
      await store.addBucketToGroup(a, group.id, kept.id);
      expect(await store.deleteGroup(b, group.id)).toBe(false);
      expect(await store.deleteGroup(a, group.id)).toBe(true);
      expect(await store.getBucket(a, kept.id)).toBeDefined();
      expect(await store.getGroup(a, group.id)).toBeUndefined();
    });

    it("pages groups with their members", async () => {
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push((await store.createGroup(a, `g${i}`, `b${i}`)).id);
      const first = await store.listGroups(a, { limit: 2, afterId: 0 });
      expect(first.items.map((g) => g.name)).toEqual(["g0", "g1"]);
      expect(first.items[1]?.buckets.map((x) => x.name)).toEqual(["b1"]);
      expect(first).toMatchObject({ total: 5, remaining: 3 });
      const rest = await store.listGroups(a, { limit: 10, afterId: ids[1] ?? 0 });
      expect(rest.items.map((g) => g.name)).toEqual(["g2", "g3", "g4"]);
      expect(rest.remaining).toBe(0);
    });

    it("stores workflows verbatim and tracks their relationships", async () => {
      const definition = { name: "wf", extract: { "Odd Key": [1, { b: null }] }, template: { X: "y" } };
      const wf = await store.createWorkflow(a, definition);
      expect(wf.definition).toEqual(definition);
      expect(wf.relationships).toEqual({ account: false, ids: [] });
      expect(await store.getWorkflow(b, wf.id)).toBeUndefined();

      const bucket = await store.createBucket(a, "b");
      const group = await store.createGroup(a, "g");
      await store.assignWorkflow(a, "account", wf.id);
      await store.assignWorkflow(a, group.id, wf.id);
      await store.assignWorkflow(a, bucket.id, wf.id);
      expect((await store.getWorkflow(a, wf.id))?.relationships).toEqual({
        account: true,
        ids: [bucket.id, group.id],
      });
      expect((await store.getAssignedWorkflow(a, bucket.id))?.id).toBe(wf.id);
      expect((await store.getAssignedWorkflow(a, "account"))?.id).toBe(wf.id);
      expect(await store.getAssignedWorkflow(b, "account")).toBeUndefined();

      // A foreign workflow id cannot be assigned.
      const foreign = await store.createWorkflow(b, {});
      await store.assignWorkflow(a, bucket.id, foreign.id);
      expect((await store.getAssignedWorkflow(a, bucket.id))?.id).toBe(wf.id);

      // Reassigning replaces; deleting the bucket drops its assignment.
      const other = await store.createWorkflow(a, { name: "other" });
      await store.assignWorkflow(a, group.id, other.id);
      expect((await store.getAssignedWorkflow(a, group.id))?.id).toBe(other.id);
      await store.deleteBucket(a, bucket.id);
      expect((await store.getWorkflow(a, wf.id))?.relationships).toEqual({ account: true, ids: [] });

      expect(await store.unassignWorkflow(a, "account")).toBe(true);
      expect(await store.unassignWorkflow(a, "account")).toBe(false);

      const replaced = await store.replaceWorkflow(a, wf.id, { name: "v2" });
      expect(replaced?.definition).toEqual({ name: "v2" });
      expect(await store.replaceWorkflow(b, wf.id, {})).toBeUndefined();

      expect((await store.listWorkflows(a)).map((w) => w.id)).toEqual([wf.id, other.id]);
      expect(await store.deleteWorkflow(b, other.id)).toBe(false);
      expect(await store.deleteWorkflow(a, other.id)).toBe(true);
      expect(await store.getAssignedWorkflow(a, group.id)).toBeUndefined();
    });

    it("sums usage per minute window and account", async () => {
      const t = (iso: string) => new Date(iso);
      await store.recordUsage(a, "searches", 1, t("2026-01-01T00:00:10Z"));
      await store.recordUsage(a, "searches", 2, t("2026-01-01T00:00:50Z"));
      await store.recordUsage(a, "searches", 4, t("2026-01-01T00:01:00Z"));
      await store.recordUsage(a, "fileTokens", 1000, t("2026-01-01T00:00:00Z"));
      await store.recordUsage(b, "searches", 100, t("2026-01-01T00:00:30Z"));
      await store.recordUsage(a, "searches", 0, t("2026-01-01T00:00:30Z"));
      expect(await store.sumUsage(a, "searches", t("2026-01-01T00:00:00Z"), t("2026-01-01T00:01:00Z"))).toBe(
        3,
      );
      expect(await store.sumUsage(a, "searches", t("2026-01-01T00:00:00Z"), t("2026-01-01T00:02:00Z"))).toBe(
        7,
      );
      expect(
        await store.sumUsage(a, "fileTokens", t("2026-01-01T00:00:00Z"), t("2026-01-02T00:00:00Z")),
      ).toBe(1000);
      expect(await store.sumUsage(a, "searches", t("2026-01-02T00:00:00Z"), t("2026-01-03T00:00:00Z"))).toBe(
        0,
      );
    });

    it("answers a ping", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
