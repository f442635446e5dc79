import type { Worker } from "node:worker_threads";
import { siblingModule, startWorker } from "../../core/worker.js";
import type { VectorHit, VectorModel } from "../contracts/vector-index.js";

/** Messages between {@link VectorThread} and vector-worker.ts. */
export interface VectorWorkerData {
  readonly file: string;
  readonly model: VectorModel;
}
export interface VectorRequest {
  readonly id: number;
  readonly vector: Float32Array;
  readonly bucketIds: readonly number[];
  readonly k: number;
}
export type VectorReply =
  | { readonly id: number; readonly hits: readonly VectorHit[] }
  | { readonly id: number; readonly error: string };

/**
 * Runs KNN queries in a worker thread with its own read-only connection to
 * the database file (WAL: it sees every committed write), so a search's
 * vector scan runs on the second core while its FTS5 query runs on the main
 * thread. Any failure of the thread makes a call answer `undefined`, and the
 * caller runs the query itself; a thread that failed is started again on the
 * next call, at most {@link MAX_RESTARTS} times.
 */
export class VectorThread {
  readonly #data: VectorWorkerData;
  #worker: Worker | undefined;
  #nextId = 1;
  #restarts = 0;
  #closed = false;
  readonly #pending = new Map<number, (hits: readonly VectorHit[] | undefined) => void>();

  constructor(file: string, model: VectorModel) {
    this.#data = { file, model };
  }

  /** The k nearest chunks, or undefined when the thread cannot answer. */
  nearest(
    vector: Float32Array,
    bucketIds: readonly number[],
    k: number,
  ): Promise<readonly VectorHit[] | undefined> {
    const worker = this.#ensureWorker();
    if (!worker) return Promise.resolve(undefined);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      worker.ref();
      const request: VectorRequest = { id, vector, bucketIds, k };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#settleAll();
    await worker?.terminate();
  }

  #ensureWorker(): Worker | undefined {
    if (this.#closed) return undefined;
    if (this.#worker) return this.#worker;
    if (this.#restarts > MAX_RESTARTS) return undefined;
    this.#restarts++;
    const worker = startWorker(siblingModule(import.meta.url, "vector-worker"), { workerData: this.#data });
    worker.unref();
    worker.on("message", (reply: VectorReply) => {
      const resolve = this.#pending.get(reply.id);
      if (!resolve) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      resolve("hits" in reply ? reply.hits : undefined);
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

/** Times a failed thread is started again before KNN stays on the caller's thread. */
const MAX_RESTARTS = 3;
