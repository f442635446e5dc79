import { type DocumentStatus, TERMINAL_STATUSES } from "../store/contracts/document-store.js";

export type ProcessStatus = "queued" | "processing" | "complete" | "error" | "cancelled";

/**
 * The status of a process from the statuses of its documents (CONTRACT.md D10):
 * `cancelled` once cancelled; `queued` until the first document starts;
 * `processing` while any is in flight; then `complete` if at least one
 * completed, `error` if every one errored, `cancelled` if every one was
 * cancelled (e.g. deleted before it ran). An empty process is complete.
 */
export function deriveProcessStatus(
  cancelled: boolean,
  statuses: readonly DocumentStatus[],
  pendingWork = false,
): ProcessStatus {
  if (cancelled) return "cancelled";
  // Work that is not a document yet (a crawl discovering pages) keeps the process open.
  if (pendingWork)
    return statuses.length === 0 || statuses.every((s) => s === "queued") ? "queued" : "processing";
  if (statuses.length === 0) return "complete";
  if (statuses.some((s) => !TERMINAL_STATUSES.has(s))) {
    return statuses.every((s) => s === "queued") ? "queued" : "processing";
  }
  if (statuses.some((s) => s === "complete")) return "complete";
  if (statuses.every((s) => s === "error")) return "error";
  return statuses.some((s) => s === "error") ? "error" : "cancelled";
}

/** Whether every document of the process has reached a final state. */
export function isTerminal(status: ProcessStatus): boolean {
  return status === "complete" || status === "error" || status === "cancelled";
}
