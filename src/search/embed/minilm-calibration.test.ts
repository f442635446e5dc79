import { describe, expect, it } from "vitest";
import { miniLmPaths, readMiniLmWeights } from "./minilm-assets.js";
import { CALIBRATION_TEXTS, calibrateMiniLm } from "./minilm-calibrate.js";
import { miniLmCalibration } from "./minilm-calibration.js";
import { PROBE_KINDS, probeName } from "./minilm-graph.js";
import { loadOrt } from "./ort.js";
import { TextTokenizer } from "./tokenizer.js";

describe("stored MiniLM calibration", () => {
  it("matches ranges recomputed from the pinned weights and the calibration texts", async () => {
    const ort = await loadOrt();
    const { weights, config } = await readMiniLmWeights();
    const tok = await TextTokenizer.fromFile(miniLmPaths.tokenizerPath);
    const fresh = await calibrateMiniLm(ort, weights, config, tok);
    const stored = miniLmCalibration();

    expect(CALIBRATION_TEXTS.length).toBeGreaterThan(5);
    const names = Array.from({ length: 6 }, (_, layer) => PROBE_KINDS.map((k) => probeName(layer, k))).flat();
    expect([...stored.keys()].sort()).toEqual([...names].sort());
    expect([...fresh.keys()].sort()).toEqual([...names].sort());
    for (const name of names) {
      const a = stored.get(name) as Float32Array;
      const b = fresh.get(name) as Float32Array;
      expect(a.length, name).toBe(name.endsWith("ffn_out") ? 1536 : 384);
      expect(b.length, name).toBe(a.length);
      // fp32 kernels differ slightly across CPUs; a range is a maximum of sums, so 1e-3 is ample.
      let worst = 0;
      for (let i = 0; i < a.length; i++) {
        const x = a[i] as number;
        const y = b[i] as number;
        expect(x, `${name}[${i}]`).toBeGreaterThan(0);
        worst = Math.max(worst, Math.abs(x - y) / Math.max(x, y));
      }
      expect(worst, name).toBeLessThan(1e-3);
    }
  }, 60_000);

  it("decodes once and returns the same map", () => {
    expect(miniLmCalibration()).toBe(miniLmCalibration());
  });
});
