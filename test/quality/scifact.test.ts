import { describe, expect, it } from "vitest";
import { evaluateSciFact } from "../../bench/retrieval/scifact.js";

/**
 * The retrieval quality floor (search issue): hybrid search on BEIR SciFact,
 * through the HTTP API, must not fall below plain BM25's published 0.66
 * nDCG@10. The benchmark (bench/retrieval/run.ts) reports all modes.
 */
describe("SciFact retrieval quality", () => {
  it("keeps hybrid nDCG@10 at or above 0.66", async () => {
    const result = await evaluateSciFact({ modes: ["hybrid"], log: (line) => console.log(line) });
    const hybrid = result.modes.hybrid;
    expect(hybrid?.queries).toBe(300);
    expect(hybrid?.ndcg10).toBeGreaterThanOrEqual(0.66);
    expect(hybrid?.recall100).toBeGreaterThanOrEqual(0.9);
  }, 600_000);
});
