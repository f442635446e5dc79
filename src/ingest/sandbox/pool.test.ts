import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_PARSE_LIMITS } from "../types.js";
import { ParserPool, SandboxError } from "./pool.js";

const workerUrl = new URL("../../../test/fixtures/sandbox-worker.ts", import.meta.url);

function task(fileName: string, size = 3) {
  return {
    bytes: new Uint8Array(size),
    fileName,
    format: "txt" as const,
    processLevel: "full" as const,
    limits: DEFAULT_PARSE_LIMITS,
    chunkIdPrefix: "abc123",
  };
}

async function failure(promise: Promise<unknown>): Promise<SandboxError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SandboxError) return error;
    throw error;
  }
  throw new Error("expected a SandboxError");
}

describe("ParserPool", () => {
  let pool: ParserPool;
  afterEach(async () => pool.close());

  it("runs tasks in worker threads, several at once", async () => {
    pool = new ParserPool({ size: 2, timeoutMs: 10_000, maxMemoryMb: 128, workerUrl });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => pool.run(task(`ok-${n}`, n))));
    expect(results.map((r) => r.tokens)).toEqual([1, 2, 3, 4, 5]);
    expect(results[0]?.xray.fileName).toBe("ok-1");
  });

  it("renders pages between parses on the same threads", async () => {
    pool = new ParserPool({ size: 1, timeoutMs: 10_000, maxMemoryMb: 128, workerUrl });
    const bytes = new Uint8Array([9, 8, 7, 6]);
    const [parsed, page] = await Promise.all([
      pool.run(task("ok", 2)),
      pool.render({ bytes, format: "pdf", pageNumber: 3 }),
    ]);
    expect(parsed.tokens).toBe(2);
    expect([...page]).toEqual([9, 8, 7]);
  });

  it("reports a parser's own error", async () => {
    pool = new ParserPool({ size: 1, timeoutMs: 10_000, maxMemoryMb: 128, workerUrl });
    const error = await failure(pool.run(task("bad")));
    expect([error.code, error.message]).toEqual(["PARSE_FAILED", "not a valid file"]);
  });

  it("kills a parser past the time limit and keeps serving", async () => {
    pool = new ParserPool({ size: 1, timeoutMs: 1500, maxMemoryMb: 128, workerUrl });
    const error = await failure(pool.run(task("loop")));
    expect(error.code).toBe("PARSER_TIMEOUT");
    expect((await pool.run(task("ok"))).tokens).toBe(3);
  });

  it("contains a crash, an uncaught exception and memory exhaustion", async () => {
    pool = new ParserPool({ size: 2, timeoutMs: 20_000, maxMemoryMb: 64, workerUrl });
    const [exit, thrown, oom, fine] = await Promise.allSettled([
      pool.run(task("exit")),
      pool.run(task("throw")),
      pool.run(task("oom")),
      pool.run(task("ok")),
    ]);
    const reason = (r: PromiseSettledResult<unknown>) =>
      r.status === "rejected" ? (r.reason as SandboxError) : undefined;
    expect(reason(exit)?.code).toBe("PARSER_CRASHED");
    expect(reason(thrown)?.message).toMatch(/parser bug/);
    expect(reason(oom)?.code).toBe("PARSER_CRASHED");
    expect(reason(oom)?.message).toMatch(/out of memory|crashed|exited/);
    expect(fine.status).toBe("fulfilled");
    expect((await pool.run(task("ok"))).tokens).toBe(3);
  }, 60_000);

  it("refuses work after close", async () => {
    pool = new ParserPool({ size: 1, timeoutMs: 1000, maxMemoryMb: 64, workerUrl });
    await pool.close();
    expect((await failure(pool.run(task("ok")))).code).toBe("SHUTTING_DOWN");
  });
});
