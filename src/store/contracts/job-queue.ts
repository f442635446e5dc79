/**
 * The durable job queue (STYLE.md habit 8): jobs survive restarts, claims are
 * atomic, a job whose worker died is re-queued when its lock expires, attempts
 * and errors are recorded. Adapters own their connections; nothing here leaks a
 * transaction. Run `test/contracts/job-queue.contract.ts` against every adapter.
 */
export type JobState = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface Job {
  readonly id: string;
  readonly kind: string;
  readonly payload: unknown;
  /** Jobs of one ingest process share a group key, so they can be cancelled together. */
  readonly groupKey: string | undefined;
  readonly state: JobState;
  /** Attempts started so far (a claim starts one). */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly runAfter: Date;
  readonly lockedBy: string | undefined;
  readonly lockedUntil: Date | undefined;
  readonly cancelRequested: boolean;
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
  readonly created: Date;
  readonly updated: Date;
}

export interface NewJob {
  readonly id: string;
  readonly kind: string;
  readonly payload: unknown;
  readonly groupKey?: string;
  /** Default 3. */
  readonly maxAttempts?: number;
  readonly runAfter?: Date;
}

export interface JobFailure {
  readonly code: string;
  readonly message: string;
  /** False for failures a retry cannot fix (a broken file): the job fails at once. */
  readonly retryable: boolean;
}

export interface JobQueue {
  /** Enqueue jobs atomically (all or none). */
  enqueue(jobs: readonly NewJob[]): Promise<void>;
  /**
   * Atomically claim the oldest ready job of `kinds`: it becomes `running`,
   * locked by `workerId` until now + `lockMs`, and its attempt count grows by one.
   */
  claim(workerId: string, kinds: readonly string[], lockMs: number): Promise<Job | undefined>;
  /**
   * Extend the lock of a running job. Returns false when the worker no longer
   * owns it (lock lost to a sweep) — the worker must stop working on it.
   */
  heartbeat(jobId: string, workerId: string, lockMs: number): Promise<boolean>;
  /** Mark a job the worker owns as succeeded. Returns false if it no longer owns it. */
  complete(jobId: string, workerId: string): Promise<boolean>;
  /**
   * Record a failure of a job the worker owns: re-queued after `retryDelayMs`
   * when retryable and attempts remain, else `failed`. Returns the new state, or
   * undefined if the worker no longer owns the job.
   */
  fail(
    jobId: string,
    workerId: string,
    failure: JobFailure,
    retryDelayMs: number,
  ): Promise<JobState | undefined>;
  /**
   * Cancel a group: queued jobs become `cancelled` at once, running ones get
   * `cancelRequested` (their worker stops at the next stage boundary).
   * Returns how many queued jobs were cancelled.
   */
  cancelGroup(groupKey: string): Promise<number>;
  /** Mark a job the worker owns as cancelled (it saw `cancelRequested`). */
  acknowledgeCancel(jobId: string, workerId: string): Promise<boolean>;
  /**
   * Re-queue running jobs whose lock expired before `now` (their worker died).
   * Jobs that have used all their attempts fail instead (`WORKER_LOST`) and are
   * returned, so their owner can record the failure.
   */
  requeueExpired(now: Date): Promise<{ readonly requeued: number; readonly failed: readonly Job[] }>;
  get(jobId: string): Promise<Job | undefined>;
  /** Jobs per state, for health and tests. */
  counts(): Promise<Readonly<Record<JobState, number>>>;
}
