import type { EmbeddingConfig } from "../config/index.js";
import { createThreadedEmbedder, type Embedder, type EmbedderSpec, type EmbedLogger } from "./embed/index.js";
import { MINILM_DIMENSIONS, MINILM_MODEL } from "./embed/minilm-assets.js";

/** What the vectors of a configuration are: the model family and width (its vec0 table). */
export interface EmbeddingSetup {
  readonly spec: EmbedderSpec;
  readonly model: { readonly id: string; readonly dimensions: number };
}

/** The embedder a configuration asks for; undefined for `none`. */
export function embeddingSetup(config: EmbeddingConfig): EmbeddingSetup | undefined {
  switch (config.provider) {
    case "none":
      return undefined;
    case "minilm":
    case "minilm-fp32":
    case "minilm-wasm":
      // int8, fp32 and WASM runs of the same model give interchangeable vectors (cosine ≥ 0.99).
      return {
        spec:
          config.provider === "minilm-wasm"
            ? { provider: "minilm-wasm" }
            : { provider: "minilm-onnx", quantize: config.provider === "minilm" },
        model: { id: MINILM_MODEL, dimensions: MINILM_DIMENSIONS },
      };
    case "openai":
      return {
        spec: {
          provider: "openai",
          baseURL: config.url ?? "",
          model: config.model ?? "",
          ...(config.apiKey ? { apiKey: config.apiKey } : {}),
          ...(config.dimensions ? { dimensions: config.dimensions } : {}),
        },
        model: { id: `openai-${config.model}`, dimensions: config.dimensions ?? 0 },
      };
    case "onnx-dir":
      return {
        spec: { provider: "onnx-dir", dir: config.dir ?? "" },
        model: { id: `onnx-dir-${config.dir}`, dimensions: config.dimensions ?? 0 },
      };
  }
}

/**
 * The configured embedder, started in its worker thread on first use: servers
 * that never ingest or search pay nothing for the model.
 */
export class LazyEmbedder {
  readonly #setup: EmbeddingSetup;
  readonly #log: EmbedLogger;
  #embedder: Promise<Embedder> | undefined;
  #closed = false;

  constructor(setup: EmbeddingSetup, log: EmbedLogger) {
    this.#setup = setup;
    this.#log = log;
  }

  get modelId(): string {
    return this.#setup.model.id;
  }

  async #get(): Promise<Embedder> {
    if (this.#closed) throw new Error("the embedder is closed");
    if (!this.#embedder) {
      this.#embedder = createThreadedEmbedder(this.#setup.spec, { log: this.#log }).then((embedder) => {
        if (embedder.dimensions !== this.#setup.model.dimensions) {
          throw new Error(
            `the embedder returns ${embedder.dimensions}-dimensional vectors, configured ${this.#setup.model.dimensions}`,
          );
        }
        return embedder;
      });
      // A failed start is retried on the next call.
      this.#embedder.catch(() => {
        this.#embedder = undefined;
      });
    }
    return this.#embedder;
  }

  async embed(texts: readonly string[], kind: "query" | "document" = "document"): Promise<Float32Array[]> {
    return (await this.#get()).embed(texts, kind);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const embedder = await this.#embedder?.catch(() => undefined);
    await embedder?.close();
  }
}
