import { invalid } from "../errors/index.js";

/** Longest usage window a caller may ask for (CONTRACT.md §10). */
export const MAX_USAGE_WINDOW_DAYS = 366;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parse a strict RFC 3339 timestamp or throw a 400 naming the field. */
export function parseRfc3339(value: string, field: string): Date {
  const date = RFC3339.test(value) ? new Date(value.replace(" ", "T")) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw invalid(field, `must be an RFC 3339 timestamp such as 2026-01-31T00:00:00Z (got "${value}")`);
  }
  return date;
}

/**
 * Validate a usage window (CONTRACT.md §10): both ends on a minute boundary
 * (normalised to UTC), start before end, end not in the future, at most 366 days.
 */
export function parseUsageWindow(startTime: string, endTime: string, now: Date): { start: Date; end: Date } {
  const start = parseRfc3339(startTime, "startTime");
  const end = parseRfc3339(endTime, "endTime");
  if (start.getTime() % 60_000 !== 0)
    throw invalid("startTime", "must be on a minute boundary (seconds = 0)");
  if (end.getTime() % 60_000 !== 0) throw invalid("endTime", "must be on a minute boundary (seconds = 0)");
  if (end.getTime() <= start.getTime()) throw invalid("endTime", "must be after startTime");
  if (end.getTime() > now.getTime()) throw invalid("endTime", "must not be in the future");
  if (end.getTime() - start.getTime() > MAX_USAGE_WINDOW_DAYS * 86_400_000) {
    throw invalid("startTime", `the window must not exceed ${MAX_USAGE_WINDOW_DAYS} days`);
  }
  return { start, end };
}

/**
 * The monthly billing period containing `now`, counted from `anchor`
 * (the account's creation, floored to the minute). A period starting on the
 * 31st starts on the last day of shorter months.
 */
export function billingPeriod(anchor: Date, now: Date): { start: Date; end: Date } {
  const base = new Date(Math.floor(anchor.getTime() / 60_000) * 60_000);
  const at = (months: number): Date => {
    const year = base.getUTCFullYear();
    const month = base.getUTCMonth() + months;
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    return new Date(
      Date.UTC(year, month, Math.min(base.getUTCDate(), lastDay), base.getUTCHours(), base.getUTCMinutes()),
    );
  };
  if (now.getTime() < base.getTime()) return { start: base, end: at(1) };
  let months = (now.getUTCFullYear() - base.getUTCFullYear()) * 12 + (now.getUTCMonth() - base.getUTCMonth());
  while (months > 0 && at(months).getTime() > now.getTime()) months -= 1;
  while (at(months + 1).getTime() <= now.getTime()) months += 1;
  return { start: at(months), end: at(months + 1) };
}
