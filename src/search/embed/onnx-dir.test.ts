import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbedder } from "./index.js";
import { miniLmPaths, readMiniLmWeights } from "./minilm-assets.js";
import { buildMiniLmGraph } from "./minilm-graph.js";
import type { Embedder } from "./types.js";
import { cosine, dot } from "./vector.js";

const TEXTS = ["hello world", "The cat sits on the mat.", "protein folding and molecular chaperones", ""];

let root: string;
let minilm: Embedder;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "openground-onnx-dir-"));
  const { weights, config } = await readMiniLmWeights();
  // A plain HF-style export: token_type_ids input, token-level output.
  await mkdir(join(root, "hidden"));
  await writeFile(
    join(root, "hidden", "model.onnx"),
    buildMiniLmGraph(weights, config, { tokenTypeInput: true, output: "last_hidden_state" }),
  );
  await copyFile(miniLmPaths.tokenizerPath, join(root, "hidden", "tokenizer.json"));
  // A sentence-transformers-style export: pooled, normalised output, no token_type_ids.
  await mkdir(join(root, "pooled"));
  await writeFile(join(root, "pooled", "model.onnx"), buildMiniLmGraph(weights, config));
  await copyFile(miniLmPaths.tokenizerPath, join(root, "pooled", "tokenizer.json"));
  minilm = await createEmbedder({ provider: "minilm-onnx", quantize: false, threads: 2, fallback: false });
});

afterAll(async () => {
  await minilm?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("onnx-dir embedder", () => {
  it("mean-pools a last_hidden_state model and matches the built-in MiniLM", async () => {
    const e = await createEmbedder({ provider: "onnx-dir", dir: join(root, "hidden"), threads: 2 });
    expect(e.id).toMatch(/^onnx-dir:hidden:[0-9a-f]{12}$/);
    expect(e.dimensions).toBe(384);
    const [got, want] = await Promise.all([e.embed(TEXTS, "document"), minilm.embed(TEXTS, "document")]);
    got.forEach((v, i) => {
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
      expect(cosine(v, want[i] as Float32Array)).toBeGreaterThan(0.9999);
    });
    await e.close();
    await expect(e.embed(["x"], "query")).rejects.toMatchObject({ code: "EMBED_CLOSED" });
  });

  it("uses a pooled output as is, and applies query/document prefixes", async () => {
    const e = await createEmbedder({
      provider: "onnx-dir",
      dir: join(root, "pooled"),
      threads: 2,
      queryPrefix: "query: ",
      documentPrefix: "passage: ",
    });
    const plain = await createEmbedder({ provider: "onnx-dir", dir: join(root, "pooled"), threads: 2 });
    const [got, want] = await Promise.all([plain.embed(TEXTS, "document"), minilm.embed(TEXTS, "document")]);
    got.forEach((v, i) => {
      expect(cosine(v, want[i] as Float32Array)).toBeGreaterThan(0.9999);
    });
    const [asQuery] = await e.embed(["cats"], "query");
    const [byHand] = await plain.embed(["query: cats"], "document");
    expect(Array.from(asQuery as Float32Array)).toEqual(Array.from(byHand as Float32Array));
    const [asDoc] = await e.embed(["cats"], "document");
    const [docByHand] = await plain.embed(["passage: cats"], "document");
    expect(Array.from(asDoc as Float32Array)).toEqual(Array.from(docByHand as Float32Array));
    await Promise.all([e.close(), plain.close()]);
  });

  it("explains what is wrong with a directory", async () => {
    await expect(createEmbedder({ provider: "onnx-dir", dir: join(root, "nope") })).rejects.toMatchObject({
      code: "EMBED_MODEL_LOAD",
    });
    await mkdir(join(root, "broken"));
    await writeFile(join(root, "broken", "model.onnx"), "not a model");
    await copyFile(miniLmPaths.tokenizerPath, join(root, "broken", "tokenizer.json"));
    await expect(createEmbedder({ provider: "onnx-dir", dir: join(root, "broken") })).rejects.toThrow(
      /onnxruntime rejected/,
    );
    await expect(
      createEmbedder({ provider: "onnx-dir", dir: join(root, "hidden"), output: "logits" }),
    ).rejects.toThrow(/no output logits/);
  });
});
