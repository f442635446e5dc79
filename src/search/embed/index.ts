/**
 * Dense-retrieval embedders. Nothing here is global: build an `Embedder` from a spec and pass
 * it to whatever needs it. In a server, prefer `createThreadedEmbedder` so inference runs off
 * the event loop.
 */
import { createMiniLmOnnxEmbedder } from "./minilm-onnx.js";
import { createMiniLmWasmEmbedder } from "./minilm-wasm.js";
import { createOnnxDirEmbedder } from "./onnx-dir.js";
import { createOpenAIEmbedder } from "./openai.js";
import type { EmbedderSpec } from "./spec.js";
import type { Embedder, EmbedLogger } from "./types.js";

export { MINILM_DIMENSIONS, MINILM_MAX_TOKENS, MINILM_MODEL } from "./minilm-assets.js";
export { createMiniLmOnnxEmbedder, type MiniLmOnnxOptions } from "./minilm-onnx.js";
export { createMiniLmWasmEmbedder } from "./minilm-wasm.js";
export { createOnnxDirEmbedder, type OnnxDirOptions } from "./onnx-dir.js";
export { createOpenAIEmbedder, type OpenAIEmbedderOptions } from "./openai.js";
export { DEFAULT_EMBEDDER_SPEC, type EmbedderSpec } from "./spec.js";
export { createThreadedEmbedder, type ThreadedEmbedderOptions } from "./threaded.js";
export { type Embedder, EmbedError, type EmbedKind, type EmbedLogger } from "./types.js";
export { cosine, dot, l2normalize } from "./vector.js";

export interface CreateEmbedderOptions {
  /** Where the fallback warning goes (default: console). */
  readonly log?: EmbedLogger;
}

const consoleLog: EmbedLogger = {
  warn: (obj, msg) => console.warn(msg, obj),
};

/** Build the embedder a spec describes, in this thread. */
export async function createEmbedder(
  spec: EmbedderSpec,
  options: CreateEmbedderOptions = {},
): Promise<Embedder> {
  switch (spec.provider) {
    case "minilm-onnx": {
      const { provider: _p, fallback = true, ...onnx } = spec;
      try {
        return await createMiniLmOnnxEmbedder(onnx);
      } catch (error) {
        // Bad options are the caller's to fix, not a reason to fall back.
        if (!fallback || error instanceof RangeError) throw error;
        (options.log ?? consoleLog).warn(
          { err: error instanceof Error ? error.message : String(error) },
          "onnxruntime could not run all-MiniLM-L6-v2; falling back to the WASM engine (same model, about 10x slower)",
        );
        return createMiniLmWasmEmbedder();
      }
    }
    case "minilm-wasm":
      return createMiniLmWasmEmbedder();
    case "openai": {
      const { provider: _p, ...openai } = spec;
      return createOpenAIEmbedder(openai);
    }
    case "onnx-dir": {
      const { provider: _p, ...dir } = spec;
      return createOnnxDirEmbedder(dir);
    }
    default: {
      const unknown: { provider?: unknown } = spec;
      throw new Error(`unknown embedder provider ${String(unknown.provider)}`);
    }
  }
}
