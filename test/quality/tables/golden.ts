/**
 * @module The golden table harness: every docling test document whose ground truth
 * has at least one table is parsed by the parser of its type (through
 * `processDocument`, as the server does), its `TableBlock`s are scored with the
 * table metric (`./metric.ts`), and the table chunks are checked to carry every row.
 *
 * Used by test/quality/tables.test.ts. The documents are read in place from
 * ../shared/eval/docling (`<type>/sources/<name>`, truth `<type>/groundtruth/<name>.json`;
 * PDFs: `<stem>.pdf` ↔ `<stem>.json`); truth files whose source is absent are skipped.
 */
import fs from "node:fs";
import path from "node:path";
import { renderRow } from "../../../src/ingest/chunk/index.js";
import { createParserRegistry } from "../../../src/ingest/parsers/index.js";
import { processDocument } from "../../../src/ingest/process.js";
import {
  type Chunk,
  DEFAULT_PARSE_LIMITS,
  type ParsedDocument,
  type Parser,
  type SourceFormat,
  type TableBlock,
} from "../../../src/ingest/types.js";
import {
  combineScores,
  loadGroundTruthTables,
  scoreTables,
  type TableScore,
  type TruthTable,
} from "./metric.js";

export const DOCLING_DIR = path.resolve(import.meta.dirname, "../../../../shared/eval/docling");

/** The document families of the golden set, with their parser module and export. */
export const GOLDEN_TYPES = {
  pdf: { module: "pdf", exportName: "pdfParser", format: "pdf" },
  docx: { module: "docx", exportName: "docxParser", format: "docx" },
  pptx: { module: "pptx", exportName: "pptxParser", format: "pptx" },
  xlsx: { module: "xlsx", exportName: "xlsxParser", format: "xlsx" },
} as const satisfies Record<string, { module: string; exportName: string; format: SourceFormat }>;

export type GoldenType = keyof typeof GOLDEN_TYPES;

export interface GoldenCase {
  readonly type: GoldenType;
  /** The source's file name, e.g. `word_tables.docx`. */
  readonly name: string;
  readonly sourcePath: string;
  readonly truthPath: string;
  readonly truth: readonly TruthTable[];
}

/**
 * The documents of the golden set: sources with a ground-truth JSON holding ≥ 1 table,
 * sorted by type then name. `.xlsm` counts as xlsx (it lives under xlsx/).
 *
 * @example listGoldenCases().filter((c) => c.type === "docx").map((c) => c.name)
 */
export function listGoldenCases(root: string = DOCLING_DIR): GoldenCase[] {
  const cases: GoldenCase[] = [];
  for (const type of Object.keys(GOLDEN_TYPES) as GoldenType[]) {
    const truthDir = path.join(root, type, "groundtruth");
    if (!fs.existsSync(truthDir)) continue;
    for (const file of fs.readdirSync(truthDir).sort()) {
      if (!file.endsWith(".json") || file.endsWith(".pages.meta.json")) continue;
      const base = file.slice(0, -".json".length);
      const name = type === "pdf" ? `${base}.pdf` : base;
      const sourcePath = path.join(root, type, "sources", name);
      if (!fs.existsSync(sourcePath)) continue;
      const truthPath = path.join(truthDir, file);
      const truth = loadGroundTruthTables(truthPath);
      if (truth.length > 0) cases.push({ type, name, sourcePath, truthPath, truth });
    }
  }
  return cases;
}

/**
 * The parser of a golden type, imported from `src/ingest/parsers/<type>.ts`.
 *
 * @throws Error naming the module or export when the parser does not exist (yet)
 * @example const parser = await loadGoldenParser("docx"); parser.formats.includes("docx")
 */
export async function loadGoldenParser(type: GoldenType): Promise<Parser> {
  const entry = GOLDEN_TYPES[type] as (typeof GOLDEN_TYPES)[GoldenType] | undefined;
  if (!entry) throw new Error(`no parser is known for golden type "${type}"`);
  const { module, exportName } = entry;
  const specifier = `../../../src/ingest/parsers/${module}.js`;
  let loaded: Record<string, unknown>;
  try {
    // A variable specifier: the module may not exist yet, so it cannot be a static import.
    loaded = (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot import src/ingest/parsers/${module}.ts: ${reason}`);
  }
  const parser = loaded[exportName] as Parser | undefined;
  if (!parser || typeof parser.parse !== "function") {
    throw new Error(`src/ingest/parsers/${module}.ts does not export ${exportName}`);
  }
  return parser;
}

/**
 * Problems with how a document's tables survive chunking: walking the table chunks in
 * order, each `TableBlock` must be covered by consecutive chunks of contentType "table"
 * that repeat its header and carry exactly its rows, in order, each row also present
 * in the chunk's text. Empty array = all rows survive.
 *
 * @example tableChunkProblems(tables, result.chunks.chunks) // [] when every row is in a table chunk
 */
export function tableChunkProblems(tables: readonly TableBlock[], chunks: readonly Chunk[]): string[] {
  const problems: string[] = [];
  const tableChunks = chunks.filter((chunk) => chunk.contentType === "table");
  let next = 0;
  const same = (a: readonly string[], b: readonly string[]): boolean =>
    a.length === b.length && a.every((cell, i) => cell === b[i]);
  tables.forEach((block, t) => {
    const rows: (readonly string[])[] = [];
    let taken = 0;
    while (taken === 0 || rows.length < block.rows.length) {
      const chunk = tableChunks[next];
      if (!chunk) {
        problems.push(`table ${t}: only ${rows.length} of ${block.rows.length} rows are in table chunks`);
        return;
      }
      next++;
      taken++;
      if (!chunk.table) {
        problems.push(`table ${t}: table chunk ${chunk.index} has no table data`);
        continue;
      }
      if (!same(chunk.table.header, block.header)) {
        problems.push(`table ${t}: chunk ${chunk.index} does not repeat the header`);
      }
      for (const row of chunk.table.rows) {
        if (!chunk.text.includes(renderRow(row))) {
          problems.push(`table ${t}: chunk ${chunk.index} text lacks the row "${renderRow(row)}"`);
        }
      }
      rows.push(...chunk.table.rows);
    }
    const differing = block.rows.findIndex((row, i) => !same(row, rows[i] ?? []));
    if (rows.length !== block.rows.length || differing >= 0) {
      problems.push(
        `table ${t}: the table chunks carry ${rows.length} rows, the block ${block.rows.length}` +
          (differing >= 0 ? `; row ${differing} differs` : ""),
      );
    }
  });
  if (next < tableChunks.length)
    problems.push(`${tableChunks.length - next} table chunks belong to no table`);
  return problems;
}

export interface GoldenResult {
  readonly case: GoldenCase;
  /** The parser's name, undefined when it could not be loaded. */
  readonly parser?: string;
  /** Why the document could not be evaluated (missing parser, parse failure). */
  readonly error?: string;
  readonly tables: readonly TableBlock[];
  readonly score: TableScore;
  readonly chunkProblems: readonly string[];
  /** Table chunks of the processed document. */
  readonly tableChunks: number;
  readonly ms: number;
}

/**
 * Parse one golden document with `processDocument` (processLevel "full", default limits,
 * a registry holding only `parser`), score its tables and check its table chunks.
 * A failure to process is reported in `error` and scores as "no table predicted".
 *
 * @example const result = await evaluateGoldenCase(c, await loadGoldenParser(c.type)); result.score.f1
 */
export async function evaluateGoldenCase(golden: GoldenCase, parser: Parser): Promise<GoldenResult> {
  const started = performance.now();
  let parsed: ParsedDocument | undefined;
  // Records the parse processDocument does, so the document is parsed once.
  const recording: Parser = {
    name: parser.name,
    formats: parser.formats,
    parse: async (bytes, context) => {
      parsed = await parser.parse(bytes, context);
      return parsed;
    },
  };
  try {
    const result = await processDocument({
      bytes: new Uint8Array(fs.readFileSync(golden.sourcePath)),
      fileName: golden.name,
      format: GOLDEN_TYPES[golden.type].format,
      processLevel: "full",
      limits: DEFAULT_PARSE_LIMITS,
      chunkIdPrefix: "tables",
      registry: createParserRegistry([recording]),
    });
    const tables = (parsed?.blocks ?? []).filter((b): b is TableBlock => b.kind === "table");
    return {
      case: golden,
      parser: parser.name,
      tables,
      score: scoreTables(golden.truth, tables),
      chunkProblems: tableChunkProblems(tables, result.chunks.chunks),
      tableChunks: result.chunks.chunks.filter((c) => c.contentType === "table").length,
      ms: performance.now() - started,
    };
  } catch (error) {
    return failed(golden, error instanceof Error ? error.message : String(error), parser.name, started);
  }
}

function failed(
  golden: GoldenCase,
  error: string,
  parser: string | undefined,
  started: number,
): GoldenResult {
  return {
    case: golden,
    ...(parser ? { parser } : {}),
    error,
    tables: [],
    score: scoreTables(golden.truth, []),
    chunkProblems: [],
    tableChunks: 0,
    ms: performance.now() - started,
  };
}

/**
 * Evaluate every golden case, `concurrency` documents at a time; a type whose parser
 * cannot be loaded yields an `error` result for each of its documents (never a skip).
 *
 * @example const results = await evaluateGolden(listGoldenCases()); console.log(formatGoldenReport(results))
 */
export async function evaluateGolden(
  cases: readonly GoldenCase[],
  options: { concurrency?: number } = {},
): Promise<GoldenResult[]> {
  const parsers = new Map<GoldenType, Promise<Parser>>();
  const parserFor = (type: GoldenType): Promise<Parser> => {
    let parser = parsers.get(type);
    if (!parser) {
      parser = loadGoldenParser(type);
      parser.catch(() => undefined);
      parsers.set(type, parser);
    }
    return parser;
  };
  const results: GoldenResult[] = new Array(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      const golden = cases[i] as GoldenCase;
      const started = performance.now();
      let parser: Parser;
      try {
        parser = await parserFor(golden.type);
      } catch (error) {
        results[i] = failed(
          golden,
          error instanceof Error ? error.message : String(error),
          undefined,
          started,
        );
        continue;
      }
      results[i] = await evaluateGoldenCase(golden, parser);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  return results;
}

const pct = (x: number): string => x.toFixed(3);

/**
 * The per-file report (file, GT tables, found, predicted tables, P, R, F1, time) and
 * the set totals, as an aligned plain-text table.
 *
 * @example console.log(formatGoldenReport(await evaluateGolden(listGoldenCases())))
 */
export function formatGoldenReport(results: readonly GoldenResult[]): string {
  const header = ["file", "GT", "found", "pred(unm)", "P", "R", "F1", "ms", "note"];
  const rows = results.map((r) => {
    const s = r.score;
    const note = r.error
      ? `ERROR ${r.error}`
      : [
          ...s.tables.flatMap((m, i) =>
            m.found ? [] : [`GT#${r.case.truth[i]?.index ?? i} R=${pct(m.recall)} (${m.truthCells} cells)`],
          ),
          ...(r.chunkProblems.length > 0 ? [`chunks: ${r.chunkProblems[0]}`] : []),
        ].join("; ");
    return [
      `${r.case.type}/${r.case.name}`,
      String(s.truthTables),
      String(s.found),
      `${s.predictedTables}(${s.unmatchedPredicted})`,
      pct(s.precision),
      pct(s.recall),
      pct(s.f1),
      r.ms.toFixed(0),
      note,
    ];
  });
  const totals = combineScores(results.map((r) => r.score));
  rows.push([
    `TOTAL (${results.length} files)`,
    String(totals.truthTables),
    String(totals.found),
    `${totals.predictedTables}(${totals.unmatchedPredicted})`,
    pct(totals.precision),
    pct(totals.recall),
    pct(totals.f1),
    results.reduce((n, r) => n + r.ms, 0).toFixed(0),
    `micro tp=${totals.tp} fp=${totals.fp} fn=${totals.fn}`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
