import { availableParallelism } from "node:os";
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
 * The specs of the document embedder's threads: for a local model, one thread per core (at most
 * 4) with one onnxruntime thread each. On a busy 2-core server (parsers, SQLite, searches), two
 * single-threaded models embed faster than one model on a pool of two threads that spin while
 * they wait for each other; int8 runs one text per call, so the vectors are the same either way.
 */
export function documentSpecs(spec: EmbedderSpec, cores = availableParallelism()): EmbedderSpec[] {
  const local =
    (spec.provider === "minilm-onnx" || spec.provider === "onnx-dir") && spec.threads === undefined;
  if (!local) return [spec];
  const count = Math.max(1, Math.min(4, cores));
  return Array.from({ length: count }, () => ({ ...spec, threads: 1 }));
}

/**
 * One embedder over several of the same model: a call's texts are split into contiguous shares,
 * one per member, embedded side by side and put back in order.
 */
export function pooledEmbedder(members: readonly Embedder[]): Embedder {
  const [first] = members;
  if (!first) throw new Error("a pool needs at least one embedder");
  if (members.length === 1) return first;
  let next = 0;
  return {
    id: first.id,
    dimensions: first.dimensions,
    async embed(texts, kind) {
      if (texts.length <= 1) {
        const member = members[next++ % members.length] as Embedder;
        return member.embed(texts, kind);
      }
      const share = Math.ceil(texts.length / members.length);
      const parts = await Promise.all(
        members.map((member, i) => member.embed(texts.slice(i * share, (i + 1) * share), kind)),
      );
      return parts.flat();
    },
    async close() {
      await Promise.all(members.map((member) => member.close()));
    },
  };
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
      const specs = kind === "query" ? [querySpec(this.#setup.spec)] : documentSpecs(this.#setup.spec);
      embedder = this.#start(specs);
      this.#threads[kind] = embedder;
      // A failed start is retried on the next call.
      embedder.catch(() => {
        if (this.#threads[kind] === embedder) this.#threads[kind] = undefined;
      });
    }
    return embedder;
  }

  async #start(specs: readonly EmbedderSpec[]): Promise<Embedder> {
    const started = await Promise.allSettled(
      specs.map((spec) => createThreadedEmbedder(spec, { log: this.#log })),
    );
    const members = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
    const wide = members.find((m) => m.dimensions !== this.#setup.model.dimensions);
    // A member that fell back to another engine would mix its vectors with the others'.
    const odd = members.find((m) => m.id !== members[0]?.id);
    if (failed || wide || odd) {
      await Promise.all(members.map((m) => m.close()));
      if (failed) throw failed.reason;
      if (wide) {
        throw new Error(
          `the embedder returns ${wide.dimensions}-dimensional vectors, configured ${this.#setup.model.dimensions}`,
        );
      }
      throw new Error(`the embedder threads started as ${members.map((m) => m.id).join(", ")}`);
    }
    return pooledEmbedder(members);
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
