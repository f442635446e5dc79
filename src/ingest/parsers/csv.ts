/**
 * @module CSV/TSV: one table per file, parsed with csv-parse.
 *
 * - The delimiter (comma, semicolon, tab, pipe) is the one that splits the first
 *   lines into the most consistent number of fields (quotes respected, since
 *   csv-parse does the splitting); the declared type breaks ties (tab for tsv).
 * - The first row is the header; when it looks like data (all cells numeric) the
 *   header is generated (`column_1`…). A title row (one filled cell above a
 *   fully filled header, as spreadsheets export) becomes the table title.
 * - Ragged rows are padded with empty cells; surplus cells are kept by joining
 *   them into the last column with the delimiter, so no text is lost.
 */
import { parse } from "csv-parse/sync";
import {
  type ParseContext,
  type ParsedDocument,
  ParseError,
  type Parser,
  type TableBlock,
} from "../types.js";
import { checkCharLimit, checkRowLimit, emptyDocument, fileStem } from "./common.js";
import { decodeText, normalizeNewlines } from "./text-decode.js";

const CANDIDATES = [",", ";", "\t", "|"] as const;
/** A delimiter that cannot occur in text: the whole line is one field. */
const NO_DELIMITER = "\u001f";
const SAMPLE_CHARS = 64 * 1024;
const SAMPLE_RECORDS = 50;
const MAX_FIELD_CHARS = 8 * 1024 * 1024;

interface Candidate {
  readonly delimiter: string;
  readonly width: number;
  readonly consistency: number;
}

function parseRecords(text: string, delimiter: string, to?: number): string[][] {
  return parse(text, {
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_FIELD_CHARS,
    ...(to === undefined ? {} : { to }),
  }) as string[][];
}

/** The first lines of the text, cut at a line end; shortened further if a quoted field is cut open. */
function sampleRecords(text: string, delimiter: string): string[][] | undefined {
  let sample = text.length > SAMPLE_CHARS ? text.slice(0, text.lastIndexOf("\n", SAMPLE_CHARS) + 1) : text;
  for (let attempt = 0; attempt < 3 && sample; attempt++) {
    try {
      return parseRecords(sample, delimiter, SAMPLE_RECORDS);
    } catch {
      sample = sample.slice(0, sample.lastIndexOf("\n", Math.floor(sample.length / 2)) + 1);
    }
  }
  return undefined;
}

function score(text: string, delimiter: string): Candidate | undefined {
  const records = sampleRecords(text, delimiter)?.filter((r) => r.some((cell) => cell.trim() !== ""));
  if (!records || records.length === 0) return undefined;
  const counts = new Map<number, number>();
  for (const r of records) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  let width = 1;
  let most = 0;
  for (const [w, n] of counts) {
    if (n > most || (n === most && w > width)) {
      width = w;
      most = n;
    }
  }
  return { delimiter, width, consistency: most / records.length };
}

/**
 * The delimiter of a delimited text, or U+001F (no delimiter: one column).
 *
 * @example detectDelimiter("a;b\n1;2\n", ",") === ";"
 */
export function detectDelimiter(text: string, preferred: string): string {
  let best: Candidate | undefined;
  const ordered = [preferred, ...CANDIDATES.filter((c) => c !== preferred)];
  for (const delimiter of ordered) {
    const candidate = score(text, delimiter);
    if (!candidate || candidate.width < 2 || candidate.consistency < 0.6) continue;
    // Consistency first; then more columns; earlier (preferred) candidates win ties.
    if (
      !best ||
      candidate.consistency > best.consistency + 0.05 ||
      (Math.abs(candidate.consistency - best.consistency) <= 0.05 && candidate.width > best.width)
    ) {
      best = candidate;
    }
  }
  return best?.delimiter ?? NO_DELIMITER;
}

const NUMERIC = /^[-+]?(?:\d+(?:[.,]\d+)*|\d*[.,]\d+)(?:[eE][-+]?\d+)?%?$/;

function looksLikeData(row: readonly string[]): boolean {
  const filled = row.filter((c) => c !== "");
  return filled.length > 0 && filled.every((c) => NUMERIC.test(c));
}

function modeWidth(rows: readonly (readonly string[])[]): number {
  const counts = new Map<number, number>();
  let best = 1;
  let most = 0;
  for (const r of rows) {
    const n = (counts.get(r.length) ?? 0) + 1;
    counts.set(r.length, n);
    if (n > most || (n === most && r.length > best)) {
      best = r.length;
      most = n;
    }
  }
  return best;
}

function fitRow(row: readonly string[], width: number, delimiter: string): string[] {
  if (row.length === width) return [...row];
  if (row.length < width) return [...row, ...Array<string>(width - row.length).fill("")];
  const joiner = delimiter === NO_DELIMITER ? " " : delimiter;
  const kept = row.slice(0, width - 1);
  const rest = row
    .slice(width - 1)
    .filter((c, i) => i === 0 || c !== "")
    .join(joiner);
  return [...kept, rest];
}

/** Rows → header, body and title (see the module comment for the rules). */
export function buildTable(
  records: readonly (readonly string[])[],
  delimiter: string,
  defaultTitle: string,
): TableBlock | undefined {
  let rows = records.map((r) => r.map((cell) => cell.trim())).filter((r) => r.some((cell) => cell !== ""));
  if (rows.length === 0) return undefined;
  let title = defaultTitle;
  const first = rows[0] ?? [];
  const second = rows[1];
  if (
    second &&
    first.length >= 2 &&
    first.filter((c) => c !== "").length === 1 &&
    first[0] !== "" &&
    second.filter((c) => c !== "").length >= 2 &&
    !looksLikeData(second)
  ) {
    title = first[0] ?? title;
    rows = rows.slice(1);
  }
  const headerRow = rows[0] ?? [];
  const generated = looksLikeData(headerRow);
  const width = generated ? modeWidth(rows) : Math.max(headerRow.length, 1);
  const header = generated
    ? Array.from({ length: width }, (_, i) => `column_${i + 1}`)
    : fitRow(headerRow, width, delimiter).map((h, i) => h || `column_${i + 1}`);
  const body = (generated ? rows : rows.slice(1)).map((r) => fitRow(r, width, delimiter));
  // A trailing delimiter on every line makes a column with no header and no values: drop it.
  const keep = header.map((_, c) => generated || headerRow[c] || body.some((r) => r[c] !== ""));
  if (keep.every(Boolean)) return { kind: "table", title, header, rows: body };
  return {
    kind: "table",
    title,
    header: header.filter((_, c) => keep[c]),
    rows: body.map((r) => r.filter((_, c) => keep[c])),
  };
}

/**
 * Parse delimited text into one table.
 *
 * @throws ParseError PARSE_FAILED (unbalanced quotes…), LIMIT_EXCEEDED (rows), EMPTY_DOCUMENT
 */
export function parseDelimitedText(text: string, context: ParseContext): ParsedDocument {
  checkCharLimit(text.length, context.limits);
  if (!text.trim()) throw emptyDocument();
  const delimiter = detectDelimiter(text, context.format === "tsv" ? "\t" : ",");
  let records: string[][];
  try {
    // +3: the header, a possible title row, and one more to know the limit is exceeded.
    records = parseRecords(text, delimiter, context.limits.maxRows + 3);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ParseError("PARSE_FAILED", `invalid ${context.format.toUpperCase()}: ${reason}`);
  }
  const table = buildTable(records, delimiter, fileStem(context.fileName));
  if (!table) throw emptyDocument();
  checkRowLimit(table.rows.length, context.limits);
  return { blocks: [table], title: table.title };
}

export const csvParser: Parser = {
  name: "csv",
  formats: ["csv", "tsv"],
  async parse(bytes, context) {
    return parseDelimitedText(normalizeNewlines(decodeText(bytes).text), context);
  },
};
