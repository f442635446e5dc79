import type { Job, JobFailure, JobQueue, JobState, NewJob } from "../contracts/job-queue.js";
import type { SqliteDatabase } from "./database.js";

interface JobRow {
  id: string;
  kind: string;
  payload: string;
  group_key: string | null;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_after: number;
  locked_by: string | null;
  locked_until: number | null;
  cancel_requested: number;
  error_code: string | null;
  error_message: string | null;
  created: number;
  updated: number;
}

const toJob = (r: JobRow): Job => ({
  id: r.id,
  kind: r.kind,
  payload: JSON.parse(r.payload) as unknown,
  groupKey: r.group_key ?? undefined,
  state: r.state,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  runAfter: new Date(r.run_after),
  lockedBy: r.locked_by ?? undefined,
  lockedUntil: r.locked_until === null ? undefined : new Date(r.locked_until),
  cancelRequested: r.cancel_requested === 1,
  errorCode: r.error_code ?? undefined,
  errorMessage: r.error_message ?? undefined,
  created: new Date(r.created),
  updated: new Date(r.updated),
});

/**
 * Insert queued jobs; call inside a transaction. Shared with the document store,
 * which enqueues a document's job in the transaction that creates the document.
 */
export function insertJobs(db: SqliteDatabase, jobs: readonly NewJob[], now: number): void {
  const insert = db.prepare(
    `INSERT INTO jobs (id, kind, payload, group_key, state, attempts, max_attempts, run_after, created, updated)
     VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)`,
  );
  for (const job of jobs) {
    insert.run(
      job.id,
      job.kind,
      JSON.stringify(job.payload ?? null),
      job.groupKey ?? null,
      job.maxAttempts ?? 3,
      job.runAfter?.getTime() ?? now,
      now,
      now,
    );
  }
}

/**
 * {@link JobQueue} on SQLite. A claim is one `UPDATE … WHERE id = (SELECT …)
 * RETURNING` statement inside an IMMEDIATE transaction, so two workers (threads
 * or processes sharing the file) can never claim the same job.
 */
export class SqliteJobQueue implements JobQueue {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;

  constructor(db: SqliteDatabase, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  async enqueue(jobs: readonly NewJob[]): Promise<void> {
    this.#db.transaction(() => insertJobs(this.#db, jobs, this.#now()))();
  }

  async claim(workerId: string, kinds: readonly string[], lockMs: number): Promise<Job | undefined> {
    const now = this.#now();
    const row = this.#db
      .transaction(
        () =>
          this.#db
            .prepare(
              `UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = @workerId,
                 locked_until = @lockedUntil, updated = @now
               WHERE id = (
                 SELECT id FROM jobs
                 WHERE state = 'queued' AND run_after <= @now AND kind IN (SELECT value FROM json_each(@kinds))
                 ORDER BY run_after, rowid LIMIT 1
               )
               RETURNING *`,
            )
            .get({ workerId, lockedUntil: now + lockMs, now, kinds: JSON.stringify(kinds) }) as
            | JobRow
            | undefined,
      )
      .immediate();
    return row && toJob(row);
  }

  async heartbeat(jobId: string, workerId: string, lockMs: number): Promise<boolean> {
    const now = this.#now();
    return (
      this.#db
        .prepare(
          `UPDATE jobs SET locked_until = ?, updated = ? WHERE id = ? AND state = 'running' AND locked_by = ?`,
        )
        .run(now + lockMs, now, jobId, workerId).changes > 0
    );
  }

  async complete(jobId: string, workerId: string): Promise<boolean> {
    return (
      this.#db
        .prepare(
          `UPDATE jobs SET state = 'succeeded', locked_by = NULL, locked_until = NULL, updated = ?
           WHERE id = ? AND state = 'running' AND locked_by = ?`,
        )
        .run(this.#now(), jobId, workerId).changes > 0
    );
  }

  async fail(
    jobId: string,
    workerId: string,
    failure: JobFailure,
    retryDelayMs: number,
  ): Promise<JobState | undefined> {
    const now = this.#now();
    const row = this.#db
      .prepare(
        `UPDATE jobs SET
           state = CASE WHEN @retryable = 1 AND attempts < max_attempts AND cancel_requested = 0
                        THEN 'queued' ELSE 'failed' END,
           run_after = @runAfter, locked_by = NULL, locked_until = NULL,
           error_code = @code, error_message = @message, updated = @now
         WHERE id = @jobId AND state = 'running' AND locked_by = @workerId
         RETURNING state`,
      )
      .get({
        retryable: failure.retryable ? 1 : 0,
        runAfter: now + retryDelayMs,
        code: failure.code,
        message: failure.message,
        now,
        jobId,
        workerId,
      }) as { state: JobState } | undefined;
    return row?.state;
  }

  async cancelGroup(groupKey: string): Promise<number> {
    const now = this.#now();
    return this.#db.transaction(() => {
      const cancelled = this.#db
        .prepare(`UPDATE jobs SET state = 'cancelled', updated = ? WHERE group_key = ? AND state = 'queued'`)
        .run(now, groupKey).changes;
      this.#db
        .prepare(
          `UPDATE jobs SET cancel_requested = 1, updated = ? WHERE group_key = ? AND state = 'running'`,
        )
        .run(now, groupKey);
      return cancelled;
    })();
  }

  async acknowledgeCancel(jobId: string, workerId: string): Promise<boolean> {
    return (
      this.#db
        .prepare(
          `UPDATE jobs SET state = 'cancelled', locked_by = NULL, locked_until = NULL, updated = ?
           WHERE id = ? AND state = 'running' AND locked_by = ?`,
        )
        .run(this.#now(), jobId, workerId).changes > 0
    );
  }

  async requeueExpired(now: Date): Promise<{ requeued: number; failed: readonly Job[] }> {
    // A job whose attempts are used up fails instead of looping forever on a poison input.
    return this.#db.transaction(() => {
      const failed = this.#db
        .prepare(
          `UPDATE jobs SET state = 'failed', locked_by = NULL, locked_until = NULL,
             error_code = 'WORKER_LOST', error_message = 'the worker stopped while running this job', updated = @now
           WHERE state = 'running' AND locked_until < @now AND attempts >= max_attempts AND cancel_requested = 0
           RETURNING *`,
        )
        .all({ now: now.getTime() }) as JobRow[];
      const requeued = this.#db
        .prepare(
          `UPDATE jobs SET state = CASE WHEN cancel_requested = 1 THEN 'cancelled' ELSE 'queued' END,
             locked_by = NULL, locked_until = NULL, updated = @now
           WHERE state = 'running' AND locked_until < @now`,
        )
        .run({ now: now.getTime() }).changes;
      return { requeued, failed: failed.map(toJob) };
    })();
  }

  async get(jobId: string): Promise<Job | undefined> {
    const row = this.#db.prepare("SELECT * FROM jobs WHERE id = ?").get(jobId) as JobRow | undefined;
    return row && toJob(row);
  }

  async counts(): Promise<Readonly<Record<JobState, number>>> {
    const counts: Record<JobState, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
    const rows = this.#db.prepare("SELECT state, count(*) AS n FROM jobs GROUP BY state").all() as {
      state: JobState;
      n: number;
    }[];
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }
}
