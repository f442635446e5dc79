import type { Worker } from "node:worker_threads";
import { siblingModule, startWorker } from "../../core/worker.js";
import type { LexicalHit, LexicalQuery, Restriction } from "../contracts/search-index.js";
import type { VectorHit, VectorModel } from "../contracts/vector-index.js";
import type { MemoryLexicalOptions } from "./lexical-memory.js";

/** Messages between {@link ReadThread} and read-worker.ts. */
export interface ReadWorkerData {
  readonly file: string;
  /** The vector model whose tables KNN queries read (absent: no KNN on this thread). */
  readonly model?: VectorModel;
  /**
   * Keep an in-memory BM25 index of the chunks (lexical-memory.ts), built when the thread starts,
   * and answer lexical queries from it when it can (absent: FTS5 only).
   */
  readonly memoryLexical?: MemoryLexicalOptions;
}
export type ReadRequest =
  | {
      readonly id: number;
      readonly kind: "knn";
      readonly vector: Float32Array;
      readonly bucketIds: readonly number[];
      readonly k: number;
    }
  | {
      readonly id: number;
      readonly kind: "lexical";
      readonly accountId: string;
      readonly query: LexicalQuery;
      readonly restriction: Restriction;
      readonly limit: number;
    }
  | {
      readonly id: number;
      readonly kind: "frequencies";
      readonly accountId: string;
      readonly terms: readonly string[];
      readonly restriction: Restriction;
    }
  | { readonly id: number; readonly kind: "warm" };
export type ReadReply =
  | { readonly id: number; readonly hits: readonly (VectorHit | LexicalHit)[] }
  | { readonly id: number; readonly counts: readonly number[] }
  | { readonly id: number; readonly error: string };

/** What a call resolves to: hits, or counts. */
type Answer = readonly (VectorHit | LexicalHit)[] | readonly number[];

/** A request without its id (distributes over the union). */
type Call<R> = R extends { readonly id: number } ? Omit<R, "id"> : never;

/**
 * Runs a search's read queries (the KNN scan, the BM25 query) in a worker
 * thread with its own read-only connection to the database file (WAL: it sees
 * every committed write). A search gives each arm a thread, so the two arms
 * run on both cores while the event loop stays free to start the next stage.
 * Any failure of the thread makes a call answer `undefined`, and the caller
 * runs the query itself; a thread that failed is started again on the next
 * call, at most {@link MAX_RESTARTS} times.
 */
export class ReadThread {
  readonly #data: ReadWorkerData;
  #worker: Worker | undefined;
  #nextId = 1;
  #restarts = 0;
  #closed = false;
  readonly #pending = new Map<number, (answer: Answer | undefined) => void>();

  constructor(data: ReadWorkerData) {
    this.#data = data;
  }

  /** The k nearest chunks, or undefined when the thread cannot answer. */
  nearest(
    vector: Float32Array,
    bucketIds: readonly number[],
    k: number,
  ): Promise<readonly VectorHit[] | undefined> {
    return this.#call({ kind: "knn", vector, bucketIds, k }) as Promise<readonly VectorHit[] | undefined>;
  }

  /** The BM25 top `limit` in scope, or undefined when the thread cannot answer. */
  lexical(
    accountId: string,
    query: LexicalQuery,
    restriction: Restriction,
    limit: number,
  ): Promise<readonly LexicalHit[] | undefined> {
    return this.#call({ kind: "lexical", accountId, query, restriction, limit }) as Promise<
      readonly LexicalHit[] | undefined
    >;
  }

  /** Scoped document frequencies of FTS terms (see documentFrequenciesOn), or undefined when the thread cannot answer. */
  async frequencies(
    accountId: string,
    terms: readonly string[],
    restriction: Restriction,
  ): Promise<number[] | undefined> {
    const reply = await this.#call({ kind: "frequencies", accountId, terms, restriction });
    return reply as number[] | undefined;
  }

  /**
   * Start the thread now (an in-memory index begins building) and resolve once its in-memory
   * index is built: true, or false when it has none or the thread cannot answer.
   */
  async warm(): Promise<boolean> {
    const reply = await this.#call({ kind: "warm" });
    return reply !== undefined && reply.length === 0;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#settleAll();
    await worker?.terminate();
  }

  #call(call: Call<ReadRequest>): Promise<Answer | undefined> {
    const worker = this.#ensureWorker();
    if (!worker) return Promise.resolve(undefined);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      worker.ref();
      worker.postMessage({ ...call, id } as ReadRequest);
    });
  }

  #ensureWorker(): Worker | undefined {
    if (this.#closed) return undefined;
    if (this.#worker) return this.#worker;
    if (this.#restarts > MAX_RESTARTS) return undefined;
    this.#restarts++;
    const worker = startWorker(siblingModule(import.meta.url, "read-worker"), { workerData: this.#data });
    worker.unref();
    worker.on("message", (reply: ReadReply) => {
      const resolve = this.#pending.get(reply.id);
      if (!resolve) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      resolve("hits" in reply ? reply.hits : "counts" in reply ? reply.counts : undefined);
    });
    const lost = () => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#settleAll();
    };
    worker.on("error", lost);
    worker.on("exit", lost);
    this.#worker = worker;
    return worker;
  }

  /** Answer every pending call with undefined (the callers run their queries themselves). */
  #settleAll(): void {
    for (const resolve of this.#pending.values()) resolve(undefined);
    this.#pending.clear();
  }
}

/** Times a failed thread is started again before its queries stay on the caller's thread. */
const MAX_RESTARTS = 3;
