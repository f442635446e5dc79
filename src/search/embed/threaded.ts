/**
 * An Embedder whose model lives in a worker thread, so inference (which blocks the thread it
 * runs on) never stalls the server's event loop. Texts go in as strings; vectors come back as
 * Float32Arrays whose buffers are transferred. A crashed thread fails the requests it held and
 * is replaced on the next call.
 */
import type { Worker } from "node:worker_threads";
import { siblingModule, startWorker } from "../../core/worker.js";
import type { EmbedReply, EmbedRequest, EmbedWorkerData } from "./protocol.js";
import type { EmbedderSpec } from "./spec.js";
import { type Embedder, EmbedError, type EmbedKind, type EmbedLogger } from "./types.js";

export interface ThreadedEmbedderOptions {
  /** Receives the worker's warnings (e.g. the onnxruntime → WASM fallback). Default: console. */
  readonly log?: EmbedLogger;
  /** Worker entry; defaults to ./worker.js next to this module (./worker.ts under tsx/vitest). */
  readonly workerUrl?: URL;
  /** Heap cap of the thread (V8 old generation), in MB. Model weights live outside the JS heap. */
  readonly maxMemoryMb?: number;
  /** How long the model may take to load, in ms (default 120 000). */
  readonly startTimeoutMs?: number;
}

interface Pending {
  resolve: (v: Float32Array[]) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  ready: Promise<{ embedderId: string; dimensions: number }>;
}

function defaultWorkerUrl(): URL {
  return siblingModule(import.meta.url, "worker");
}

const consoleLog: EmbedLogger = { warn: (obj, msg) => console.warn(msg, obj) };

export async function createThreadedEmbedder(
  spec: EmbedderSpec,
  options: ThreadedEmbedderOptions = {},
): Promise<Embedder> {
  const log = options.log ?? consoleLog;
  const url = options.workerUrl ?? defaultWorkerUrl();
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  let nextId = 1;
  let closed = false;
  let thread: Thread | undefined;

  const spawn = (): Thread => {
    const workerData: EmbedWorkerData = { spec };
    const resourceLimits = options.maxMemoryMb ? { maxOldGenerationSizeMb: options.maxMemoryMb } : undefined;
    const common = { workerData, ...(resourceLimits ? { resourceLimits } : {}) };
    const worker = startWorker(url, common);
    const pending = new Map<number, Pending>();
    let settleReady: {
      resolve: (r: { embedderId: string; dimensions: number }) => void;
      reject: (e: Error) => void;
    };
    const ready = new Promise<{ embedderId: string; dimensions: number }>((resolve, reject) => {
      settleReady = { resolve, reject };
    });
    ready.catch(() => undefined);
    const startTimer = setTimeout(() => {
      fail(
        new EmbedError("EMBED_WORKER_START", `the embedder thread did not start within ${startTimeoutMs} ms`),
      );
    }, startTimeoutMs);
    const self: Thread = { worker, pending, ready };

    const fail = (error: Error) => {
      clearTimeout(startTimer);
      settleReady.reject(error);
      for (const p of pending.values()) p.reject(error);
      pending.clear();
      if (thread === self) thread = undefined;
      void worker.terminate();
    };

    worker.on("message", (reply: EmbedReply) => {
      switch (reply.type) {
        case "ready":
          clearTimeout(startTimer);
          settleReady.resolve({ embedderId: reply.embedderId, dimensions: reply.dimensions });
          break;
        case "init-error":
          fail(new EmbedError(reply.code, reply.message));
          break;
        case "result":
        case "error": {
          const p = pending.get(reply.id);
          if (!p) return;
          pending.delete(reply.id);
          if (pending.size === 0) worker.unref();
          if (reply.type === "result") p.resolve(reply.vectors);
          else p.reject(new EmbedError(reply.code, reply.message));
          break;
        }
        case "log":
          log.warn(reply.obj, reply.msg);
          break;
        case "closed":
          break;
      }
    });
    worker.on("error", (error: Error & { code?: string }) => {
      const reason =
        error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "ran out of memory" : `crashed: ${error.message}`;
      fail(new EmbedError("EMBED_WORKER_CRASHED", `the embedder thread ${reason}`));
    });
    worker.on("exit", (code) => {
      if (thread === self || pending.size > 0) {
        fail(new EmbedError("EMBED_WORKER_CRASHED", `the embedder thread exited with code ${code}`));
      }
    });
    return self;
  };

  const current = (): Thread => {
    thread ??= spawn();
    return thread;
  };

  const first = current();
  let info: { embedderId: string; dimensions: number };
  try {
    info = await first.ready;
  } catch (error) {
    thread = undefined;
    await first.worker.terminate();
    throw error;
  }
  // The thread only keeps the process alive while it has work.
  first.worker.unref();

  return {
    id: info.embedderId,
    dimensions: info.dimensions,
    async embed(texts: readonly string[], kind: EmbedKind): Promise<Float32Array[]> {
      if (closed) throw new EmbedError("EMBED_CLOSED", "the embedder is closed");
      if (texts.length === 0) return [];
      const t = current();
      const started = await t.ready;
      if (started.embedderId !== info.embedderId || started.dimensions !== info.dimensions) {
        // A replacement thread came up with a different model (e.g. fell back): refuse to mix vectors.
        throw new EmbedError(
          "EMBED_MODEL_CHANGED",
          `the embedder thread restarted as ${started.embedderId}, not ${info.embedderId}`,
        );
      }
      const id = nextId++;
      const request: EmbedRequest = { type: "embed", id, texts: [...texts], kind };
      return new Promise<Float32Array[]>((resolve, reject) => {
        t.pending.set(id, { resolve, reject });
        t.worker.ref();
        t.worker.postMessage(request);
      });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const t = thread;
      thread = undefined;
      if (!t) return;
      const error = new EmbedError("EMBED_CLOSED", "the embedder is closed");
      for (const p of t.pending.values()) p.reject(error);
      t.pending.clear();
      // Let the worker release its model, but do not wait long for it.
      const exited = new Promise<void>((resolve) => {
        t.worker.once("exit", () => resolve());
        setTimeout(resolve, 3_000).unref();
      });
      const timer = setTimeout(() => void t.worker.terminate(), 2_000);
      t.worker.ref();
      t.worker.postMessage({ type: "close" } satisfies EmbedRequest);
      await exited;
      clearTimeout(timer);
    },
  };
}
