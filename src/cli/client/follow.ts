/** `--wait` of ingest and crawl: follow the processes with progress, then summarise them. */
import type { HttpClient } from "./http.js";
import type { ProgressReporter } from "./output.js";
import {
  type FailedDocument,
  failedDocuments,
  failedTable,
  summaryLine,
  type Totals,
  totalsOf,
  waitForProcesses,
} from "./processes.js";
import type { IngestStatus } from "./types.js";

export interface FollowResult {
  readonly statuses: IngestStatus[];
  readonly totals: Totals;
  readonly failed: FailedDocument[];
  /** 0 when every document completed, 2 when some errored or were cancelled. */
  readonly exitCode: number;
}

export async function followProcesses(
  client: HttpClient,
  processIds: readonly string[],
  options: {
    readonly intervalMs: number;
    readonly reporter: ProgressReporter;
    /** What was submitted, for the progress display. */
    readonly submitted: number;
    /** Documents known before the server reports (e.g. files uploaded). */
    readonly expected: number;
  },
): Promise<FollowResult> {
  const { reporter } = options;
  // Ctrl-C stops waiting, not the work: say where it continues.
  const onInterrupt = (): void => {
    reporter.finish();
    process.stderr.write(
      `openground: stopped waiting; processing continues on the server (openground status <processId>):\n` +
        processIds.map((id) => `  ${id}\n`).join(""),
    );
    process.exit(130);
  };
  process.once("SIGINT", onInterrupt);
  try {
    const statuses = await waitForProcesses(client, processIds, {
      intervalMs: options.intervalMs,
      onUpdate: (current) => {
        const totals = totalsOf(current);
        reporter.update({
          submitted: options.submitted,
          toSubmit: options.submitted,
          total: Math.max(totals.total, options.expected),
          complete: totals.complete,
          errors: totals.errors,
          cancelled: totals.cancelled,
        });
      },
    });
    reporter.finish();
    const totals = totalsOf(statuses);
    const failed = await failedDocuments(client, statuses);
    const failedProcess = statuses.some((s) => s.status === "error" || s.status === "cancelled");
    const exitCode = totals.errors + totals.cancelled > 0 || failed.length > 0 || failedProcess ? 2 : 0;
    return { statuses, totals, failed, exitCode };
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}

/** The human summary after waiting: a summary line and the table of failed documents. */
export function followReport(result: FollowResult): string {
  const processes = result.statuses.length;
  let text = `Done: ${summaryLine(result.totals)} (${result.totals.total} documents in ${processes} process${
    processes === 1 ? "" : "es"
  })\n`;
  if (result.totals.total === 0) {
    // Nothing was processed (e.g. a crawl that found no page): the server's word on why.
    for (const status of result.statuses) {
      if (status.statusMessage) text += `process ${status.processId}: ${status.statusMessage}\n`;
    }
  }
  if (result.failed.length > 0) text += `\nFailed documents:\n${failedTable(result.failed)}`;
  return text;
}
