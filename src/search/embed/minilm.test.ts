import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbedder } from "./index.js";
import { MINILM_MAX_TOKENS, miniLmPaths } from "./minilm-assets.js";
import { TextTokenizer } from "./tokenizer.js";
import type { Embedder } from "./types.js";
import { cosine, dot } from "./vector.js";

const TEXTS = [
  "hello world",
  "The cat sits on the mat.",
  "covid-19 vaccine efficacy in older adults",
  "Photosynthesis converts light energy into chemical energy stored in glucose.",
  "東京は日本の首都です。",
  "SELECT id, name FROM users WHERE created_at > '2024-01-01';",
  "Naïve café owners déjà vu — résumé!",
  "Mitochondrial dysfunction has been implicated in neurodegeneration. We measured oxygen consumption and reactive oxygen species in fibroblasts from 42 patients and 38 controls and found reduced complex I activity.",
];

// 1,000 words: far past the 256-token limit.
const WORDS = [
  "protein",
  "binding",
  "receptor",
  "the",
  "cell",
  "of",
  "signal",
  "pathway",
  "kinase",
  "membrane",
];
const LONG = Array.from(
  { length: 1000 },
  (_, i) => `${WORDS[i % WORDS.length]}${i % 17 === 0 ? "," : ""}`,
).join(" ");
const firstWords = (n: number) => LONG.split(" ").slice(0, n).join(" ");

let wasm: Embedder;
let fp32: Embedder;
let int8: Embedder;
let reference: Float32Array[];

beforeAll(async () => {
  [wasm, fp32, int8] = await Promise.all([
    createEmbedder({ provider: "minilm-wasm" }),
    createEmbedder({ provider: "minilm-onnx", quantize: false, threads: 2, fallback: false }),
    createEmbedder({ provider: "minilm-onnx", quantize: true, threads: 2, fallback: false }),
  ]);
  reference = await wasm.embed([...TEXTS, LONG], "document");
});

afterAll(async () => {
  await Promise.all([wasm?.close(), fp32?.close(), int8?.close()]);
});

describe("all-MiniLM-L6-v2", () => {
  it("names its variants and gives 384-d unit vectors", async () => {
    expect(int8.id).toBe("all-MiniLM-L6-v2:onnx-int8");
    expect(fp32.id).toBe("all-MiniLM-L6-v2:onnx-fp32");
    expect(wasm.id).toBe("all-MiniLM-L6-v2:wasm-fp32");
    for (const e of [int8, fp32, wasm]) expect(e.dimensions).toBe(384);
    const vectors = await int8.embed(TEXTS, "document");
    expect(vectors).toHaveLength(TEXTS.length);
    for (const v of [...vectors, ...reference]) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(384);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
    }
    expect(await int8.embed([], "query")).toEqual([]);
  });

  it("onnx fp32 matches the WASM reference engine", async () => {
    const vectors = await fp32.embed([...TEXTS, LONG], "document");
    vectors.forEach((v, i) => {
      expect(cosine(v, reference[i] as Float32Array)).toBeGreaterThan(0.9999);
    });
  });

  it("onnx int8 stays within cosine 0.99 of the reference", async () => {
    const vectors = await int8.embed([...TEXTS, LONG], "document");
    vectors.forEach((v, i) => {
      expect(cosine(v, reference[i] as Float32Array), TEXTS[i] ?? "long text").toBeGreaterThanOrEqual(0.99);
    });
  });

  it("scores similar sentences above unrelated ones", async () => {
    for (const e of [int8, fp32]) {
      const [a, b, c, d] = await e.embed(
        [
          "How do I reset my password?",
          "I forgot my password and need to change it.",
          "The recipe calls for two cups of flour.",
          "Stock markets fell sharply on Monday.",
        ],
        "query",
      );
      const similar = cosine(a as Float32Array, b as Float32Array);
      expect(similar).toBeGreaterThan(0.6);
      expect(similar).toBeGreaterThan(cosine(a as Float32Array, c as Float32Array) + 0.3);
      expect(similar).toBeGreaterThan(cosine(a as Float32Array, d as Float32Array) + 0.3);
    }
  });

  it("truncates at 256 tokens and keeps the final [SEP]", async () => {
    const tok = await TextTokenizer.fromFile(miniLmPaths.tokenizerPath);
    const encoded = tok.encode(LONG, MINILM_MAX_TOKENS);
    expect(encoded.truncated).toBe(true);
    expect(encoded.ids).toHaveLength(256);
    expect(encoded.ids[0]).toBe(101); // [CLS]
    expect(encoded.ids[255]).toBe(102); // [SEP]
    expect(encoded.ids.filter((id) => id === 102)).toHaveLength(1);

    // 300 words already pass 256 tokens: the 1,000-word text is exactly its truncation…
    expect(tok.encode(firstWords(300), MINILM_MAX_TOKENS).truncated).toBe(true);
    const [long, first300, first50] = await int8.embed([LONG, firstWords(300), firstWords(50)], "document");
    expect(cosine(long as Float32Array, first300 as Float32Array)).toBeCloseTo(1, 6);
    // …and close to, but not the same as, its first 50 words.
    const to50 = cosine(long as Float32Array, first50 as Float32Array);
    expect(to50).toBeGreaterThan(0.8);
    expect(to50).toBeLessThan(0.99);
  });

  it("is deterministic and does not depend on batching", async () => {
    const batch = await int8.embed(TEXTS, "document");
    const again = await int8.embed(TEXTS, "document");
    const alone = await Promise.all(
      TEXTS.map(async (t) => (await int8.embed([t], "query")) as [Float32Array]),
    );
    batch.forEach((v, i) => {
      expect(Array.from(again[i] as Float32Array)).toEqual(Array.from(v));
      expect(Array.from(alone[i]?.[0] as Float32Array)).toEqual(Array.from(v));
    });
    const fpBatch = await fp32.embed(TEXTS, "document");
    const fpAlone = await fp32.embed([TEXTS[3] as string], "document");
    expect(cosine(fpBatch[3] as Float32Array, fpAlone[0] as Float32Array)).toBeGreaterThan(0.99999);
  });

  it("embeds empty and odd inputs", async () => {
    const vectors = await int8.embed(["", " ", "🙂🙂🙂", "a".repeat(5000)], "query");
    for (const v of vectors) expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
  });

  it("rejects calls after close without affecting other embedders", async () => {
    const other = await createEmbedder({
      provider: "minilm-onnx",
      quantize: true,
      threads: 2,
      fallback: false,
    });
    await other.close();
    await expect(other.embed(["x"], "query")).rejects.toMatchObject({ code: "EMBED_CLOSED" });
    // The session is shared and ref-counted: int8 still works.
    expect(await int8.embed(["still alive"], "query")).toHaveLength(1);
  });
});
