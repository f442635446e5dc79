import { describe, expect, it } from "vitest";
import { bagOfWordsF1, normalizeWords, wordAccuracy, wordEditDistance } from "./score.js";

describe("OCR scores", () => {
  it("normalises typography, line-end hyphens and punctuation", () => {
    expect(normalizeWords("The Insti-\ntute’s “goal”—twofold.")).toEqual([
      "the",
      "institute's",
      "goal",
      "twofold",
    ]);
    expect(normalizeWords("333 - 7033 togeth-\ner--films, (NYLON)")).toEqual([
      "333",
      "7033",
      "together",
      "films",
      "nylon",
    ]);
  });

  it("counts substitutions, insertions and deletions", () => {
    expect(wordEditDistance(["a", "b", "c"], ["a", "x", "c", "d"])).toBe(2);
    expect(wordAccuracy("a b c d", "a x c d")).toBe(0.75);
    expect(wordAccuracy("a b", "c d e f g")).toBe(0);
    expect(wordAccuracy("", "")).toBe(1);
  });

  it("ignores order in the bag-of-words F1", () => {
    expect(bagOfWordsF1("a b c d", "d c b a")).toBe(1);
    expect(bagOfWordsF1("a a b", "a b b")).toBeCloseTo(2 / 3);
    expect(wordAccuracy("a b c d", "c d a b")).toBe(0);
  });
});
