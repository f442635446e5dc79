const UNITS = ["B", "KB", "MB", "GB", "TB"] as const;

/**
 * Human-readable size as GroundX reports it (CONTRACT.md D9): base 1024, one
 * decimal, units B..TB. Bytes are whole numbers.
 *
 * @example formatFileSize(0) === "0B"; formatFileSize(1468006) === "1.4MB"
 */
export function formatFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return "0B";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)}B`;
  // Round first, then carry: 1023.96KB must print as "1.0MB", not "1024.0KB".
  let rounded = Math.round(value * 10) / 10;
  if (rounded >= 1024 && unit < UNITS.length - 1) {
    rounded = Math.round((rounded / 1024) * 10) / 10;
    unit += 1;
  }
  return `${rounded.toFixed(1)}${UNITS[unit]}`;
}

/** RFC 3339 UTC with millisecond precision, as the SDKs parse it. */
export function toRfc3339(date: Date): string {
  return date.toISOString();
}
