import { describe, expect, it } from "vitest";
import { quantizePerColumn } from "./minilm-graph.js";
import { halfToFloat, SafeTensors } from "./safetensors.js";
import { planBatches } from "./tokenizer.js";
import { cosine, l2normalize, meanPool } from "./vector.js";

describe("planBatches", () => {
  it("groups by length within the token budget and covers every index once", () => {
    const lengths = [10, 200, 12, 11, 180, 3, 250];
    const plan = planBatches(lengths, 4, 256);
    expect(plan.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const batch of plan) {
      const longest = Math.max(...batch.map((i) => lengths[i] as number));
      expect(batch.length <= 4).toBe(true);
      expect(batch.length === 1 || batch.length * longest <= 256).toBe(true);
    }
    expect(plan[0]).toEqual([5, 0, 3, 2]);
    expect(planBatches(lengths, 1, 10_000)).toHaveLength(7);
    expect(planBatches([], 8, 256)).toEqual([]);
  });
});

describe("safetensors", () => {
  it("widens fp16 exactly", () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x3555)).toBeCloseTo(0.33325, 5);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
  });

  it("reads tensors by name and checks shapes", () => {
    const header = JSON.stringify({
      __metadata__: { format: "pt" },
      a: { dtype: "F16", shape: [2], data_offsets: [0, 4] },
      b: { dtype: "F32", shape: [1], data_offsets: [4, 8] },
    });
    const bytes = new Uint8Array(8 + header.length + 8);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt(header.length), true);
    bytes.set(new TextEncoder().encode(header), 8);
    const data = 8 + header.length;
    view.setUint16(data, 0x3c00, true);
    view.setUint16(data + 2, 0xc000, true);
    view.setFloat32(data + 4, 0.5, true);
    const st = new SafeTensors(bytes);
    expect(Array.from(st.float32("a").data)).toEqual([1, -2]);
    expect(Array.from(st.float32("b", [1]).data)).toEqual([0.5]);
    expect(() => st.float32("b", [2])).toThrow(/shape/);
    expect(() => st.float32("c")).toThrow(/missing/);
  });
});

describe("quantizePerColumn", () => {
  it("scales each column by its own maximum", () => {
    // [k=2, n=2]: column 0 = [1, -0.5], column 1 = [100, 50]
    const { q, scale } = quantizePerColumn(Float32Array.of(1, 100, -0.5, 50), 2, 2);
    // 7-bit levels (WEIGHT_LEVELS = 63): no int16 pair sum of uint8 × int8 can saturate.
    expect(Array.from(q)).toEqual([63, 63, -31, 31]);
    expect(scale[0]).toBeCloseTo(1 / 63);
    expect(scale[1]).toBeCloseTo(100 / 63);
  });
});

describe("vectors", () => {
  it("mean-pools over unmasked tokens and normalises", () => {
    // batch 1, seq 3, dim 2; the third token is padding
    const [v] = meanPool(Float32Array.of(1, 0, 3, 0, 100, 100), [1, 1, 0], 1, 3, 2);
    expect(Array.from(v as Float32Array)).toEqual([1, 0]);
    expect(Array.from(l2normalize(Float32Array.of(3, 4)))).toEqual([
      Float32Array.of(0.6)[0],
      Float32Array.of(0.8)[0],
    ]);
    expect(Array.from(l2normalize(new Float32Array(2)))).toEqual([0, 0]);
    expect(cosine(Float32Array.of(1, 0), Float32Array.of(2, 0))).toBe(1);
  });
});
