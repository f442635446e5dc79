import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newUuid } from "../../src/core/ids.js";
import type { JobQueue } from "../../src/store/contracts/job-queue.js";

export interface QueueFixture {
  readonly queue: JobQueue;
  /** Move the queue's clock forward. */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** The behaviour every JobQueue adapter must have. */
export function runJobQueueContract(name: string, create: () => Promise<QueueFixture>): void {
  describe(`JobQueue contract: ${name}`, () => {
    let f: QueueFixture;
    beforeEach(async () => {
      f = await create();
    });
    afterEach(async () => f.close());

    const job = (
      over: Partial<{ kind: string; groupKey: string; maxAttempts: number; payload: unknown }> = {},
    ) => ({
      id: newUuid(),
      kind: over.kind ?? "ingest",
      payload: over.payload ?? { n: 1 },
      ...(over.groupKey ? { groupKey: over.groupKey } : {}),
      ...(over.maxAttempts ? { maxAttempts: over.maxAttempts } : {}),
    });

    it("claims in FIFO order, once, and only the asked kinds", async () => {
      const a = job({ payload: { name: "a" } });
      const b = job({ kind: "other" });
      const c = job();
      await f.queue.enqueue([a]);
      f.advance(1);
      await f.queue.enqueue([b, c]);
      const first = await f.queue.claim("w1", ["ingest"], 1000);
      expect(first).toMatchObject({
        id: a.id,
        state: "running",
        attempts: 1,
        lockedBy: "w1",
        payload: { name: "a" },
      });
      expect((await f.queue.claim("w2", ["ingest"], 1000))?.id).toBe(c.id);
      expect(await f.queue.claim("w3", ["ingest"], 1000)).toBeUndefined();
      expect((await f.queue.claim("w3", ["other", "ingest"], 1000))?.id).toBe(b.id);
    });

    it("never hands one job to two concurrent claimers", async () => {
      await f.queue.enqueue(Array.from({ length: 20 }, () => job()));
      const claims = await Promise.all(
        Array.from({ length: 40 }, (_, i) => f.queue.claim(`w${i}`, ["ingest"], 1000)),
      );
      const ids = claims.filter((c) => c !== undefined).map((c) => c.id);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
    });

    it("completes only for the owner", async () => {
      const a = job();
      await f.queue.enqueue([a]);
      await f.queue.claim("w1", ["ingest"], 1000);
      expect(await f.queue.complete(a.id, "intruder")).toBe(false);
      expect(await f.queue.complete(a.id, "w1")).toBe(true);
      expect((await f.queue.get(a.id))?.state).toBe("succeeded");
      expect(await f.queue.complete(a.id, "w1")).toBe(false);
    });

    it("retries retryable failures with a delay, then fails for good", async () => {
      const a = job({ maxAttempts: 2 });
      await f.queue.enqueue([a]);
      await f.queue.claim("w1", ["ingest"], 1000);
      const failure = { code: "NETWORK", message: "connection reset", retryable: true };
      expect(await f.queue.fail(a.id, "w1", failure, 5000)).toBe("queued");
      expect(await f.queue.claim("w1", ["ingest"], 1000)).toBeUndefined();
      f.advance(5000);
      expect((await f.queue.claim("w1", ["ingest"], 1000))?.attempts).toBe(2);
      expect(await f.queue.fail(a.id, "w1", failure, 0)).toBe("failed");
      expect(await f.queue.get(a.id)).toMatchObject({
        state: "failed",
        errorCode: "NETWORK",
        errorMessage: "connection reset",
      });
    });

    it("fails non-retryable failures at once", async () => {
      const a = job({ maxAttempts: 5 });
      await f.queue.enqueue([a]);
      await f.queue.claim("w1", ["ingest"], 1000);
      expect(
        await f.queue.fail(a.id, "w1", { code: "PARSE_FAILED", message: "bad", retryable: false }, 0),
      ).toBe("failed");
    });

    it("re-queues a job whose worker died, and fails it when attempts are used up", async () => {
      const a = job({ maxAttempts: 2 });
      await f.queue.enqueue([a]);
      await f.queue.claim("dead", ["ingest"], 1000);
      expect(await f.queue.requeueExpired(new Date(Date.now() - 10_000))).toEqual({
        requeued: 0,
        failed: [],
      });
      f.advance(1001);
      const swept = await f.queue.requeueExpired(new Date(Date.now() + 60_000));
      expect(swept.requeued).toBe(1);
      // The dead worker lost the job: its heartbeat and completion are refused.
      expect(await f.queue.heartbeat(a.id, "dead", 1000)).toBe(false);
      expect(await f.queue.complete(a.id, "dead")).toBe(false);
      expect((await f.queue.claim("alive", ["ingest"], 1000))?.attempts).toBe(2);
      f.advance(1001);
      const second = await f.queue.requeueExpired(new Date(Date.now() + 60_000));
      expect(second.failed.map((j) => j.id)).toEqual([a.id]);
      expect(await f.queue.get(a.id)).toMatchObject({ state: "failed", errorCode: "WORKER_LOST" });
    });

    it("keeps a job alive with heartbeats", async () => {
      const a = job();
      await f.queue.enqueue([a]);
      await f.queue.claim("w1", ["ingest"], 1000);
      f.advance(800);
      expect(await f.queue.heartbeat(a.id, "w1", 1000)).toBe(true);
      f.advance(800);
      expect((await f.queue.requeueExpired(new Date(Date.now()))).requeued).toBe(0);
    });

    it("cancels a group: queued at once, running on acknowledgement", async () => {
      const group = newUuid();
      const running = job({ groupKey: group });
      const queued = job({ groupKey: group });
      const other = job({ groupKey: "other" });
      await f.queue.enqueue([running, queued, other]);
      await f.queue.claim("w1", ["ingest"], 1000);
      expect(await f.queue.cancelGroup(group)).toBe(1);
      expect((await f.queue.get(queued.id))?.state).toBe("cancelled");
      expect(await f.queue.get(running.id)).toMatchObject({ state: "running", cancelRequested: true });
      expect((await f.queue.get(other.id))?.state).toBe("queued");
      expect(await f.queue.acknowledgeCancel(running.id, "w1")).toBe(true);
      expect((await f.queue.get(running.id))?.state).toBe("cancelled");
      // A cancelled job is never claimed.
      expect((await f.queue.claim("w2", ["ingest"], 1000))?.id).toBe(other.id);
      expect(await f.queue.counts()).toEqual({
        queued: 0,
        running: 1,
        succeeded: 0,
        failed: 0,
        cancelled: 2,
      });
    });

    it("enqueues atomically", async () => {
      const a = job();
      await f.queue.enqueue([a]);
      await expect(f.queue.enqueue([job(), { ...a }])).rejects.toThrow();
      expect((await f.queue.counts()).queued).toBe(1);
    });
  });
}
