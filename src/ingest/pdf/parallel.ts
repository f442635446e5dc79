/**
 * @module Reading a long PDF's pages on several threads.
 *
 * pdf.js is single-threaded and parsing a page's content stream dominates the
 * parse time, so long documents are split into contiguous page ranges: the
 * calling thread reads the first range with its already-open document, and one
 * worker thread per other range opens its own copy and reads its range
 * (`./page-worker.ts`). The results are plain data and are concatenated in page
 * order; the layout then runs on all pages in the calling thread.
 *
 * Robustness:
 * - Workers are terminated on every path (success, error, the caller's own
 *   range failing) — `terminate` in a `finally`.
 * - A worker that cannot start or crashes (not a `ParseError`) costs only
 *   speed: its range is read in the calling thread instead.
 * - A `ParseError` from a worker (e.g. LIMIT_EXCEEDED) is rethrown as is.
 * - Workers inherit the calling thread's heap limits when it has them (the
 *   server's sandbox threads do).
 * - Under tsx/vitest the worker is TypeScript: tsx is registered in the thread
 *   first, as the sandbox pool does.
 */
import os from "node:os";
import { resourceLimits, type Worker } from "node:worker_threads";
import { siblingModule, startWorker } from "../../core/worker.js";
import { ParseError, type ParseErrorCode, type ParseLimits } from "../types.js";
import type { PageWorkerTask } from "./page-worker.js";
import type { PageResult } from "./read-pages.js";

/** Below this many pages per thread, starting a thread costs more than it saves. */
export const MIN_PAGES_PER_THREAD = 60;
export const MAX_THREADS = 2;

/**
 * How many threads to read a document of `pageCount` pages with.
 *
 * @example parallelismFor(20) === 1; parallelismFor(619) === 2 // on a machine with ≥ 2 CPUs
 */
export function parallelismFor(pageCount: number, cpus: number = os.availableParallelism()): number {
  return Math.max(1, Math.min(MAX_THREADS, cpus, Math.floor(pageCount / MIN_PAGES_PER_THREAD)));
}

type WorkerReply =
  | { readonly ok: true; readonly results: PageResult[] }
  | { readonly ok: false; readonly code?: ParseErrorCode; readonly message: string };

function workerUrl(): URL {
  return siblingModule(import.meta.url, "page-worker");
}

function spawn(): Worker {
  const url = workerUrl();
  const limits = resourceLimits.maxOldGenerationSizeMb ? { resourceLimits } : {};
  return startWorker(url, limits);
}

/** Run one range in a worker; resolves with the reply, rejects when the thread fails. */
function runWorker(worker: Worker, task: PageWorkerTask): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    worker.once("message", (reply: WorkerReply) => resolve(reply));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the page worker exited (${code})`)));
    worker.postMessage(task);
  });
}

/** Split 1…count into `parts` contiguous ranges. */
export function pageRanges(count: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  const size = Math.ceil(count / parts);
  for (let from = 1; from <= count; from += size) out.push([from, Math.min(count, from + size - 1)]);
  return out;
}

/**
 * Read all pages, the first range with `readLocal`, the others in worker threads.
 *
 * @example const results = await readPagesInParallel(bytes, 619, 2, limits, (a, b) => readPages(pdf, a, b, limits));
 */
export async function readPagesInParallel(
  bytes: Uint8Array,
  count: number,
  threads: number,
  limits: ParseLimits,
  readLocal: (from: number, to: number) => Promise<PageResult[]>,
  languages?: readonly string[],
): Promise<PageResult[]> {
  const [first, ...rest] = pageRanges(count, threads);
  if (!first) return [];
  const workers: Worker[] = [];
  try {
    const remote = rest.map(async ([from, to]) => {
      let reply: WorkerReply;
      try {
        const worker = spawn();
        workers.push(worker);
        reply = await runWorker(worker, { bytes, from, to, limits, ...(languages ? { languages } : {}) });
      } catch {
        return { from, to, results: undefined };
      }
      if (reply.ok) return { from, to, results: reply.results };
      if (reply.code) throw new ParseError(reply.code, reply.message);
      return { from, to, results: undefined };
    });
    // Mark them handled now: if the local range fails first, their outcome no longer matters.
    for (const r of remote) r.catch(() => undefined);
    const local = await readLocal(first[0], first[1]);
    const out = [...local];
    for (const part of await Promise.all(remote)) {
      out.push(...(part.results ?? (await readLocal(part.from, part.to))));
    }
    return out;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
