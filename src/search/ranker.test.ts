import { describe, expect, it } from "vitest";
import { chunkTypeFactor, isNumericQuery, toScore } from "./search.js";

describe("ranker features", () => {
  it("recognises numeric and tabular questions", () => {
    expect(isNumericQuery("revenue in 2023")).toBe(true);
    expect(isNumericQuery("How many patients were enrolled?")).toBe(true);
    expect(isNumericQuery("average dose per kilogram")).toBe(true);
    expect(isNumericQuery("mechanism of insulin resistance")).toBe(false);
    // "rate" as a word, not inside another word
    expect(isNumericQuery("generate a summary")).toBe(false);
  });

  it("weights chunk types: tables for numeric questions, figures a little lower", () => {
    expect(chunkTypeFactor("table", true)).toBeCloseTo(1.1);
    expect(chunkTypeFactor("table", false)).toBe(1);
    expect(chunkTypeFactor("paragraph", true)).toBe(1);
    expect(chunkTypeFactor("figure", false)).toBeCloseTo(0.9);
  });

  it("maps relevance onto the D7 scale and guards non-finite input", () => {
    expect(toScore(1)).toBe(400);
    expect(toScore(0.5)).toBe(100);
    expect(toScore(Number.NaN)).toBe(0);
    expect(toScore(2)).toBe(400);
  });
});
