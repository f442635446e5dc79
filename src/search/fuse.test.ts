import { describe, expect, it } from "vitest";
import { type FusedItem, type RankedList, reciprocalRankFusion, weightedScoreFusion } from "./fuse.js";

type Fusion = (lists: readonly RankedList[]) => FusedItem[];

const methods: readonly [string, Fusion][] = [
  ["reciprocalRankFusion", (lists) => reciprocalRankFusion(lists)],
  ["weightedScoreFusion", weightedScoreFusion],
];

function list(name: string, weight: number, scores: Record<string, number> | [string, number][]): RankedList {
  const entries = Array.isArray(scores) ? scores : Object.entries(scores);
  return { name, weight, items: entries.map(([id, score]) => ({ id, score })) };
}

function ids(items: readonly FusedItem[]): string[] {
  return items.map((item) => item.id);
}

function expectNoNaN(items: readonly FusedItem[]): void {
  for (const item of items) {
    expect(Number.isNaN(item.score)).toBe(false);
    for (const signal of Object.values(item.signals)) {
      if (!signal) continue;
      expect(Number.isFinite(signal.rank)).toBe(true);
      expect(Number.isFinite(signal.raw)).toBe(true);
      expect(Number.isFinite(signal.normalised)).toBe(true);
      expect(signal.normalised).toBeGreaterThanOrEqual(0);
      expect(signal.normalised).toBeLessThanOrEqual(1);
    }
  }
}

// A: x 10, y 5, z 1 (ranks 1, 2, 3); B: y 0.9, w 0.8 (ranks 1, 2).
const handA = list("A", 2, { x: 10, y: 5, z: 1 });
const handB = list("B", 1, { y: 0.9, w: 0.8 });

describe("reciprocalRankFusion: hand-computed example", () => {
  it("k = 1, weights 1: x 1/2, y 1/3 + 1/2, w 1/3, z 1/4", () => {
    const fused = reciprocalRankFusion([{ ...handA, weight: 1 }, handB], { k: 1 });
    expect(ids(fused)).toEqual(["y", "x", "w", "z"]);
    const score = Object.fromEntries(fused.map((item) => [item.id, item.score]));
    expect(score.y).toBeCloseTo(5 / 6, 12);
    expect(score.x).toBeCloseTo(1 / 2, 12);
    expect(score.w).toBeCloseTo(1 / 3, 12);
    expect(score.z).toBeCloseTo(1 / 4, 12);
  });

  it("default k = 60 and weights multiply each contribution", () => {
    const fused = reciprocalRankFusion([handA, handB]);
    const score = Object.fromEntries(fused.map((item) => [item.id, item.score]));
    expect(score.x).toBeCloseTo(2 / 61, 12);
    expect(score.y).toBeCloseTo(2 / 62 + 1 / 61, 12);
    expect(score.z).toBeCloseTo(2 / 63, 12);
    expect(score.w).toBeCloseTo(1 / 62, 12);
    expect(ids(fused)).toEqual(["y", "x", "z", "w"]);
  });

  it("reports every list's signal for every item", () => {
    const [y] = reciprocalRankFusion([handA, handB], { k: 1 });
    expect(y).toEqual({
      id: "y",
      score: 2 / 3 + 1 / 2,
      signals: {
        A: { rank: 2, raw: 5, normalised: 4 / 9 },
        B: { rank: 1, raw: 0.9, normalised: 1 },
      },
    });
    const w = reciprocalRankFusion([handA, handB]).find((item) => item.id === "w");
    expect(w?.signals).toEqual({ A: undefined, B: { rank: 2, raw: 0.8, normalised: 0 } });
    expect(w && Object.keys(w.signals)).toEqual(["A", "B"]);
  });

  it("accepts k = 0 and rejects a negative or non-finite k", () => {
    expect(reciprocalRankFusion([list("A", 1, { a: 1, b: 0 })], { k: 0 }).map((i) => i.score)).toEqual([
      1, 0.5,
    ]);
    expect(() => reciprocalRankFusion([], { k: -1 })).toThrow(RangeError);
    expect(() => reciprocalRankFusion([], { k: Number.NaN })).toThrow(RangeError);
    expect(() => reciprocalRankFusion([], { k: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});

describe("weightedScoreFusion: hand-computed example", () => {
  it("A weight 2, B weight 1: x 2, y 2·4/9 + 1, then w and z tied at 0, w first by rank", () => {
    const fused = weightedScoreFusion([handA, handB]);
    expect(ids(fused)).toEqual(["x", "y", "w", "z"]);
    expect(fused.map((item) => item.score)).toEqual([2, (2 * 4) / 9 + 1, 0, 0]);
    expect(fused[0]).toEqual({
      id: "x",
      score: 2,
      signals: { A: { rank: 1, raw: 10, normalised: 1 }, B: undefined },
    });
    expect(fused[3]?.signals).toEqual({ A: { rank: 3, raw: 1, normalised: 0 }, B: undefined });
  });

  it("equal weights change the winner", () => {
    const fused = weightedScoreFusion([{ ...handA, weight: 1 }, handB]);
    expect(ids(fused)).toEqual(["y", "x", "w", "z"]);
    expect(fused[0]?.score).toBeCloseTo(13 / 9, 12);
  });
});

describe.each(methods)("%s edge cases", (_name, fuse) => {
  it("no lists, or only empty lists, give no items", () => {
    expect(fuse([])).toEqual([]);
    expect(fuse([list("A", 1, {}), list("B", 1, {})])).toEqual([]);
  });

  it("an empty list contributes nothing but still appears in the signals", () => {
    const alone = fuse([list("A", 1, { a: 3, b: 1 })]);
    const withEmpty = fuse([list("A", 1, { a: 3, b: 1 }), list("E", 1, {})]);
    expect(ids(withEmpty)).toEqual(["a", "b"]);
    expect(withEmpty.map((item) => item.score)).toEqual(alone.map((item) => item.score));
    expect(Object.keys(withEmpty[0]?.signals ?? {})).toEqual(["A", "E"]);
    expect(withEmpty[0]?.signals.E).toBeUndefined();
  });

  it("a single item is normalised to 1", () => {
    const [only, ...rest] = fuse([list("A", 1, { a: 0.25 })]);
    expect(rest).toEqual([]);
    expect(only?.signals.A).toEqual({ rank: 1, raw: 0.25, normalised: 1 });
    expect(only?.score).toBeGreaterThan(0);
  });

  it("all-equal scores (including all zeros) normalise to 1, never NaN", () => {
    for (const value of [0, 7, -3]) {
      const fused = fuse([list("A", 1, { a: value, b: value, c: value })]);
      expectNoNaN(fused);
      expect(ids(fused)).toEqual(["a", "b", "c"]);
      for (const item of fused) expect(item.signals.A).toEqual({ rank: 1, raw: value, normalised: 1 });
      expect(new Set(fused.map((item) => item.score)).size).toBe(1);
    }
  });

  it("a zero maximum and negative scores normalise into [0, 1]", () => {
    const fused = fuse([list("A", 1, { a: 0, b: -5, c: -10 })]);
    expect(ids(fused)).toEqual(["a", "b", "c"]);
    expect(fused.map((item) => item.signals.A?.normalised)).toEqual([1, 0.5, 0]);
    expectNoNaN(fused);
  });

  it("ties share the best rank and are ordered by id", () => {
    const fused = fuse([
      list("A", 1, [
        ["b", 5],
        ["c", 3],
        ["a", 5],
        ["d", 3],
        ["e", 1],
      ]),
    ]);
    expect(ids(fused)).toEqual(["a", "b", "c", "d", "e"]);
    expect(fused.map((item) => item.signals.A?.rank)).toEqual([1, 1, 3, 3, 5]);
  });

  it("breaks equal fused scores by best rank, then by id in code-unit order", () => {
    // p is first in B, q second in A: equal RRF and weighted scores only if ranks mirror each other.
    const fused = fuse([
      list("A", 1, [
        ["q", 2],
        ["p", 1],
      ]),
      list("B", 1, [
        ["p", 2],
        ["q", 1],
      ]),
    ]);
    expect(fused[0]?.score).toBe(fused[1]?.score);
    expect(ids(fused)).toEqual(["p", "q"]);
    const byId = fuse([
      list("A", 1, [
        ["b", 1],
        ["B", 1],
        ["a", 1],
      ]),
    ]);
    expect(ids(byId)).toEqual(["B", "a", "b"]);
  });

  it("drops NaN and infinite scores and never outputs NaN", () => {
    const fused = fuse([
      list("A", 1, [
        ["nan", Number.NaN],
        ["inf", Number.POSITIVE_INFINITY],
        ["ninf", Number.NEGATIVE_INFINITY],
        ["a", 2],
        ["b", 1],
      ]),
      list("B", 1, [["nan", 1]]),
    ]);
    expectNoNaN(fused);
    expect(ids(fused).sort()).toEqual(["a", "b", "nan"]);
    expect(fused.find((item) => item.id === "nan")?.signals.A).toBeUndefined();
    expect(fused.find((item) => item.id === "a")?.signals.A).toEqual({ rank: 1, raw: 2, normalised: 1 });
    expect(fused.find((item) => item.id === "b")?.signals.A).toEqual({ rank: 2, raw: 1, normalised: 0 });
  });

  it("a list of only non-finite scores contributes nothing", () => {
    const fused = fuse([
      list("A", 1, { a: Number.NaN, b: Number.POSITIVE_INFINITY }),
      list("B", 1, { c: 1 }),
    ]);
    expect(ids(fused)).toEqual(["c"]);
    expectNoNaN(fused);
  });

  it("keeps the best score of a duplicated id", () => {
    const fused = fuse([
      list("A", 1, [
        ["a", 1],
        ["b", 3],
        ["a", 5],
        ["a", Number.NaN],
        ["b", 2],
      ]),
    ]);
    expect(ids(fused)).toEqual(["a", "b"]);
    expect(fused[0]?.signals.A).toEqual({ rank: 1, raw: 5, normalised: 1 });
    expect(fused[1]?.signals.A).toEqual({ rank: 2, raw: 3, normalised: 0 });
  });

  it("handles ranges that overflow a double without NaN", () => {
    const fused = fuse([list("A", 1, { hi: Number.MAX_VALUE, mid: 0, lo: -Number.MAX_VALUE })]);
    expectNoNaN(fused);
    expect(ids(fused)).toEqual(["hi", "mid", "lo"]);
    expect(fused.map((item) => item.signals.A?.normalised)).toEqual([1, 0.5, 0]);
  });

  it("a list of weight 0 contributes nothing, but its items and signals are kept", () => {
    const fused = fuse([list("A", 1, { a: 2, b: 1 }), list("Z", 0, { z: 9, b: 8 })]);
    const alone = fuse([list("A", 1, { a: 2, b: 1 })]);
    expect(ids(fused).sort()).toEqual(["a", "b", "z"]);
    const scoreOf = (items: readonly FusedItem[], id: string): number | undefined =>
      items.find((item) => item.id === id)?.score;
    expect(scoreOf(fused, "a")).toBe(scoreOf(alone, "a"));
    expect(scoreOf(fused, "b")).toBe(scoreOf(alone, "b"));
    const z = fused.find((item) => item.id === "z");
    expect(z?.score).toBe(0);
    expect(z?.signals).toEqual({ A: undefined, Z: { rank: 1, raw: 9, normalised: 1 } });
    expect(fused[0]?.id).toBe("a");
  });

  it("all weights 0: every score is 0, ordered by best rank then id", () => {
    const fused = fuse([list("A", 0, { a: 1, b: 2 }), list("B", 0, { c: 5, d: 4 })]);
    expect(fused.map((item) => item.score)).toEqual([0, 0, 0, 0]);
    expect(ids(fused)).toEqual(["b", "c", "a", "d"]);
  });

  it("is deterministic: independent of list order and item order", () => {
    const a = list("A", 0.7, { d1: 3.2, d2: 3.2, d3: 1, d4: -2, d5: 0 });
    const b = list("B", 0.3, { d3: 0.91, d5: 0.9, d6: 0.9, d1: 0.1 });
    const reversed = (l: RankedList): RankedList => ({ ...l, items: [...l.items].reverse() });
    const first = fuse([a, b]);
    expect(fuse([a, b])).toEqual(first);
    expect(fuse([b, a])).toEqual(first);
    expect(fuse([reversed(b), reversed(a)])).toEqual(first);
    expectNoNaN(first);
  });

  it("does not mutate its input", () => {
    const input = [
      list("A", 1, [
        ["b", 1],
        ["a", 2],
        ["a", Number.NaN],
      ]),
    ];
    const snapshot = structuredClone(input);
    fuse(input);
    expect(input).toEqual(snapshot);
  });

  it("treats a list named __proto__ as an ordinary key", () => {
    const fused = fuse([list("__proto__", 1, { a: 1 })]);
    expect(Object.hasOwn(fused[0]?.signals ?? {}, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(fused[0]?.signals)).toBe(Object.prototype);
  });

  it("rejects invalid weights and duplicate list names", () => {
    for (const weight of [Number.NaN, -1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => fuse([list("A", weight, { a: 1 })])).toThrow(RangeError);
    }
    expect(() => fuse([list("A", 1, {}), list("A", 1, {})])).toThrow(/duplicate list name "A"/);
  });
});
