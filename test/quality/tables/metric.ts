/**
 * @module Table-quality metric: how well the tables a parser emits (`TableBlock`s)
 * reproduce the tables of docling's ground truth, measured on cell text.
 *
 * Definition (pure, no I/O apart from `loadGroundTruthTables`):
 *
 * - **Cell text** is normalised with `normalizeCell`: Unicode NFKC, lower case, every
 *   whitespace and zero-width character removed. Two rules absorb ground-truth quirks
 *   that are not content: leader dots (a run of two or more dots, spaces allowed
 *   between them, and a dot opening a cell before a space: `Notices . . . . .`,
 *   `. vii` in a table of contents) are removed, and an ISO date followed by a midnight
 *   time (`2024-01-05 00:00:00`) becomes the date — docling prints date-only spreadsheet
 *   cells as Python datetimes, a parser rightly as dates. Cells that are empty after that are
 *   dropped on both sides, so are generated headers (`column_1`, … — a parser's stand-in
 *   for a missing header row, not text of the document).
 * - A table is a **multiset of normalised cell texts**; position is ignored, so a table
 *   whose columns were shifted or whose header was read as a body row still scores.
 * - A **spanning cell counts once** in the ground truth. A prediction may repeat its text
 *   in every grid position it covers (rows × columns of the span) without penalty: those
 *   repeats are "excused" — neither true nor false positives. Repeats beyond the span's
 *   area are false positives.
 * - For a ground-truth table G and a predicted table P, per normalised text k with g_k
 *   occurrences in G, a_k grid positions covered by those cells and p_k occurrences in P:
 *   tp = Σ min(g_k, p_k), fn = Σ max(0, g_k − p_k), fp = Σ max(0, p_k − a_k);
 *   precision = tp / (tp + fp), recall = tp / (tp + fn), F1 their harmonic mean.
 * - **Matching** is one-to-one and greedy: all (G, P) pairs with tp > 0 are sorted by F1
 *   (then tp, then document order) and taken while both sides are still free. A ground-truth
 *   table left without a partner scores tp = 0, fn = all its cells.
 * - A predicted table's **title** is a candidate of its own (a one-cell table): docling
 *   models a title row above a spreadsheet table as a separate 1×1 table, which a parser
 *   may legitimately carry as the table's title instead.
 * - A ground-truth table is **found** when its recall is ≥ 0.5: most of its text came out
 *   as one table.
 * - **Unmatched predicted tables do not count** (their cells are not false positives):
 *   docling's ground truth does not mark every table-like region (tables of contents,
 *   key/value grids), so a prediction without a partner is not necessarily wrong. Their
 *   number and cell count are reported (`unmatchedPredicted`, `unmatchedPredictedCells`).
 * - The set score is **micro-averaged**: tp, fp and fn are summed over the matched and
 *   unmatched ground-truth tables, then P/R/F1 are computed from the sums.
 */
import fs from "node:fs";
import type { TableBlock } from "../../../src/ingest/types.js";

/** One cell of a ground-truth table (docling `table_cells[]`), offsets 0-based, ends exclusive. */
export interface TruthCell {
  readonly text: string;
  readonly row: number;
  readonly col: number;
  readonly rowSpan: number;
  readonly colSpan: number;
  /** docling `column_header`. */
  readonly header: boolean;
}

/** A ground-truth table: docling's `tables[i]`, with at least one non-empty cell. */
export interface TruthTable {
  /** Position in the JSON's `tables` array. */
  readonly index: number;
  readonly numRows: number;
  readonly numCols: number;
  /** Pages of the table's provenance (empty for unpaged sources). */
  readonly pageNumbers: readonly number[];
  /** Each cell once (a spanning cell is one entry). */
  readonly cells: readonly TruthCell[];
}

/** Counts and ratios of one comparison. */
export interface Counts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** The result for one ground-truth table. */
export interface TableMatch extends Counts {
  /** Index into the `truth` array given to `scoreTables`. */
  readonly truth: number;
  /** Index into the `predicted` array of the partner, undefined when none was found. */
  readonly predicted?: number;
  /** True when the partner is the predicted table's title (a one-cell candidate). */
  readonly viaTitle: boolean;
  /** Non-empty cells of the ground-truth table (spanning cells once). */
  readonly truthCells: number;
  /** Non-empty cells of the partner (0 without one). */
  readonly predictedCells: number;
  /** Predicted repeats of a spanning cell within its span: neither tp nor fp. */
  readonly excused: number;
  /** recall ≥ 0.5. */
  readonly found: boolean;
}

/** The score of one document (or, via `combineScores`, of a set of documents). */
export interface TableScore extends Counts {
  readonly tables: readonly TableMatch[];
  readonly truthTables: number;
  /** Ground-truth tables with recall ≥ 0.5. */
  readonly found: number;
  readonly predictedTables: number;
  /** Predicted tables that are nobody's partner (not counted in fp). */
  readonly unmatchedPredicted: number;
  readonly unmatchedPredictedCells: number;
}

/** The threshold of recall at which a ground-truth table counts as found. */
export const FOUND_RECALL = 0.5;

const GENERATED_HEADER = /^column_\d+$/;
const INVISIBLE = /[\s\u200b-\u200d\u2060\ufeff\u00ad]+/gu;
const LEADER_DOTS = /(?:\.\s*){2,}|^\s*\.\s+/gu;
const MIDNIGHT = /^(\d{4}-\d{2}-\d{2})t?00:00(?::00(?:\.0+)?)?$/;

/**
 * The comparison key of a cell's text: NFKC, lower case, leader dots removed, no
 * whitespace at all, and a midnight time after an ISO date dropped.
 *
 * @example normalizeCell(" Ｆｒｅｓｈwater\n Ducks ") === "freshwaterducks"
 * @example normalizeCell("Authors. . . . . .") === "authors"
 * @example normalizeCell("2024-01-05 00:00:00") === "2024-01-05"
 */
export function normalizeCell(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(LEADER_DOTS, "")
    .replace(INVISIBLE, "")
    .replace(MIDNIGHT, "$1");
}

/**
 * P/R/F1 of counts. A ratio with a zero denominator is 1 when there was nothing to
 * find and nothing predicted (tp = fp = fn = 0), otherwise 0.
 *
 * @example prf(3, 1, 0) // { tp: 3, fp: 1, fn: 0, precision: 0.75, recall: 1, f1: 0.857… }
 */
export function prf(tp: number, fp: number, fn: number): Counts {
  const nothing = tp + fp + fn === 0;
  const precision = tp + fp === 0 ? (nothing ? 1 : 0) : tp / (tp + fp);
  const recall = tp + fn === 0 ? (nothing ? 1 : 0) : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}

/**
 * The texts of a predicted table's cells as they are scored: the header row (minus
 * generated `column_<n>` headers), then the body rows; cells blank after
 * normalisation are left out. The title is not a cell.
 *
 * @example
 *   cellTexts({ kind: "table", header: ["column_1", "Name"], rows: [["a", " "], ["b", "c"]] })
 *   // ["Name", "a", "b", "c"]
 */
export function cellTexts(block: TableBlock): string[] {
  const cells = [...block.header.filter((h) => !GENERATED_HEADER.test(h.trim())), ...block.rows.flat()];
  return cells.filter((cell) => normalizeCell(cell) !== "");
}

function integer(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new Error(`ground truth: ${what} is not a non-negative integer (${JSON.stringify(value)})`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function pagesOf(table: Record<string, unknown>): number[] {
  const prov = Array.isArray(table.prov) ? table.prov : [];
  const pages = new Set<number>();
  for (const p of prov) if (isRecord(p) && typeof p.page_no === "number") pages.add(p.page_no);
  return [...pages].sort((a, b) => a - b);
}

/**
 * The tables of a parsed docling document (the JSON value of a ground-truth file).
 * Each cell is kept once — a cell listed twice with the same offsets (a span repeated)
 * is one cell; tables without any non-empty cell are left out (nothing to find).
 *
 * @throws Error when the value does not have docling's table shape
 * @example parseGroundTruthTables(JSON.parse(fs.readFileSync("x.json", "utf8")))[0]?.cells.length
 */
export function parseGroundTruthTables(doc: unknown): TruthTable[] {
  if (!isRecord(doc)) throw new Error("ground truth: not a JSON object");
  const tables = doc.tables ?? [];
  if (!Array.isArray(tables)) throw new Error("ground truth: `tables` is not an array");
  const result: TruthTable[] = [];
  tables.forEach((table: unknown, index) => {
    if (!isRecord(table) || !isRecord(table.data))
      throw new Error(`ground truth: tables[${index}] has no data`);
    const data = table.data;
    const rawCells = Array.isArray(data.table_cells) ? data.table_cells : [];
    const seen = new Set<string>();
    const cells: TruthCell[] = [];
    rawCells.forEach((raw: unknown, i) => {
      const where = `tables[${index}].data.table_cells[${i}]`;
      if (!isRecord(raw)) throw new Error(`ground truth: ${where} is not an object`);
      const row = integer(raw.start_row_offset_idx, `${where}.start_row_offset_idx`);
      const col = integer(raw.start_col_offset_idx, `${where}.start_col_offset_idx`);
      const rowEnd = integer(raw.end_row_offset_idx, `${where}.end_row_offset_idx`);
      const colEnd = integer(raw.end_col_offset_idx, `${where}.end_col_offset_idx`);
      const key = `${row}:${rowEnd}:${col}:${colEnd}`;
      if (seen.has(key)) return;
      seen.add(key);
      cells.push({
        text: typeof raw.text === "string" ? raw.text : "",
        row,
        col,
        rowSpan: Math.max(1, rowEnd - row),
        colSpan: Math.max(1, colEnd - col),
        header: raw.column_header === true,
      });
    });
    if (!cells.some((cell) => normalizeCell(cell.text) !== "")) return;
    result.push({
      index,
      numRows: integer(data.num_rows ?? 0, `tables[${index}].data.num_rows`),
      numCols: integer(data.num_cols ?? 0, `tables[${index}].data.num_cols`),
      pageNumbers: pagesOf(table),
      cells,
    });
  });
  return result;
}

/**
 * The tables of a docling ground-truth JSON file (see `parseGroundTruthTables`).
 *
 * @example loadGroundTruthTables("../shared/eval/docling/docx/groundtruth/word_tables.docx.json").length === 7
 */
export function loadGroundTruthTables(jsonPath: string): TruthTable[] {
  return parseGroundTruthTables(JSON.parse(fs.readFileSync(jsonPath, "utf8")));
}

/** A ground-truth table as counts per normalised text: cells (g) and grid positions covered (a). */
interface TruthBag {
  readonly cells: Map<string, number>;
  readonly area: Map<string, number>;
  readonly total: number;
}

function truthBag(table: TruthTable): TruthBag {
  const cells = new Map<string, number>();
  const area = new Map<string, number>();
  let total = 0;
  for (const cell of table.cells) {
    const key = normalizeCell(cell.text);
    if (key === "") continue;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    area.set(key, (area.get(key) ?? 0) + cell.rowSpan * cell.colSpan);
    total++;
  }
  return { cells, area, total };
}

function bag(texts: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    const key = normalizeCell(text);
    if (key !== "") counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function sum(counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}

interface PairCounts extends Counts {
  readonly excused: number;
}

function comparePair(truth: TruthBag, predicted: ReadonlyMap<string, number>): PairCounts {
  let tp = 0;
  let fp = 0;
  let excused = 0;
  for (const [key, p] of predicted) {
    const g = truth.cells.get(key) ?? 0;
    const a = truth.area.get(key) ?? 0;
    tp += Math.min(g, p);
    excused += Math.max(0, Math.min(p, a) - g);
    fp += Math.max(0, p - a);
  }
  const fn = truth.total - tp;
  return { ...prf(tp, fp, fn), excused };
}

interface Candidate {
  /** Index into `predicted`. */
  readonly table: number;
  readonly viaTitle: boolean;
  readonly cells: Map<string, number>;
}

/**
 * Score predicted tables against ground-truth tables (see the module comment for the
 * definition). `tables[i]` is the result for `truth[i]`.
 *
 * @example
 *   const truth = parseGroundTruthTables(doclingJson);
 *   const tables = parsed.blocks.filter((b): b is TableBlock => b.kind === "table");
 *   const { f1, found, truthTables } = scoreTables(truth, tables);
 */
export function scoreTables(truth: readonly TruthTable[], predicted: readonly TableBlock[]): TableScore {
  const truthBags = truth.map(truthBag);
  const candidates: Candidate[] = [];
  predicted.forEach((block, table) => {
    candidates.push({ table, viaTitle: false, cells: bag(cellTexts(block)) });
    if (block.title && normalizeCell(block.title) !== "") {
      candidates.push({ table, viaTitle: true, cells: bag([block.title]) });
    }
  });

  const pairs: { t: number; c: number; counts: PairCounts }[] = [];
  truthBags.forEach((truthCells, t) => {
    candidates.forEach((candidate, c) => {
      const counts = comparePair(truthCells, candidate.cells);
      if (counts.tp > 0) pairs.push({ t, c, counts });
    });
  });
  pairs.sort((x, y) => y.counts.f1 - x.counts.f1 || y.counts.tp - x.counts.tp || x.t - y.t || x.c - y.c);

  const partner = new Map<number, { c: number; counts: PairCounts }>();
  const takenCandidates = new Set<number>();
  for (const pair of pairs) {
    if (partner.has(pair.t) || takenCandidates.has(pair.c)) continue;
    partner.set(pair.t, pair);
    takenCandidates.add(pair.c);
  }

  const tables: TableMatch[] = truthBags.map((truthCells, t) => {
    const match = partner.get(t);
    const candidate = match ? candidates[match.c] : undefined;
    if (!match || !candidate) {
      return {
        truth: t,
        viaTitle: false,
        truthCells: truthCells.total,
        predictedCells: 0,
        excused: 0,
        ...prf(0, 0, truthCells.total),
        found: false,
      };
    }
    return {
      truth: t,
      predicted: candidate.table,
      viaTitle: candidate.viaTitle,
      truthCells: truthCells.total,
      predictedCells: sum(candidate.cells),
      ...match.counts,
      found: match.counts.recall >= FOUND_RECALL,
    };
  });

  const matchedTables = new Set(tables.flatMap((m) => (m.predicted === undefined ? [] : [m.predicted])));
  let unmatchedPredictedCells = 0;
  predicted.forEach((block, i) => {
    if (!matchedTables.has(i)) unmatchedPredictedCells += cellTexts(block).length;
  });
  const totals = prf(
    tables.reduce((n, m) => n + m.tp, 0),
    tables.reduce((n, m) => n + m.fp, 0),
    tables.reduce((n, m) => n + m.fn, 0),
  );
  return {
    ...totals,
    tables,
    truthTables: truth.length,
    found: tables.filter((m) => m.found).length,
    predictedTables: predicted.length,
    unmatchedPredicted: predicted.length - matchedTables.size,
    unmatchedPredictedCells,
  };
}

/**
 * Micro-average several scores (e.g. every document of a set): counts are summed,
 * P/R/F1 recomputed; `tables` is the concatenation (its indices stay per document).
 *
 * @example const set = combineScores(files.map((f) => f.score)); set.f1 >= 0.85
 */
export function combineScores(scores: readonly TableScore[]): TableScore {
  const add = (pick: (s: TableScore) => number): number => scores.reduce((n, s) => n + pick(s), 0);
  return {
    ...prf(
      add((s) => s.tp),
      add((s) => s.fp),
      add((s) => s.fn),
    ),
    tables: scores.flatMap((s) => s.tables),
    truthTables: add((s) => s.truthTables),
    found: add((s) => s.found),
    predictedTables: add((s) => s.predictedTables),
    unmatchedPredicted: add((s) => s.unmatchedPredicted),
    unmatchedPredictedCells: add((s) => s.unmatchedPredictedCells),
  };
}
