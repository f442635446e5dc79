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
 * The spec for query embeddings: a query is a few tokens, so one onnxruntime thread embeds it
 * in about as little time as two, and leaves no intra-op thread spinning on a core that the
 * search's lexical and vector arms need next. Vectors are the same as with more threads.
 */
export function querySpec(spec: EmbedderSpec): EmbedderSpec {
  switch (spec.provider) {
    case "minilm-onnx":
    case "onnx-dir":
      return { ...spec, threads: 1 };
    default:
      return spec;
  }
}

/**
 * The configured embedder, started in worker threads on first use: servers that never ingest
 * or search pay nothing for the model. Documents and queries have a thread each, so a search
 * never waits behind an ingest batch.
 */
export class LazyEmbedder {
  readonly #setup: EmbeddingSetup;
  readonly #log: EmbedLogger;
  readonly #threads: Record<"query" | "document", Promise<Embedder> | undefined> = {
    query: undefined,
    document: undefined,
  };
  #closed = false;

  constructor(setup: EmbeddingSetup, log: EmbedLogger) {
    this.#setup = setup;
    this.#log = log;
  }

  get modelId(): string {
    return this.#setup.model.id;
  }

  async #get(kind: "query" | "document"): Promise<Embedder> {
    if (this.#closed) throw new Error("the embedder is closed");
    let embedder = this.#threads[kind];
    if (!embedder) {
      const spec = kind === "query" ? querySpec(this.#setup.spec) : this.#setup.spec;
      embedder = createThreadedEmbedder(spec, { log: this.#log }).then((started) => {
        if (started.dimensions !== this.#setup.model.dimensions) {
          throw new Error(
            `the embedder returns ${started.dimensions}-dimensional vectors, configured ${this.#setup.model.dimensions}`,
          );
        }
        return started;
      });
      this.#threads[kind] = embedder;
      // A failed start is retried on the next call.
      embedder.catch(() => {
        if (this.#threads[kind] === embedder) this.#threads[kind] = undefined;
      });
    }
    return embedder;
  }

  async embed(texts: readonly string[], kind: "query" | "document" = "document"): Promise<Float32Array[]> {
    return (await this.#get(kind)).embed(texts, kind);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const started = await Promise.all(
      [this.#threads.query, this.#threads.document].map((e) => e?.catch(() => undefined)),
    );
    await Promise.all(started.map((e) => e?.close()));
  }
}
