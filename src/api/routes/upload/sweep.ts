import type { FastifyBaseLogger } from "fastify";
import type { BlobStore } from "../../../store/contracts/blob-store.js";
import { type UploadStore, uploadBlobKey } from "./store.js";

export interface SweeperOptions {
  readonly uploads: UploadStore;
  readonly blobs: BlobStore;
  readonly now: () => Date;
  /** Least time between two sweeps (timer and request-triggered alike). */
  readonly everyMs: number;
  readonly log: FastifyBaseLogger;
}

/** Records deleted per round, so one sweep never holds the event loop for long. */
const BATCH = 200;

/**
 * Deletes expired uploads — pending ones past their upload window, stored ones
 * past retention — record and bytes. Runs on an unref'd timer and, throttled to
 * once per `everyMs`, when an upload route is hit. Expiry is also checked on
 * every lookup, so a late sweep only delays the freeing of space.
 */
export class UploadSweeper {
  readonly #options: SweeperOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #last = 0;
  #closed = false;

  constructor(options: SweeperOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setInterval(() => this.maybeSweep(), this.#options.everyMs);
    this.#timer.unref();
  }

  /** Start a sweep in the background unless one ran within `everyMs` or is running. */
  maybeSweep(): void {
    if (this.#closed || this.#running) return;
    if (Date.now() - this.#last < this.#options.everyMs) return;
    this.#last = Date.now();
    this.#running = this.sweep()
      .then((deleted) => {
        if (deleted > 0) this.#options.log.info({ deleted }, "expired uploads deleted");
      })
      .catch((error: unknown) => this.#options.log.warn({ err: error }, "upload sweep failed"))
      .finally(() => {
        this.#running = undefined;
      });
  }

  /** Delete every upload expired at this moment; returns how many went. */
  async sweep(): Promise<number> {
    const { uploads, blobs, now } = this.#options;
    let deleted = 0;
    for (;;) {
      if (this.#closed) return deleted;
      const at = now();
      const ids = await uploads.listExpired(at, BATCH);
      for (const id of ids) {
        if (this.#closed) return deleted;
        // Bytes first: a record without bytes is harmless, bytes without a record would be orphaned.
        await blobs.delete(uploadBlobKey(id));
        if (await uploads.deleteExpired(id, at)) deleted += 1;
      }
      if (ids.length < BATCH) return deleted;
    }
  }

  /** Stop the timer and wait for a sweep in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
