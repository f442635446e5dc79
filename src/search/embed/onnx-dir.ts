/**
 * A user-supplied ONNX sentence-embedding model: a directory with `model.onnx` and
 * `tokenizer.json` (a Hugging Face / sentence-transformers export).
 *
 * Inputs: `input_ids`, `attention_mask` and, when declared, `token_type_ids` (int64 or int32).
 * Output: a pooled [batch, dim] tensor (used as is, then L2-normalised) or a token-level
 * [batch, seq, dim] tensor such as `last_hidden_state` (masked mean pooling, then L2).
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import type { InferenceSession } from "onnxruntime-node";
import { batchFeeds, defaultThreads, loadOrt, sessionOptions } from "./ort.js";
import { planBatches, TextTokenizer } from "./tokenizer.js";
import { type Embedder, EmbedError, type EmbedKind } from "./types.js";
import { l2normalize, meanPool } from "./vector.js";

export interface OnnxDirOptions {
  /** Directory holding `model.onnx` and `tokenizer.json`. */
  readonly dir: string;
  readonly threads?: number;
  /** Longest input in tokens, special tokens included (default 256). */
  readonly maxTokens?: number;
  /** Most texts per call (default 32). */
  readonly batchSize?: number;
  /** Most padded tokens per call (default 256). */
  readonly batchTokens?: number;
  /** Name of the output to use (default: `sentence_embedding`, else `last_hidden_state`, else the first). */
  readonly output?: string;
  /** Text put before queries and documents, for models trained with prefixes (e.g. E5: "query: "). */
  readonly queryPrefix?: string;
  readonly documentPrefix?: string;
}

const REQUIRED_INPUTS = ["input_ids", "attention_mask"];
const KNOWN_INPUTS = [...REQUIRED_INPUTS, "token_type_ids"];

function pickOutput(session: InferenceSession, wanted: string | undefined): string {
  const names = session.outputNames;
  if (wanted !== undefined) {
    if (!names.includes(wanted))
      throw new Error(`model.onnx has no output ${wanted} (it has ${names.join(", ")})`);
    return wanted;
  }
  for (const preferred of ["sentence_embedding", "last_hidden_state"])
    if (names.includes(preferred)) return preferred;
  const first = names[0];
  if (first === undefined) throw new Error("model.onnx has no outputs");
  return first;
}

export async function createOnnxDirEmbedder(options: OnnxDirOptions): Promise<Embedder> {
  const dir = resolve(options.dir);
  const maxTokens = options.maxTokens ?? 256;
  const batchSize = options.batchSize ?? 32;
  const batchTokens = options.batchTokens ?? 256;
  const threads = options.threads ?? defaultThreads();

  let model: Buffer;
  let tok: TextTokenizer;
  try {
    model = await readFile(join(dir, "model.onnx"));
    tok = await TextTokenizer.fromFile(join(dir, "tokenizer.json"));
  } catch (error) {
    throw new EmbedError("EMBED_MODEL_LOAD", `cannot load the model in ${dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const ort = await loadOrt();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, sessionOptions(threads));
  } catch (error) {
    throw new EmbedError(
      "EMBED_MODEL_LOAD",
      `onnxruntime rejected ${join(dir, "model.onnx")}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const digest = createHash("sha256").update(model).digest("hex").slice(0, 12);
  const cleanup = async (error: Error): Promise<never> => {
    await session.release();
    throw error;
  };
  const missing = REQUIRED_INPUTS.filter((n) => !session.inputNames.includes(n));
  const unknown = session.inputNames.filter((n) => !KNOWN_INPUTS.includes(n));
  if (missing.length > 0 || unknown.length > 0) {
    await cleanup(
      new EmbedError(
        "EMBED_MODEL_LOAD",
        `model.onnx must take input_ids, attention_mask and optionally token_type_ids; it takes ${session.inputNames.join(", ")}`,
      ),
    );
  }
  let outputName: string;
  try {
    outputName = pickOutput(session, options.output);
  } catch (error) {
    return cleanup(new EmbedError("EMBED_MODEL_LOAD", (error as Error).message));
  }

  const run = async (texts: readonly string[]): Promise<Float32Array[]> => {
    const encoded = texts.map((t) => tok.encode(t, maxTokens));
    const out: Float32Array[] = new Array(texts.length);
    for (const indices of planBatches(
      encoded.map((e) => e.ids.length),
      batchSize,
      batchTokens,
    )) {
      const batch = tok.batch(indices.map((i) => encoded[i] as (typeof encoded)[number]));
      const result = await session.run(batchFeeds(ort, session, batch));
      const value = result[outputName];
      if (!value || !(value.data instanceof Float32Array)) {
        throw new EmbedError("EMBED_MODEL_OUTPUT", `output ${outputName} is not a float32 tensor`);
      }
      let vectors: Float32Array[];
      if (value.dims.length === 2 && value.dims[0] === batch.size) {
        const dim = value.dims[1] as number;
        vectors = indices.map((_, row) =>
          l2normalize(value.data.slice(row * dim, (row + 1) * dim) as Float32Array),
        );
      } else if (value.dims.length === 3 && value.dims[0] === batch.size && value.dims[1] === batch.seq) {
        vectors = meanPool(value.data, batch.attentionMask, batch.size, batch.seq, value.dims[2] as number);
      } else {
        throw new EmbedError(
          "EMBED_MODEL_OUTPUT",
          `output ${outputName} has shape [${value.dims.join(", ")}]; expected [batch, dim] or [batch, seq, dim]`,
        );
      }
      indices.forEach((i, row) => {
        out[i] = vectors[row] as Float32Array;
      });
    }
    return out;
  };

  // Learn the width (and check the model runs) with one probe.
  let dimensions: number;
  try {
    const [probe] = await run(["dimension probe"]);
    dimensions = probe?.length ?? 0;
    if (dimensions === 0) throw new Error("the model produced an empty vector");
  } catch (error) {
    return cleanup(
      error instanceof EmbedError
        ? error
        : new EmbedError(
            "EMBED_MODEL_LOAD",
            `model.onnx failed on a probe text: ${(error as Error).message}`,
          ),
    );
  }

  let closed = false;
  const inflight = new Set<Promise<unknown>>();
  return {
    id: `onnx-dir:${basename(dir)}:${digest}`,
    dimensions,
    async embed(texts: readonly string[], kind: EmbedKind): Promise<Float32Array[]> {
      if (closed) throw new EmbedError("EMBED_CLOSED", "the embedder is closed");
      const prefix = (kind === "query" ? options.queryPrefix : options.documentPrefix) ?? "";
      const job = run(prefix ? texts.map((t) => prefix + t) : texts);
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
      await session.release();
    },
  };
}
