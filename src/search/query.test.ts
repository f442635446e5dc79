import { describe, expect, it } from "vitest";
import { LONG_QUERY_WORDS, parseQuery, spaceCjk, toFtsExpression } from "./query.js";

describe("parseQuery", () => {
  it("keeps content words, drops stopwords and duplicates", () => {
    const q = parseQuery("What is the effect of Vitamin-D on the effect of bones?");
    expect(q.terms.map((t) => t.text)).toEqual(["effect", "vitamin", "d", "bones"]);
    expect(q.rewritten).toBeUndefined();
  });

  it("keeps stopwords when nothing else is left", () => {
    expect(parseQuery("to be or not to be").terms.map((t) => t.text)).toEqual(["to", "be", "or", "not"]);
  });

  it("never lets FTS syntax through", () => {
    const q = parseQuery('NEAR("a" b) OR title:* -x AND ^y "unbalanced');
    expect(toFtsExpression(q.terms)).toBe('"near" OR "b" OR "title" OR "x" OR "y" OR "unbalanced"');
    expect(parseQuery('"*()-^:').terms).toEqual([]);
    expect(toFtsExpression([])).toBeUndefined();
  });

  it("turns CJK runs into phrases of characters", () => {
    const q = parseQuery("東京の天気 GPT4模型");
    expect(q.terms).toEqual([
      { text: "東 京 の 天 気", cjk: true },
      { text: "gpt4", cjk: false },
      { text: "模 型", cjk: true },
    ]);
    expect(spaceCjk("天気は晴れ")).toBe(" 天  気  は  晴  れ ");
    expect(spaceCjk("plain text")).toBe("plain text");
  });

  it("folds width and case", () => {
    expect(parseQuery("ＡＢＣ Déjà").terms.map((t) => t.text)).toEqual(["abc", "déjà"]);
  });

  it("condenses long queries to their rarest terms and reports the rewrite", () => {
    const words = Array.from({ length: LONG_QUERY_WORDS + 10 }, (_, i) => `word${i}`);
    const df = (t: string) => (t === "word3" || t === "word7" ? 1 : 100 + Number(t.slice(4)));
    const q = parseQuery(words.join(" "), df);
    expect(q.terms).toHaveLength(16);
    expect(q.terms.slice(0, 3).map((t) => t.text)).toEqual(["word0", "word1", "word2"]);
    expect(q.terms.map((t) => t.text)).toContain("word7");
    expect(q.rewritten?.split(" ")).toHaveLength(16);
    expect(q.wordCount).toBe(40);
  });
});
