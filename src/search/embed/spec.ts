import type { MiniLmOnnxOptions } from "./minilm-onnx.js";
import type { OnnxDirOptions } from "./onnx-dir.js";
import type { OpenAIEmbedderOptions } from "./openai.js";

/**
 * A plain, serialisable description of an embedder (it crosses into worker threads and can sit
 * in configuration). `createEmbedder` turns it into an `Embedder`.
 */
export type EmbedderSpec =
  | ({
      readonly provider: "minilm-onnx";
      /** Fall back to the WASM engine, with a warning, when onnxruntime cannot load (default true). */
      readonly fallback?: boolean;
    } & MiniLmOnnxOptions)
  | { readonly provider: "minilm-wasm" }
  | ({ readonly provider: "openai" } & OpenAIEmbedderOptions)
  | ({ readonly provider: "onnx-dir" } & OnnxDirOptions);

/** The default: all-MiniLM-L6-v2, int8, on onnxruntime. */
export const DEFAULT_EMBEDDER_SPEC: EmbedderSpec = { provider: "minilm-onnx", quantize: true };
