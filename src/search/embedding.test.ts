import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cosine } from "./embed/index.js";
import type { Embedder } from "./embed/types.js";
import { documentSpecs, embeddingSetup, LazyEmbedder, pooledEmbedder, querySpec } from "./embedding.js";

const silent = { warn: () => undefined };
const CHUNK =
  "Alterations of the architecture of cerebral white matter in the developing human brain can affect cortical development and result in functional disabilities. ".repeat(
    8,
  );

describe("querySpec", () => {
  it("runs local models on one onnxruntime thread and leaves remote providers alone", () => {
    expect(querySpec({ provider: "minilm-onnx", quantize: true })).toEqual({
      provider: "minilm-onnx",
      quantize: true,
      threads: 1,
    });
    expect(querySpec({ provider: "onnx-dir", dir: "/models/e5", threads: 4 })).toEqual({
      provider: "onnx-dir",
      dir: "/models/e5",
      threads: 1,
    });
    const openai = { provider: "openai", baseURL: "http://127.0.0.1:1/v1", model: "m" } as const;
    expect(querySpec(openai)).toBe(openai);
    expect(querySpec({ provider: "minilm-wasm" })).toEqual({ provider: "minilm-wasm" });
  });
});

describe("documentSpecs", () => {
  it("gives a local model one single-threaded copy per core, at most 4", () => {
    const spec = { provider: "minilm-onnx", quantize: true } as const;
    expect(documentSpecs(spec, 2)).toEqual([
      { ...spec, threads: 1 },
      { ...spec, threads: 1 },
    ]);
    expect(documentSpecs(spec, 16)).toHaveLength(4);
    expect(documentSpecs(spec, 1)).toEqual([{ ...spec, threads: 1 }]);
    // An explicit thread count, a remote provider or the WASM engine: one embedder as configured.
    expect(documentSpecs({ ...spec, threads: 2 }, 8)).toEqual([{ ...spec, threads: 2 }]);
    expect(documentSpecs({ provider: "minilm-wasm" }, 8)).toEqual([{ provider: "minilm-wasm" }]);
  });
});

describe("pooledEmbedder", () => {
  /** A member that records its calls and returns [member, text length] for each text. */
  const member = (tag: number, calls: string[][]): Embedder => ({
    id: "m",
    dimensions: 2,
    async embed(texts) {
      calls.push([...texts]);
      return texts.map((t) => Float32Array.of(tag, t.length));
    },
    async close() {
      calls.push(["closed"]);
    },
  });

  it("splits a call into contiguous shares and keeps the order", async () => {
    const a: string[][] = [];
    const b: string[][] = [];
    const pool = pooledEmbedder([member(1, a), member(2, b)]);
    const texts = ["a", "bb", "ccc", "dddd", "eeeee"];
    const out = await pool.embed(texts, "document");
    expect(out.map((v) => Array.from(v))).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
      [2, 4],
      [2, 5],
    ]);
    expect(a).toEqual([["a", "bb", "ccc"]]);
    expect(b).toEqual([["dddd", "eeeee"]]);
    // Single texts take turns.
    await pool.embed(["x"], "document");
    await pool.embed(["y"], "document");
    expect([a.at(-1), b.at(-1)]).toEqual([["x"], ["y"]]);
    expect(await pool.embed([], "document")).toEqual([]);
    await pool.close();
    expect([a.at(-1), b.at(-1)]).toEqual([["closed"], ["closed"]]);
  });
});

describe("LazyEmbedder", () => {
  const setup = embeddingSetup({
    provider: "minilm",
    url: undefined,
    model: undefined,
    apiKey: undefined,
    dimensions: undefined,
    dir: undefined,
  });
  let embedder: LazyEmbedder;

  beforeAll(() => {
    if (!setup) throw new Error("minilm has a setup");
    embedder = new LazyEmbedder(setup, silent);
  });

  afterAll(async () => {
    await embedder.close();
  });

  it("gives a query the vector its text gets as a document", async () => {
    const texts = ["covid-19 vaccine efficacy in older adults", "hello"];
    const [asQueries, asDocuments] = await Promise.all([
      Promise.all(texts.map((t) => embedder.embed([t], "query"))),
      embedder.embed(texts, "document"),
    ]);
    texts.forEach((_, i) => {
      const q = asQueries[i]?.[0] as Float32Array;
      const d = asDocuments[i] as Float32Array;
      expect(q).toHaveLength(384);
      expect(cosine(q, d)).toBeGreaterThan(0.9999);
    });
  });

  it("answers a query while a long document batch is still embedding", async () => {
    const order: string[] = [];
    const documents = embedder.embed(Array(24).fill(CHUNK), "document").then((v) => {
      order.push("documents");
      return v;
    });
    const query = embedder.embed(["white matter development"], "query").then((v) => {
      order.push("query");
      return v;
    });
    const [docs, [vector]] = await Promise.all([documents, query]);
    expect(docs).toHaveLength(24);
    expect(vector).toHaveLength(384);
    expect(order).toEqual(["query", "documents"]);
  });

  it("refuses work once closed", async () => {
    const closing = new LazyEmbedder(setup as NonNullable<typeof setup>, silent);
    await closing.embed(["warm"], "query");
    await closing.close();
    await expect(closing.embed(["late"], "query")).rejects.toThrow(/closed/);
  });
});
