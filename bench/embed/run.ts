/**
 * Embedding throughput: all-MiniLM-L6-v2 on ~200-token chunks built from SciFact abstracts,
 * for the WASM reference engine (@lat.md/embed), onnxruntime fp32 and onnxruntime int8 (the
 * default), each with 2 threads, plus int8 behind the worker-thread wrapper.
 *
 * Run: npx tsx bench/embed/run.ts [chunks=200] [wasmChunks=96]
 *
 * Each variant runs in a child process of its own, so its start-up time and memory are its own.
 * Printed: a table (start-up, resident memory added by the model, chunks/s, queries/s — best of
 * REPEATS=3 passes, except the slow WASM engine: one pass) and the cosine agreement of the
 * variants on the first 64 chunks. Not part of the test suite.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  createEmbedder,
  createThreadedEmbedder,
  type Embedder,
  type EmbedderSpec,
} from "../../src/search/embed/index.js";
import { miniLmPaths } from "../../src/search/embed/minilm-assets.js";
import { TextTokenizer } from "../../src/search/embed/tokenizer.js";
import { dot } from "../../src/search/embed/vector.js";
import { documentSpecs, pooledEmbedder } from "../../src/search/embedding.js";

const EVAL =
  process.env.SCIFACT_DIR ?? path.resolve(import.meta.dirname, "../../../shared/eval/beir-scifact");
const CHUNK_TOKENS = 200;
const COMPARE = 64;
const THREADS = 2;
const REPEATS = Number(process.env.REPEATS ?? 3);

interface Variant {
  readonly name: string;
  readonly spec: EmbedderSpec;
  readonly threaded?: boolean;
  /** The server's document embedder: `documentSpecs(spec)` threads pooled (one per core, 1 thread each). */
  readonly server?: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: "wasm (a)", spec: { provider: "minilm-wasm" } },
  {
    name: "onnx fp32",
    spec: { provider: "minilm-onnx", quantize: false, threads: THREADS, fallback: false },
  },
  { name: "onnx int8", spec: { provider: "minilm-onnx", quantize: true, threads: THREADS, fallback: false } },
  {
    name: "onnx int8, threaded",
    spec: { provider: "minilm-onnx", quantize: true, threads: THREADS, fallback: false },
    threaded: true,
  },
  {
    name: "onnx int8, server pool",
    spec: { provider: "minilm-onnx", quantize: true, fallback: false },
    server: true,
  },
];

interface Measurement {
  readonly name: string;
  readonly id: string;
  readonly chunks: number;
  readonly startupMs: number;
  readonly rssMb: number;
  readonly chunksPerSecond: number;
  readonly queriesPerSecond: number;
  /** First COMPARE chunk vectors, base64 of the concatenated Float32Arrays. */
  readonly vectors: string;
}

function readJsonl<T>(file: string): T[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

/** Pack abstract words into chunks of about CHUNK_TOKENS WordPiece tokens. */
async function buildChunks(count: number): Promise<string[]> {
  const tok = await TextTokenizer.fromFile(miniLmPaths.tokenizerPath);
  const tokensOf = (word: string) => tok.encode(word, 10_000).ids.length - tok.specialTokens;
  const chunks: string[] = [];
  for (const doc of readJsonl<{ title: string; text: string }>(path.join(EVAL, "corpus.jsonl"))) {
    let words: string[] = [];
    let tokens = 0;
    for (const word of `${doc.title}. ${doc.text}`.split(/\s+/).filter(Boolean)) {
      const n = tokensOf(word);
      if (tokens + n > CHUNK_TOKENS && words.length > 0) {
        chunks.push(words.join(" "));
        if (chunks.length === count) return chunks;
        words = [];
        tokens = 0;
      }
      words.push(word);
      tokens += n;
    }
    // Keep only full chunks: a short tail would flatter the numbers.
  }
  return chunks;
}

async function measure(variant: Variant, count: number): Promise<Measurement> {
  const chunks = await buildChunks(count);
  const queries = readJsonl<{ text: string }>(path.join(EVAL, "queries.test.jsonl")).map((q) => q.text);
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const embedder: Embedder = variant.server
    ? pooledEmbedder(
        await Promise.all(documentSpecs(variant.spec).map((spec) => createThreadedEmbedder(spec))),
      )
    : variant.threaded
      ? await createThreadedEmbedder(variant.spec)
      : await createEmbedder(variant.spec);
  await embedder.embed(["warm-up"], "query");
  const startupMs = performance.now() - t0;
  global.gc?.();
  // A worker's memory is in this process too.
  const rssMb = (process.memoryUsage().rss - rss0) / 2 ** 20;

  // The slow reference runs once; the others take the best of REPEATS passes (shared machines are noisy).
  const wasm = variant.spec.provider === "minilm-wasm";
  const repeats = wasm ? 1 : REPEATS;
  await embedder.embed(chunks.slice(0, wasm ? 0 : 8), "document");
  let vectors: Float32Array[] = [];
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t1 = performance.now();
    vectors = await embedder.embed(chunks, "document");
    rates.push(chunks.length / ((performance.now() - t1) / 1000));
  }
  const qs = wasm ? queries.slice(0, 23) : queries;
  const qRates: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t2 = performance.now();
    for (const q of qs) await embedder.embed([q], "query"); // one at a time, as a search does
    qRates.push(qs.length / ((performance.now() - t2) / 1000));
  }
  const chunksPerSecond = Math.max(...rates);
  const queriesPerSecond = Math.max(...qRates);
  await embedder.close();

  const head = vectors.slice(0, COMPARE);
  const flat = new Float32Array(head.length * embedder.dimensions);
  head.forEach((v, i) => {
    flat.set(v, i * embedder.dimensions);
  });
  return {
    name: variant.name,
    id: embedder.id,
    chunks: chunks.length,
    startupMs,
    rssMb,
    chunksPerSecond,
    queriesPerSecond,
    vectors: Buffer.from(flat.buffer).toString("base64"),
  };
}

function unpack(m: Measurement): Float32Array[] {
  const bytes = Buffer.from(m.vectors, "base64");
  const flat = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const out: Float32Array[] = [];
  for (let i = 0; i < flat.length; i += 384) out.push(flat.subarray(i, i + 384));
  return out;
}

function cosines(a: Measurement, b: Measurement): { mean: number; min: number } {
  const va = unpack(a);
  const vb = unpack(b);
  // The slow WASM row may embed fewer chunks than COMPARE: compare what both have.
  const n = Math.min(va.length, vb.length);
  const cs = va.slice(0, n).map((v, i) => dot(v, vb[i] as Float32Array));
  return { mean: cs.reduce((x, y) => x + y, 0) / cs.length, min: Math.min(...cs) };
}

async function main(): Promise<void> {
  const child = process.argv.indexOf("--child");
  if (child !== -1) {
    const variant = VARIANTS.find((v) => v.name === process.argv[child + 1]);
    if (!variant) throw new Error(`unknown variant ${process.argv[child + 1]}`);
    const result = await measure(variant, Number(process.argv[child + 2]));
    process.stdout.write(`\n@@RESULT ${JSON.stringify(result)}\n`);
    return;
  }

  const count = Number(process.argv[2] ?? 200);
  const wasmCount = Number(process.argv[3] ?? 96);
  if (!fs.existsSync(path.join(EVAL, "corpus.jsonl"))) throw new Error(`SciFact not found in ${EVAL}`);
  const self = fileURLToPath(import.meta.url);
  const results: Measurement[] = [];
  // ONLY="onnx int8,onnx int8, server pool" runs some variants (names separated by commas and no space).
  const only = process.env.ONLY?.split(/,(?! )/);
  for (const variant of VARIANTS.filter((v) => !only || only.includes(v.name))) {
    const n = variant.spec.provider === "minilm-wasm" ? wasmCount : count;
    process.stderr.write(`${variant.name}: ${n} chunks…\n`);
    const out = execFileSync(
      process.execPath,
      ["--expose-gc", "--import", "tsx", self, "--child", variant.name, String(n)],
      { encoding: "utf8", maxBuffer: 64 * 2 ** 20, stdio: ["ignore", "pipe", "inherit"] },
    );
    const line = out.split("\n").find((l) => l.startsWith("@@RESULT "));
    if (!line) throw new Error(`${variant.name}: no result`);
    results.push(JSON.parse(line.slice("@@RESULT ".length)) as Measurement);
  }

  console.log(
    `\nall-MiniLM-L6-v2, ~${CHUNK_TOKENS}-token SciFact chunks, ${THREADS} threads, one process per row\n`,
  );
  console.log(
    `${"variant".padEnd(22)}${"id".padEnd(30)}${"chunks".padStart(7)}${"start s".padStart(9)}${"+RSS MB".padStart(9)}${"chunks/s".padStart(10)}${"queries/s".padStart(11)}`,
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(22)}${r.id.padEnd(30)}${String(r.chunks).padStart(7)}${(r.startupMs / 1000).toFixed(2).padStart(9)}${r.rssMb.toFixed(0).padStart(9)}${r.chunksPerSecond.toFixed(1).padStart(10)}${r.queriesPerSecond.toFixed(0).padStart(11)}`,
    );
  }
  const byName = (name: string) => results.find((r) => r.name === name);
  const pairs: [string, string][] = [
    ["onnx int8", "onnx fp32"],
    ["onnx fp32", "wasm (a)"],
    ["onnx int8", "wasm (a)"],
    ["onnx int8, threaded", "onnx int8"],
    ["onnx int8, server pool", "onnx int8"],
  ];
  console.log(`\ncosine on the first ${COMPARE} chunks`);
  for (const [a, b] of pairs) {
    const [ma, mb] = [byName(a), byName(b)];
    if (!ma || !mb) continue;
    const c = cosines(ma, mb);
    console.log(`  ${`${a} vs ${b}`.padEnd(36)} mean ${c.mean.toFixed(5)}  min ${c.min.toFixed(5)}`);
  }
  for (const name of ["onnx int8", "onnx int8, server pool"]) {
    const m = byName(name);
    if (!m) continue;
    console.log(
      `\n${name}: ${m.chunksPerSecond.toFixed(1)} chunks/s — target ≥ 100: ${m.chunksPerSecond >= 100 ? "met" : "NOT met"}`,
    );
  }
  const [int8, fp32] = [byName("onnx int8"), byName("onnx fp32")];
  console.log(
    JSON.stringify({
      results: results.map(({ vectors: _v, ...r }) => r),
      ...(int8 && fp32 ? { int8VsFp32: cosines(int8, fp32) } : {}),
    }),
  );
}

await main();
