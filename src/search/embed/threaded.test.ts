import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbedder, createThreadedEmbedder } from "./index.js";
import type { EmbedderSpec } from "./spec.js";
import type { Embedder } from "./types.js";

const SPEC: EmbedderSpec = { provider: "minilm-onnx", quantize: true, threads: 1, fallback: false };
const TEXTS = [
  "hello world",
  "The cat sits on the mat.",
  "covid-19 vaccine efficacy in older adults",
  "Mitochondrial dysfunction has been implicated in neurodegeneration.",
];
const CHUNK =
  "Alterations of the architecture of cerebral white matter in the developing human brain can affect cortical development and result in functional disabilities. ".repeat(
    8,
  );

let threaded: Embedder;
let inProcess: Embedder;

beforeAll(async () => {
  [threaded, inProcess] = await Promise.all([createThreadedEmbedder(SPEC), createEmbedder(SPEC)]);
});

afterAll(async () => {
  await Promise.all([threaded?.close(), inProcess?.close()]);
});

describe("threaded embedder", () => {
  it("returns the same vectors as the in-process embedder", async () => {
    expect(threaded.id).toBe(inProcess.id);
    expect(threaded.dimensions).toBe(384);
    const [a, b] = await Promise.all([threaded.embed(TEXTS, "document"), inProcess.embed(TEXTS, "document")]);
    expect(a).toHaveLength(TEXTS.length);
    a.forEach((v, i) => {
      expect(v).toBeInstanceOf(Float32Array);
      expect(Array.from(v)).toEqual(Array.from(b[i] as Float32Array));
    });
    expect(await threaded.embed([], "query")).toEqual([]);
  });

  it("answers concurrent calls in order and keeps the event loop free", async () => {
    let maxGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 5);
    const batches = [TEXTS, Array(12).fill(CHUNK), TEXTS.slice().reverse()];
    const results = await Promise.all(batches.map((texts) => threaded.embed(texts, "document")));
    clearInterval(timer);
    expect(results.map((r) => r.length)).toEqual([4, 12, 4]);
    expect(Array.from(results[2]?.[3] as Float32Array)).toEqual(Array.from(results[0]?.[0] as Float32Array));
    // Twelve ~250-token chunks take a few hundred ms of inference; none of it ran on this thread.
    expect(maxGap).toBeLessThan(150);
  });

  it("passes start-up failures through, and closes", async () => {
    await expect(
      createThreadedEmbedder({ provider: "onnx-dir", dir: "/nonexistent/model" }),
    ).rejects.toMatchObject({
      code: "EMBED_MODEL_LOAD",
    });
    const extra = await createThreadedEmbedder({ provider: "minilm-wasm" });
    expect(extra.id).toBe("all-MiniLM-L6-v2:wasm-fp32");
    await extra.close();
    await expect(extra.embed(["x"], "query")).rejects.toMatchObject({ code: "EMBED_CLOSED" });
  });
});

describe("threaded OpenAI-compatible embedder", () => {
  let server: Server;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => {
        raw += c.toString();
      });
      req.on("end", () => {
        const { input } = JSON.parse(raw) as { input: string[] };
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ data: input.map((t, index) => ({ index, embedding: [t.length, 1] })) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("runs any provider from its spec", async () => {
    const port = (server.address() as AddressInfo).port;
    const e = await createThreadedEmbedder({
      provider: "openai",
      baseURL: `http://127.0.0.1:${port}/v1`,
      model: "m",
    });
    expect(e.id).toBe("openai:m");
    expect(e.dimensions).toBe(2);
    const [v] = await e.embed(["abc"], "query");
    expect(v?.[0]).toBeCloseTo(3 / Math.sqrt(10), 6);
    await e.close();
  });
});
