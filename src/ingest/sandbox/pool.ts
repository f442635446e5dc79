import type { Worker } from "node:worker_threads";
import { siblingModule, startWorker } from "../../core/worker.js";
import type { XRay } from "../types.js";
import type { ProcessTask, RenderTask, SandboxReply, SandboxTask } from "./protocol.js";

export interface SandboxOptions {
  /** Parser threads (at most this many documents parse at once). */
  readonly size: number;
  /** Wall-clock limit per document; the thread is killed past it. */
  readonly timeoutMs: number;
  /** Heap cap of each thread (V8 old generation), in MB. */
  readonly maxMemoryMb: number;
  /** Worker entry; defaults to ./worker.js next to this module (./worker.ts under tsx/vitest). */
  readonly workerUrl?: URL;
}

export type SandboxInput = Omit<ProcessTask, "id" | "kind">;
export type RenderInput = Omit<RenderTask, "id" | "kind">;

export interface SandboxResult {
  readonly xray: Omit<XRay, "sourceUrl">;
  readonly tokens: number;
  /** DOCX/PPTX converted by LibreOffice: the PDF the pages refer to. */
  readonly pagesPdf?: Uint8Array;
}

type Task = Omit<ProcessTask, "id"> | Omit<RenderTask, "id">;
type Success = Extract<SandboxReply, { ok: true }>;

interface Pending {
  readonly task: Task;
  readonly resolve: (reply: Success) => void;
  readonly reject: (error: Error) => void;
}

/** A parse that failed; `code` and `message` become the document's error. */
export class SandboxError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "SandboxError";
    this.code = code;
  }
}

interface Slot {
  worker: Worker;
  task?: {
    id: number;
    kind: Task["kind"];
    resolve: (reply: Success) => void;
    reject: (e: Error) => void;
    timer: NodeJS.Timeout;
  };
}

/**
 * A pool of parser worker threads (STYLE.md habit 11). A document that crashes
 * its thread, exhausts its heap or runs past the time limit becomes a
 * `SandboxError` for that document alone; the thread is replaced and the server
 * and the other documents carry on.
 */
export class ParserPool {
  readonly #options: SandboxOptions;
  readonly #slots: Slot[] = [];
  readonly #waiting: Pending[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: SandboxOptions) {
    this.#options = options;
  }

  /** Parse one document in a worker thread. */
  async run(input: SandboxInput): Promise<SandboxResult> {
    const reply = await this.#submit({ ...input, kind: "process" });
    if (reply.kind !== "process") throw new SandboxError("PARSER_CRASHED", "the parser sent a wrong reply");
    return {
      xray: reply.xray,
      tokens: reply.tokens,
      ...(reply.pagesPdf ? { pagesPdf: reply.pagesPdf } : {}),
    };
  }

  /** Render one page of a paged document as a JPEG in a worker thread. */
  async render(input: RenderInput): Promise<Uint8Array> {
    const reply = await this.#submit({ ...input, kind: "render" });
    if (reply.kind !== "render") throw new SandboxError("PARSER_CRASHED", "the renderer sent a wrong reply");
    return reply.jpeg;
  }

  #submit(task: Task): Promise<Success> {
    if (this.#closed) return Promise.reject(new SandboxError("SHUTTING_DOWN", "the server is shutting down"));
    return new Promise((resolve, reject) => {
      this.#waiting.push({ task, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const waiting of this.#waiting.splice(0)) {
      waiting.reject(new SandboxError("SHUTTING_DOWN", "the server is shutting down"));
    }
    await Promise.all(this.#slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  #dispatch(): void {
    while (this.#waiting.length > 0) {
      let slot = this.#slots.find((s) => s.task === undefined);
      if (!slot && this.#slots.length < this.#options.size) slot = this.#spawn();
      if (!slot) return;
      const next = this.#waiting.shift();
      if (next) this.#start(slot, next);
    }
  }

  #start(slot: Slot, { task: input, resolve, reject }: Pending) {
    const id = this.#nextId++;
    const timer = setTimeout(() => {
      const what = input.kind === "render" ? "rendering the page" : "parsing";
      this.#retire(
        slot,
        new SandboxError(
          "PARSER_TIMEOUT",
          `${what} took longer than ${Math.round(this.#options.timeoutMs / 1000)} s`,
        ),
      );
    }, this.#options.timeoutMs);
    slot.task = { id, kind: input.kind, resolve, reject, timer };
    // Copy into a buffer of its own and transfer it: no second copy, no shared pool memory.
    const bytes = new Uint8Array(input.bytes);
    const task: SandboxTask = { ...input, id, bytes };
    slot.worker.postMessage(task, [bytes.buffer]);
  }

  #spawn(): Slot {
    const url = this.#options.workerUrl ?? defaultWorkerUrl();
    const resourceLimits = { maxOldGenerationSizeMb: this.#options.maxMemoryMb };
    const worker = startWorker(url, { resourceLimits });
    worker.unref();
    const slot: Slot = { worker };
    worker.on("message", (reply: SandboxReply) => {
      const task = slot.task;
      if (!task || task.id !== reply.id) return;
      clearTimeout(task.timer);
      slot.task = undefined;
      if (reply.ok) task.resolve(reply);
      else task.reject(new SandboxError(reply.code, reply.message));
      this.#dispatch();
    });
    worker.on("error", (error: Error & { code?: string }) => {
      const reason =
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? `the parser ran out of memory (limit ${this.#options.maxMemoryMb} MB)`
          : `the parser crashed: ${error.message}`;
      this.#retire(slot, new SandboxError("PARSER_CRASHED", reason));
    });
    worker.on("exit", (code) => {
      if (this.#slots.includes(slot)) {
        this.#retire(slot, new SandboxError("PARSER_CRASHED", `the parser thread exited with code ${code}`));
      }
    });
    this.#slots.push(slot);
    return slot;
  }

  /** Fail the slot's task, kill its thread and let a fresh one take its place. */
  #retire(slot: Slot, error: SandboxError): void {
    const index = this.#slots.indexOf(slot);
    if (index === -1) return;
    this.#slots.splice(index, 1);
    const task = slot.task;
    slot.task = undefined;
    if (task) {
      clearTimeout(task.timer);
      task.reject(error);
    }
    void slot.worker.terminate();
    if (!this.#closed) this.#dispatch();
  }
}

function defaultWorkerUrl(): URL {
  return siblingModule(import.meta.url, "worker");
}
