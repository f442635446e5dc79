/** Terminal output of the client commands: tables and the ingest progress display. */

/** A writable text stream (process.stdout / process.stderr, or a test double). */
export interface TextOut {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const clean = (cell: string): string => cell.replace(/\s+/g, " ").trim();
  const all = [headers.map(clean), ...rows.map((row) => row.map(clean))];
  const widths = headers.map((_, i) => Math.max(...all.map((row) => (row[i] ?? "").length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}

/** Counts shown while files are uploaded and processed. */
export interface ProgressState {
  /** Files (or URLs, or sites) submitted so far, of `toSubmit`. */
  readonly submitted: number;
  readonly toSubmit: number;
  /** Documents known to the server's processes (may grow during a crawl). */
  readonly total: number;
  readonly complete: number;
  readonly errors: number;
  readonly cancelled: number;
}

const finished = (s: ProgressState): number => s.complete + s.errors + s.cancelled;

/** The plain progress line (non-TTY output). */
export function progressLine(s: ProgressState): string {
  return (
    `progress: ${s.submitted}/${s.toSubmit} submitted, ${finished(s)}/${s.total} documents finished ` +
    `(${s.complete} complete, ${s.errors} error, ${s.cancelled} cancelled)`
  );
}

/** The single-line bar (TTY output), at most `columns` wide. */
export function progressBar(s: ProgressState, columns = 80): string {
  const width = 24;
  const done = s.total > 0 ? Math.min(1, finished(s) / s.total) : 0;
  const filled = Math.round(done * width);
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
  const text =
    `${bar} ${finished(s)}/${s.total} done · ${s.complete} complete · ${s.errors} error · ` +
    `${s.cancelled} cancelled · ${s.submitted}/${s.toSubmit} submitted`;
  return text.length >= columns ? text.slice(0, Math.max(columns - 1, 10)) : text;
}

/**
 * Shows progress on `out`: on a terminal one line redrawn in place (carriage return); otherwise
 * one plain line per change, so logs and pipes stay readable.
 */
export class ProgressReporter {
  private last = "";
  private drawn = false;

  constructor(
    private readonly out: TextOut,
    private readonly live: boolean = out.isTTY === true,
  ) {}

  update(state: ProgressState): void {
    const text = this.live ? progressBar(state, this.out.columns || 80) : progressLine(state);
    if (text === this.last) return;
    this.last = text;
    if (this.live) {
      this.out.write(`\r\x1b[2K${text}`);
      this.drawn = true;
    } else this.out.write(`${text}\n`);
  }

  /** Print a message line without garbling the bar. */
  log(line: string): void {
    if (this.live && this.drawn) {
      this.out.write(`\r\x1b[2K${line}\n${this.last}`);
    } else this.out.write(`${line}\n`);
  }

  /** End the live line (before other output). */
  finish(): void {
    if (this.live && this.drawn) this.out.write("\n");
    this.drawn = false;
  }
}

/** Collapse whitespace and cut to about `max` characters. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
