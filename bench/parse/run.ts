/**
 * @module Parse benchmark: how fast our PDF parse + chunk runs compared with
 * poppler's `pdftotext` and with raw pdf.js text extraction, on the same PDF in
 * the same run; plus one DOCX and one XLSX line when those parsers exist.
 *
 * Run: npx tsx bench/parse/run.ts [--pages N] [--runs R] [--file some.pdf] [--no-office] [--tsx] [--keep-build]
 * (details and measured figures: bench/parse/README.md)
 *
 * Default input: ../shared/eval/documents/pdf/DA-619p.pdf (619 pages). `--pages N`
 * keeps the first N pages (copied with pdf-lib into a temporary PDF that every
 * variant reads). The project is first compiled with tsc into node_modules/.cache
 * (`--tsx`: skip that and run the children under tsx, which inflates RSS and start-up).
 * Each measured run of a Node variant happens in a fresh child process (the compiled
 * script with `--child`, plain `node`), so the peak RSS (`process.resourceUsage().maxRSS`)
 * belongs to that variant alone; the best (fastest) of R runs is reported, with the
 * highest peak RSS seen over the runs. Timings exclude process start and module
 * loading; they include reading the file and everything the variant does with it.
 *
 * Variants:
 *  - pdftotext: `pdftotext <file> <out.txt>` (poppler, native, whole file), timed
 *    around the child process; peak RSS via /usr/bin/time when present.
 *  - pdf.js: `getDocument` (legacy build, standard fonts, CMaps and wasm configured,
 *    fake worker = one thread) then `getTextContent` on every page.
 *  - pdf.js + getOperatorList: the same plus `getOperatorList` on every page (what a
 *    parser that also reads ruling lines and images pays in pdf.js alone).
 *  - parse: `pdfParser.parse` alone (src/ingest/parsers/pdf.ts; it may read long
 *    documents with more than one thread, see src/ingest/pdf/parallel.ts).
 *  - processDocument "none" / "full": `processDocument` (parse → chunk → [enrich] → X-Ray)
 *    with a registry holding only the pdf parser, processLevel "none" / "full".
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import {
  DEFAULT_PARSE_LIMITS,
  type ParsedDocument,
  type Parser,
  type SourceFormat,
} from "../../src/ingest/types.js";

const EVAL = path.resolve(import.meta.dirname, "../../../shared/eval");
const DEFAULT_PDF = path.join(EVAL, "documents/pdf/DA-619p.pdf");
const DOCX_FILE = path.join(EVAL, "documents/handbook-872p.docx");
/** Rows × columns of the synthetic workbook of the XLSX line. */
const XLSX_ROWS = 20_000;
const XLSX_COLS = 8;

type Variant = "pdfjs" | "pdfjs-ops" | "parse" | "none" | "full" | "docx" | "xlsx";

/** What a child reports (one JSON line on stdout). */
interface ChildResult {
  readonly seconds: number;
  /** CPU time (user + system) of the process over the measured work, all its threads. */
  readonly cpuSeconds: number;
  /** Pages (PDF/DOCX), or rows for the XLSX line. */
  readonly units: number;
  readonly chars: number;
  readonly chunks?: number;
  readonly tables?: number;
  /** True when the parser handed back a PDF made by LibreOffice (conversion included in the time). */
  readonly converted?: boolean;
  /** RSS after loading the modules and reading the input, before the work (bytes). */
  readonly baselineRss: number;
  /** process.resourceUsage().maxRSS, in bytes. */
  readonly peakRss: number;
}

const PARSERS: Record<"pdf" | "docx" | "xlsx", { module: string; exportName: string }> = {
  pdf: { module: "pdf", exportName: "pdfParser" },
  docx: { module: "docx", exportName: "docxParser" },
  xlsx: { module: "xlsx", exportName: "xlsxParser" },
};

/**
 * One of our parsers, or undefined when its module does not exist (yet).
 *
 * @example const pdf = await loadParser("pdf"); if (pdf) await pdf.parse(bytes, context)
 */
async function loadParser(kind: keyof typeof PARSERS): Promise<Parser | undefined> {
  const { module, exportName } = PARSERS[kind];
  const base = path.resolve(import.meta.dirname, `../../src/ingest/parsers/${module}`);
  // .ts under tsx, .js in the compiled copy the children run from.
  if (!fs.existsSync(`${base}.ts`) && !fs.existsSync(`${base}.js`)) return undefined;
  // A variable specifier: the module may not exist when this script is type-checked.
  const specifier = `../../src/ingest/parsers/${module}.js`;
  const loaded = (await import(specifier)) as Record<string, unknown>;
  const parser = loaded[exportName] as Parser | undefined;
  if (!parser || typeof parser.parse !== "function") {
    throw new Error(`src/ingest/parsers/${module}.ts does not export ${exportName}`);
  }
  return parser;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// ---------------------------------------------------------------- child side

/** pdf.js on every page: `getTextContent`, and with `operators` also `getOperatorList` (what a layout needs). */
async function pdfjsPages(bytes: Uint8Array, operators: boolean): Promise<{ pages: number; chars: number }> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const root = path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));
  const doc = await pdfjs.getDocument({
    data: bytes,
    standardFontDataUrl: `${root}/standard_fonts/`,
    cMapUrl: `${root}/cmaps/`,
    cMapPacked: true,
    wasmUrl: `${root}/wasm/`,
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
  let chars = 0;
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    if (operators) await page.getOperatorList({ annotationMode: pdfjs.AnnotationMode.DISABLE });
    const content = await page.getTextContent();
    for (const item of content.items) if ("str" in item) chars += item.str.length;
    page.cleanup();
  }
  const pages = doc.numPages;
  await doc.destroy();
  return { pages, chars };
}

/**
 * Load pdf.js and its worker module ahead of the measurement. pdf.js in Node runs its
 * "worker" on the main thread and imports pdf.worker.mjs lazily at the first
 * `getDocument`; with the module on `globalThis.pdfjsWorker` it uses it directly.
 * (Under tsx, that lazy import alone costs ~1.5 s and ~200 MB of RSS.)
 */
async function preloadPdfjs(): Promise<void> {
  await import("pdfjs-dist/legacy/build/pdf.mjs");
  const workerModule = "pdfjs-dist/legacy/build/pdf.worker.mjs"; // untyped: imported by name
  const worker: unknown = await import(workerModule);
  (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
}

/** Our pipeline on one file: processDocument (or the bare parser), recording what the parser returned. */
async function ours(
  parser: Parser,
  bytes: Uint8Array,
  fileName: string,
  format: SourceFormat,
  mode: "parse" | "none" | "full",
): Promise<{ parsed: ParsedDocument; chars: number; chunks?: number }> {
  const context = { fileName, format, limits: DEFAULT_PARSE_LIMITS };
  if (mode === "parse") {
    const parsed = await parser.parse(bytes, context);
    let chars = 0;
    for (const block of parsed.blocks) {
      if (block.kind === "table") chars += [...block.header, ...block.rows.flat()].join(" ").length;
      else if (block.kind === "figure") chars += (block.text ?? "").length;
      else chars += block.text.length;
    }
    return { parsed, chars };
  }
  const { createParserRegistry } = await import("../../src/ingest/parsers/index.js");
  const { processDocument } = await import("../../src/ingest/process.js");
  let parsed: ParsedDocument | undefined;
  const recording: Parser = {
    name: parser.name,
    formats: parser.formats,
    parse: async (b, c) => {
      parsed = await parser.parse(b, c);
      return parsed;
    },
  };
  const result = await processDocument({
    bytes,
    fileName,
    format,
    processLevel: mode,
    limits: DEFAULT_PARSE_LIMITS,
    chunkIdPrefix: "bench0",
    registry: createParserRegistry([recording]),
  });
  if (!parsed) throw new Error("the parser was not called");
  return { parsed, chars: result.chunks.text.length, chunks: result.chunks.chunks.length };
}

/** A deterministic workbook of XLSX_ROWS × XLSX_COLS (header row + numbers, dates and words). */
async function syntheticWorkbook(): Promise<Uint8Array> {
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Data");
  sheet.addRow(Array.from({ length: XLSX_COLS }, (_, c) => `Field ${c + 1}`));
  const words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
  for (let r = 0; r < XLSX_ROWS; r++) {
    sheet.addRow(
      Array.from({ length: XLSX_COLS }, (_, c) =>
        c % 3 === 0
          ? r * XLSX_COLS + c
          : c % 3 === 1
            ? `${words[(r + c) % words.length]} ${r}`
            : (r * 7 + c) / 4,
      ),
    );
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

async function child(variant: Variant, file: string): Promise<ChildResult> {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const kind = variant === "docx" ? "docx" : variant === "xlsx" ? "xlsx" : "pdf";
  const raw = variant === "pdfjs" || variant === "pdfjs-ops";
  const parser = raw ? undefined : await loadParser(kind);
  if (!raw && !parser) throw new Error(`no ${kind} parser (src/ingest/parsers/${kind}.ts)`);
  // Module loading is not part of the measurement (imports are cached for the run).
  if (!raw) await import("../../src/ingest/process.js");
  if (kind === "pdf") await preloadPdfjs();
  const baselineRss = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let result: Omit<ChildResult, "seconds" | "cpuSeconds" | "baselineRss" | "peakRss">;
  if (raw) {
    const { pages, chars } = await pdfjsPages(bytes, variant === "pdfjs-ops");
    result = { units: pages, chars };
  } else {
    const mode = variant === "parse" || variant === "none" || variant === "full" ? variant : "none";
    const format: SourceFormat = kind;
    const run = await ours(parser as Parser, bytes, path.basename(file), format, mode);
    const tables = run.parsed.blocks.filter((b) => b.kind === "table");
    const units =
      variant === "xlsx"
        ? tables.reduce((n, t) => n + (t.kind === "table" ? t.rows.length : 0), 0)
        : (run.parsed.pages?.length ?? 0);
    result = {
      units,
      chars: run.chars,
      tables: tables.length,
      ...(run.chunks !== undefined ? { chunks: run.chunks } : {}),
      ...(run.parsed.pagesPdf ? { converted: true } : {}),
    };
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { ...result, seconds, cpuSeconds, baselineRss, peakRss: process.resourceUsage().maxRSS * 1024 };
}

// ---------------------------------------------------------------- parent side

interface Measured {
  readonly label: string;
  readonly best?: ChildResult;
  readonly peakRss?: number;
  readonly error?: string;
  readonly note?: string;
}

/**
 * The script the children run: the compiled copy with plain `node` (no execArgv), or
 * this file under the parent's loader (tsx) with `--tsx`.
 */
let childCommand: readonly string[] = [...process.execArgv, import.meta.filename];

function runChild(variant: Variant, file: string): ChildResult {
  const out = spawnSync(process.execPath, [...childCommand, "--child", variant, "--file", file], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = out.stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  if (out.status !== 0 || !line) {
    const reason = (out.stderr || out.stdout || `exit ${out.status}`)
      .trim()
      .split("\n")
      .slice(-3)
      .join(" | ");
    throw new Error(reason);
  }
  return JSON.parse(line) as ChildResult;
}

/** One thing to time: a Node variant in a child process, or pdftotext. */
interface Job {
  readonly label: string;
  readonly variant: Variant | "pdftotext";
  readonly file: string;
}

function pdftotextOnce(file: string): ChildResult {
  const out = path.join(os.tmpdir(), `bench-parse-${process.pid}.txt`);
  const timeBin = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
  try {
    const started = performance.now();
    const res = timeBin
      ? spawnSync(timeBin, ["-f", "rusage %M %U %S", "pdftotext", file, out], { encoding: "utf8" })
      : spawnSync("pdftotext", [file, out], { encoding: "utf8" });
    const seconds = (performance.now() - started) / 1000;
    if (res.error) throw res.error;
    if (res.status !== 0) throw new Error(`pdftotext exited ${res.status}: ${res.stderr}`);
    const usage = /rusage (\d+) ([\d.]+) ([\d.]+)/.exec(res.stderr);
    const text = fs.readFileSync(out, "utf8");
    return {
      seconds,
      cpuSeconds: usage ? Number(usage[2]) + Number(usage[3]) : Number.NaN,
      units: text.split("\f").length - 1,
      chars: text.length,
      baselineRss: 0,
      peakRss: usage ? Number(usage[1]) * 1024 : 0,
    };
  } finally {
    fs.rmSync(out, { force: true });
  }
}

/**
 * Run every job `runs` times, round-robin (run 1 of every job, then run 2, …), so a
 * change in machine load hits all variants alike; keep each job's fastest run and its
 * highest peak RSS. A job that fails once is not run again.
 */
/**
 * Compile the project with tsc into node_modules/.cache (so bare imports resolve from
 * the repo's node_modules) for the children to run with plain `node`: under tsx every
 * process and worker thread transpiles pdf.js on load (~300 MB of RSS, seconds of CPU).
 * Type errors elsewhere in the tree do not stop tsc from emitting; the files the
 * children need are checked. Returns the compiled script, or undefined (reason logged).
 */
function compileForChildren(outDir: string, log: (s: string) => void): string | undefined {
  const repo = path.resolve(import.meta.dirname, "../..");
  const tsc = path.join(repo, "node_modules/typescript/bin/tsc");
  fs.rmSync(outDir, { recursive: true, force: true });
  log(`compiling the project into ${path.relative(repo, outDir)} (tsc)…`);
  const args = ["-p", "tsconfig.json", "--outDir", outDir, "--noEmit", "false", "--sourceMap", "false"];
  const res = spawnSync(process.execPath, [tsc, ...args], { cwd: repo, encoding: "utf8" });
  const script = path.join(outDir, "bench/parse/run.js");
  if (!fs.existsSync(script) || !fs.existsSync(path.join(outDir, "src/ingest/process.js"))) {
    log(`tsc emitted no usable build (exit ${res.status}); children run under tsx instead`);
    return undefined;
  }
  if (res.status !== 0) log(`tsc reported type errors (exit ${res.status}) but emitted; using the build`);
  return script;
}

function measureAll(jobs: readonly Job[], runs: number, log: (s: string) => void): Measured[] {
  const best = new Map<string, ChildResult>();
  const peak = new Map<string, number>();
  const errors = new Map<string, string>();
  for (let r = 0; r < runs; r++) {
    for (const job of jobs) {
      if (errors.has(job.label)) continue;
      try {
        const result =
          job.variant === "pdftotext" ? pdftotextOnce(job.file) : runChild(job.variant, job.file);
        log(
          `  ${job.label} run ${r + 1}/${runs}: ${result.seconds.toFixed(2)} s, CPU ${result.cpuSeconds.toFixed(2)} s, ` +
            `peak RSS ${mb(result.peakRss)}`,
        );
        const previous = best.get(job.label);
        if (!previous || result.seconds < previous.seconds) best.set(job.label, result);
        peak.set(job.label, Math.max(peak.get(job.label) ?? 0, result.peakRss));
      } catch (error) {
        errors.set(job.label, error instanceof Error ? error.message : String(error));
      }
    }
  }
  return jobs.map((job) => {
    const b = best.get(job.label);
    const error = errors.get(job.label);
    return {
      label: job.label,
      ...(b ? { best: b, peakRss: peak.get(job.label) ?? 0 } : {}),
      ...(error ? { error } : {}),
    };
  });
}

function mb(bytes: number | undefined): string {
  return bytes ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : "–";
}

/** The first `pages` pages of a PDF as a temporary file (pdf-lib), or the file itself. */
async function prepareInput(
  file: string,
  pages: number | undefined,
): Promise<{ file: string; pages: number }> {
  const { PDFDocument } = await import("pdf-lib");
  const source = await PDFDocument.load(fs.readFileSync(file), {
    ignoreEncryption: true,
    updateMetadata: false,
  });
  const total = source.getPageCount();
  if (!pages || pages >= total) return { file, pages: total };
  const out = await PDFDocument.create();
  const copied = await out.copyPages(
    source,
    Array.from({ length: pages }, (_, i) => i),
  );
  for (const page of copied) out.addPage(page);
  const target = path.join(os.tmpdir(), `bench-parse-${process.pid}-${pages}p.pdf`);
  fs.writeFileSync(target, await out.save());
  return { file: target, pages };
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) =>
        c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0),
      );
      const text = line.join("  ");
      return i === 0 ? `${text}\n${"-".repeat(text.length)}` : text;
    })
    .join("\n");
}

function pdfRows(measured: readonly Measured[], pages: number): string[][] {
  const [base, pdfjs] = measured;
  const rate = (m: Measured | undefined): number | undefined =>
    m?.best && m.best.seconds > 0 ? pages / m.best.seconds : undefined;
  const ratio = (m: Measured, to: Measured | undefined): string => {
    const a = rate(m);
    const b = rate(to);
    return a && b ? `${(a / b).toFixed(3)}×` : "–";
  };
  const header = ["variant", "pages", "s (best)", "CPU s", "pages/s", "× pdftotext", "× pdf.js"];
  const rows = [[...header, "RSS base", "RSS peak", "chars", "chunks"]];
  for (const m of measured) {
    const b = m.best;
    if (!b) {
      rows.push([m.label, "FAILED", "", "", "", "", "", "", "", "", ""]);
      continue;
    }
    rows.push([
      m.label,
      String(b.units),
      b.seconds.toFixed(2),
      Number.isNaN(b.cpuSeconds) ? "–" : b.cpuSeconds.toFixed(2),
      (rate(m) ?? 0).toFixed(1),
      ratio(m, base),
      ratio(m, pdfjs),
      b.baselineRss ? mb(b.baselineRss) : "–",
      mb(m.peakRss),
      String(b.chars),
      b.chunks !== undefined ? String(b.chunks) : "",
    ]);
  }
  return rows;
}

/** The DOCX and XLSX jobs that can run (their parser exists), and the rows of those that cannot. */
async function officeJobs(): Promise<{ jobs: Job[]; missing: string[][]; cleanup: () => void }> {
  const jobs: Job[] = [];
  const missing: string[][] = [];
  const files: string[] = [];
  if (await loadParser("docx").catch(() => undefined)) {
    jobs.push({ label: "docx handbook-872p.docx", variant: "docx", file: DOCX_FILE });
  } else missing.push(["docx", "–", "", "", "", "", "", "", "src/ingest/parsers/docx.ts does not exist yet"]);
  if (await loadParser("xlsx").catch(() => undefined)) {
    const workbook = path.join(os.tmpdir(), `bench-parse-${process.pid}-synthetic.xlsx`);
    fs.writeFileSync(workbook, await syntheticWorkbook());
    files.push(workbook);
    jobs.push({ label: `xlsx synthetic ${XLSX_ROWS}×${XLSX_COLS}`, variant: "xlsx", file: workbook });
  } else missing.push(["xlsx", "–", "", "", "", "", "", "", "src/ingest/parsers/xlsx.ts does not exist yet"]);
  return {
    jobs,
    missing,
    cleanup: () => {
      for (const f of files) fs.rmSync(f, { force: true });
    },
  };
}

function officeRows(measured: readonly Measured[], missing: readonly string[][]): string[][] {
  const rows = [
    ["variant", "units", "s (best)", "CPU s", "units/s", "RSS base", "RSS peak", "tables", "note"],
  ];
  for (const m of measured) {
    const b = m.best;
    if (!b) {
      rows.push([m.label, "FAILED", "", "", "", "", "", "", m.error ?? ""]);
      continue;
    }
    const docx = m.label.startsWith("docx");
    const units = docx ? (b.units ? `${b.units} pages` : "872 pages (nominal)") : `${b.units} rows`;
    const perSecond = ((docx ? b.units || 872 : b.units) / b.seconds).toFixed(docx ? 1 : 0);
    const note = docx
      ? b.converted
        ? "includes the LibreOffice conversion (soffice CPU/RSS not counted)"
        : "no LibreOffice conversion"
      : "workbook written by exceljs beforehand (not timed)";
    rows.push([
      m.label,
      units,
      b.seconds.toFixed(2),
      b.cpuSeconds.toFixed(2),
      perSecond,
      mb(b.baselineRss),
      mb(m.peakRss),
      String(b.tables ?? 0),
      note,
    ]);
  }
  return [...rows, ...missing];
}

async function main(): Promise<void> {
  const childVariant = arg("--child") as Variant | undefined;
  if (childVariant) {
    const result = await child(childVariant, arg("--file") ?? DEFAULT_PDF);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const source = arg("--file") ?? DEFAULT_PDF;
  const pagesArg = arg("--pages");
  const runs = Math.max(1, Number(arg("--runs") ?? 3));
  const log = (line: string): void => console.error(line);
  const input = await prepareInput(source, pagesArg ? Number(pagesArg) : undefined);
  const buildDir = path.resolve(import.meta.dirname, "../../node_modules/.cache/openground-bench-parse");
  const compiled = process.argv.includes("--tsx") ? undefined : compileForChildren(buildDir, log);
  if (compiled) childCommand = [compiled];
  const mode = compiled ? "compiled JS, plain node" : "TypeScript under tsx";
  log(`PDF: ${input.file} (${input.pages} pages), best of ${runs} runs, one child process per run (${mode})`);

  const pdfJobs: Job[] = [
    { label: "pdftotext (poppler)", variant: "pdftotext", file: input.file },
    { label: "pdf.js getTextContent", variant: "pdfjs", file: input.file },
    { label: "pdf.js + getOperatorList", variant: "pdfjs-ops", file: input.file },
  ];
  const hasPdfParser = (await loadParser("pdf").catch(() => undefined)) !== undefined;
  if (hasPdfParser) {
    pdfJobs.push(
      { label: "ours: pdfParser.parse", variant: "parse", file: input.file },
      { label: 'ours: processDocument "none"', variant: "none", file: input.file },
      { label: 'ours: processDocument "full"', variant: "full", file: input.file },
    );
  }
  const office = process.argv.includes("--no-office")
    ? { jobs: [], missing: [], cleanup: () => undefined }
    : await officeJobs();
  const measured = measureAll([...pdfJobs, ...office.jobs], runs, log);
  if (input.file !== source) fs.rmSync(input.file, { force: true });
  office.cleanup();
  if (compiled && !process.argv.includes("--keep-build"))
    fs.rmSync(buildDir, { recursive: true, force: true });

  const pdf = measured.slice(0, pdfJobs.length);
  if (!hasPdfParser)
    pdf.push({ label: "ours: pdf parser", error: "src/ingest/parsers/pdf.ts does not exist yet" });
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  const machine = `${os.cpus().length}× ${os.cpus()[0]?.model ?? "?"}, Node ${process.versions.node}, load ${load}; ${mode}`;
  console.log(`\nPDF ${path.basename(source)}, ${input.pages} pages (${machine})\n`);
  console.log(table(pdfRows(pdf, input.pages)));
  for (const m of pdf) if (m.error) console.log(`  ${m.label}: ${m.error}`);
  const base = pdf[0]?.best;
  const full = pdf.find((m) => m.label.endsWith('"full"'))?.best;
  if (full && base) {
    const r = base.seconds / full.seconds;
    const cpu = base.cpuSeconds / full.cpuSeconds;
    console.log(
      `\nprocessDocument "full" = ${r.toFixed(3)}× pdftotext by wall time (target ≥ 0.1×: ${r >= 0.1 ? "met" : "NOT met"}), ` +
        `${cpu.toFixed(3)}× by CPU time`,
    );
  }
  if (office.jobs.length + office.missing.length === 0) return;
  console.log('\nOffice (processDocument "none"; best of runs, one child process per run):\n');
  console.log(table(officeRows(measured.slice(pdfJobs.length), office.missing)));
}

await main();
