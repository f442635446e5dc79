/**
 * all-MiniLM-L6-v2 on onnxruntime-node (CPU). The encoder graph is built in memory from the
 * package's safetensors (see minilm-graph.ts) — no .onnx file, nothing downloaded.
 *
 * int8 (the default) quantises every dense layer's weights per column and runs them through
 * DynamicQuantizeMatMul: about twice as fast as fp32, cosine ≈ 0.997 to it (≥ 0.99 but for
 * texts of one or two tokens). Its few outlier activation channels are tamed with ranges
 * calibrated on built-in texts (minilm-calibrate.ts), stored in minilm-calibration.ts.
 */
import type { InferenceSession } from "onnxruntime-node";
import {
  MINILM_DIMENSIONS,
  MINILM_MAX_TOKENS,
  MINILM_MODEL,
  miniLmPaths,
  readMiniLmWeights,
} from "./minilm-assets.js";
import { miniLmCalibration } from "./minilm-calibration.js";
import { buildMiniLmGraph, POOLED_OUTPUT } from "./minilm-graph.js";
import { batchFeeds, defaultThreads, loadOrt, type Ort, sessionOptions } from "./ort.js";
import { planBatches, TextTokenizer } from "./tokenizer.js";
import { type Embedder, EmbedError, type EmbedKind } from "./types.js";

export interface MiniLmOnnxOptions {
  /** int8 dynamic quantisation of the dense layers (default true); false runs fp32. */
  readonly quantize?: boolean;
  /** onnxruntime intra-op threads (default: cores, at most 4). */
  readonly threads?: number;
  /** Longest input in tokens, special tokens included (default and maximum useful: 256). */
  readonly maxTokens?: number;
  /**
   * Most texts per onnxruntime call. Default 1 for int8: its activations are quantised per call,
   * so a text batched with others would come out slightly different (cosine ≈ 0.99) from the same
   * text alone; one at a time it is exactly reproducible, and on CPU no slower for chunk-sized
   * texts. Default 32 for fp32, where batching changes nothing.
   */
  readonly batchSize?: number;
  /**
   * Most padded tokens per call (default 256): long texts run one at a time (fastest on CPU),
   * short ones (queries) are grouped.
   */
  readonly batchTokens?: number;
}

interface SharedSession {
  readonly session: InferenceSession;
  refs: number;
}

// One session per (variant, threads) in this thread, shared by every embedder that asks for it.
const sessions = new Map<string, Promise<SharedSession>>();
let tokenizer: Promise<TextTokenizer> | undefined;

function getTokenizer(): Promise<TextTokenizer> {
  if (!tokenizer) {
    tokenizer = TextTokenizer.fromFile(miniLmPaths.tokenizerPath);
    tokenizer.catch(() => {
      tokenizer = undefined;
    });
  }
  return tokenizer;
}

async function openSession(ort: Ort, quantize: boolean, threads: number): Promise<InferenceSession> {
  const { weights, config } = await readMiniLmWeights();
  const graph = buildMiniLmGraph(weights, config, {
    quantize,
    ...(quantize ? { smoothing: { ranges: miniLmCalibration() } } : {}),
  });
  return ort.InferenceSession.create(graph, sessionOptions(threads));
}

async function acquire(ort: Ort, quantize: boolean, threads: number): Promise<[string, SharedSession]> {
  const key = `${quantize ? "int8" : "fp32"}/${threads}`;
  let entry = sessions.get(key);
  if (!entry) {
    entry = openSession(ort, quantize, threads).then((session) => ({ session, refs: 0 }));
    sessions.set(key, entry);
    entry.catch(() => sessions.delete(key));
  }
  const shared = await entry;
  shared.refs++;
  return [key, shared];
}

async function releaseSession(key: string, shared: SharedSession): Promise<void> {
  shared.refs--;
  if (shared.refs > 0) return;
  sessions.delete(key);
  await shared.session.release();
}

/** Load onnxruntime, build (or reuse) the graph and session; rejects if onnxruntime cannot run. */
export async function createMiniLmOnnxEmbedder(options: MiniLmOnnxOptions = {}): Promise<Embedder> {
  const quantize = options.quantize ?? true;
  const threads = options.threads ?? defaultThreads();
  const maxTokens = options.maxTokens ?? MINILM_MAX_TOKENS;
  const batchSize = options.batchSize ?? (quantize ? 1 : 32);
  const batchTokens = options.batchTokens ?? 256;
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError("threads must be a positive integer");
  if (!Number.isInteger(maxTokens) || maxTokens < 3 || maxTokens > 512) {
    throw new RangeError("maxTokens must be an integer in [3, 512]");
  }
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError("batchSize must be a positive integer");

  const ort = await loadOrt();
  const tok = await getTokenizer();
  const [key, shared] = await acquire(ort, quantize, threads);
  let closed = false;
  const inflight = new Set<Promise<unknown>>();

  const embed = async (texts: readonly string[]): Promise<Float32Array[]> => {
    const encoded = texts.map((t) => tok.encode(t, maxTokens));
    const out: Float32Array[] = new Array(texts.length);
    const plan = planBatches(
      encoded.map((e) => e.ids.length),
      batchSize,
      batchTokens,
    );
    for (const indices of plan) {
      const batch = tok.batch(indices.map((i) => encoded[i] as (typeof encoded)[number]));
      const result = await shared.session.run(batchFeeds(ort, shared.session, batch));
      const y = result[POOLED_OUTPUT]?.data;
      if (!(y instanceof Float32Array) || y.length !== indices.length * MINILM_DIMENSIONS) {
        throw new EmbedError("EMBED_MODEL_OUTPUT", "unexpected output from the MiniLM graph");
      }
      indices.forEach((i, row) => {
        out[i] = y.slice(row * MINILM_DIMENSIONS, (row + 1) * MINILM_DIMENSIONS);
      });
    }
    return out;
  };

  const variant = quantize ? "onnx-int8" : "onnx-fp32";
  return {
    id: `${MINILM_MODEL}:${variant}${maxTokens === MINILM_MAX_TOKENS ? "" : `:max${maxTokens}`}`,
    dimensions: MINILM_DIMENSIONS,
    async embed(texts: readonly string[], _kind: EmbedKind): Promise<Float32Array[]> {
      if (closed) throw new EmbedError("EMBED_CLOSED", "the embedder is closed");
      const job = embed(texts);
      inflight.add(job);
      try {
        return await job;
      } finally {
        inflight.delete(job);
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...inflight]);
      await releaseSession(key, shared);
    },
  };
}
