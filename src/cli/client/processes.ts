/** Following ingest processes (§4.14) until they finish, and summarising them. */
import { type HttpClient, HttpError } from "./http.js";
import { table } from "./output.js";
import { type DocumentDetail, type IngestStatus, type ProgressKey, TERMINAL_STATUSES } from "./types.js";

export interface Totals {
  readonly total: number;
  readonly queued: number;
  readonly processing: number;
  readonly complete: number;
  readonly errors: number;
  readonly cancelled: number;
}

const count = (status: IngestStatus, key: ProgressKey): number => status.progress?.[key]?.total ?? 0;

/** Document counts summed over processes. */
export function totalsOf(statuses: readonly IngestStatus[]): Totals {
  const sum = (key: ProgressKey): number => statuses.reduce((acc, s) => acc + count(s, key), 0);
  const queued = sum("queued");
  const processing = sum("processing");
  const complete = sum("complete");
  const errors = sum("errors");
  const cancelled = sum("cancelled");
  return {
    total: queued + processing + complete + errors + cancelled,
    queued,
    processing,
    complete,
    errors,
    cancelled,
  };
}

/** "12 complete, 1 error, 0 cancelled" */
export function summaryLine(totals: Totals): string {
  return `${totals.complete} complete, ${totals.errors} error, ${totals.cancelled} cancelled`;
}

export const isTerminal = (status: IngestStatus): boolean => TERMINAL_STATUSES.has(status.status);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Poll every process until each is terminal; `onUpdate` sees the latest status of all of them
 * after every round. Terminal processes are not asked again.
 */
export async function waitForProcesses(
  client: HttpClient,
  processIds: readonly string[],
  options: { intervalMs: number; onUpdate?: (statuses: readonly IngestStatus[]) => void },
): Promise<IngestStatus[]> {
  const latest = new Map<string, IngestStatus>();
  for (;;) {
    for (const processId of processIds) {
      const known = latest.get(processId);
      if (known && isTerminal(known)) continue;
      latest.set(processId, (await client.processStatus(processId)).ingest);
    }
    const statuses = processIds.flatMap((id) => {
      const status = latest.get(id);
      return status ? [status] : [];
    });
    options.onUpdate?.(statuses);
    if (statuses.every(isTerminal)) return statuses;
    await sleep(options.intervalMs);
  }
}

export interface FailedDocument {
  readonly processId: string;
  readonly documentId: string;
  readonly fileName: string;
  readonly status: string;
  readonly message: string;
}

/** Documents of `key` in a process: those listed in the status, or looked up when it lists fewer. */
async function documentsIn(
  client: HttpClient,
  status: IngestStatus,
  key: "errors" | "cancelled",
): Promise<DocumentDetail[]> {
  const bucket = status.progress?.[key];
  const listed = bucket?.documents ?? [];
  if ((bucket?.total ?? 0) <= listed.length) return listed;
  const found: DocumentDetail[] = [];
  try {
    let nextToken: string | undefined;
    for (let page = 0; page < 100; page++) {
      const answer = await client.lookupDocuments(status.processId, {
        n: 100,
        status: key === "errors" ? "error" : "cancelled",
        ...(nextToken ? { nextToken } : {}),
      });
      found.push(...(answer.documents ?? []));
      nextToken = answer.nextToken;
      if (!nextToken) break;
    }
  } catch (error) {
    if (error instanceof HttpError) return listed; // the status's own list is the best we have
    throw error;
  }
  return found.length > listed.length ? found : listed;
}

/** Every errored or cancelled document of the processes, with its reason. */
export async function failedDocuments(
  client: HttpClient,
  statuses: readonly IngestStatus[],
): Promise<FailedDocument[]> {
  const out: FailedDocument[] = [];
  for (const status of statuses) {
    for (const key of ["errors", "cancelled"] as const) {
      for (const doc of await documentsIn(client, status, key)) {
        const docStatus = doc.status ?? (key === "errors" ? "error" : "cancelled");
        out.push({
          processId: status.processId,
          documentId: doc.documentId,
          fileName: doc.fileName ?? doc.sourceUrl ?? doc.documentId,
          status: docStatus,
          message: doc.statusMessage ?? (docStatus === "cancelled" ? "cancelled" : "no message"),
        });
      }
    }
  }
  return out;
}

export function failedTable(failed: readonly FailedDocument[]): string {
  return table(
    ["FILE", "STATUS", "MESSAGE"],
    failed.map((f) => [f.fileName, f.status, f.message]),
  );
}
