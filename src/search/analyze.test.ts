import { describe, expect, it } from "vitest";
import { analyze, analyzeTerm, bm25Term, countSequence, idf } from "./analyze.js";

describe("analyze", () => {
  it("stems, folds case and diacritics like the index", () => {
    expect(analyze("Running runners RAN; café Déjà-vu")).toEqual([
      "run",
      "runner",
      "ran",
      "cafe",
      "deja",
      "vu",
    ]);
  });

  it("splits CJK into characters", () => {
    expect(analyze("東京の天気 GPT4模型")).toEqual(["東", "京", "の", "天", "気", "gpt4", "模", "型"]);
    expect(analyzeTerm({ text: "天 気", cjk: true })).toEqual(["天", "気"]);
  });

  it("counts sequences", () => {
    const tokens = analyze("the vitamin d effect; vitamin d again and vitamin");
    expect(countSequence(tokens, analyze("vitamin d"))).toBe(2);
    expect(countSequence(tokens, ["nope"])).toBe(0);
    expect(countSequence(tokens, [])).toBe(0);
  });
});

describe("BM25 pieces", () => {
  it("gives rarer terms more weight and saturates term frequency", () => {
    expect(idf(1, 1000)).toBeGreaterThan(idf(500, 1000));
    expect(idf(1000, 1000)).toBeGreaterThan(0);
    expect(bm25Term(0, 2, 100, 100)).toBe(0);
    const once = bm25Term(1, 2, 100, 100);
    const many = bm25Term(10, 2, 100, 100);
    expect(many).toBeGreaterThan(once);
    expect(many).toBeLessThan(2 * 2.2);
    expect(bm25Term(1, 2, 400, 100)).toBeLessThan(once);
  });
});
