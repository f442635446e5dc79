/**
 * @module XLSX/XLSM → blocks: exceljs reads the cells, this module finds the
 * tables in them.
 *
 * **Feeding exceljs safely.** exceljs unzips by itself (JSZip) and parses every
 * part it knows, drawings included — it crashes on some valid drawings
 * (one-cell anchors) and inflates media it does not need. So the package is
 * opened with `./zip.ts` (bomb checks), and exceljs gets a *repacked* package
 * holding only the workbook, its relationships, shared strings, styles and the
 * worksheets (renamed `sheetN.xml`, the names exceljs expects). Worksheet
 * relationships keep only hyperlinks; the elements that point at dropped parts
 * (`drawing`, `legacyDrawing`, `tableParts`, `picture`, `oleObjects`, `controls`)
 * are cut from the worksheet XML after `</sheetData>`, where no cell content
 * can be. Chartsheets are not passed on (they have no cells).
 *
 * **Tables in a sheet.** A sheet is a canvas, not a table: the regions are the
 * 4-connected components of non-empty cells (a merged range counts as filled
 * when its first cell has a value), as docling does; each becomes a TableBlock
 * over its bounding box, filled only with its own cells. Regions are ordered
 * by their first cell in row-major order. Then:
 * - a first row holding one value merged across the table ("Reading List"
 *   over the catalogue), or one value in the first column of a table of 3+
 *   columns whose next row is not numbers, is the table's **title**;
 * - a lone cell alone in its row, at most two empty rows above a table of 2+
 *   columns and within its columns, is that table's title too (a title row
 *   separated by a blank line; docling keeps it as a 1×1 table);
 * - the first row is the **header**; when it is all numbers the header is
 *   generated (`column_1`…) and every row is data;
 * - **merged cells**: a vertical merge repeats its value in every row it
 *   covers; a horizontal merge repeats it in the header row only.
 *
 * **Values**: formulas → their cached results; dates → ISO 8601 (date only at
 * midnight, time only for times of day); percentages formatted as shown;
 * other numbers up to 15 significant digits (Excel's precision); rich text
 * flattened; hyperlinks → their text; errors → the error code.
 *
 * Each sheet with content starts with a HeadingBlock (level 1) named after
 * the sheet; empty sheets contribute nothing.
 *
 * **Size**: exceljs keeps every cell in memory, so before loading, the
 * worksheets' non-empty `<row>` elements are counted; more than twice
 * `maxRows` (plus 1,000) is refused as too many rows without loading. The
 * exact count of body rows is checked after the regions are built.
 */
import ExcelJS from "exceljs";
import { type Zippable, zipSync } from "fflate";
import type { Block, TableBlock } from "../types.js";
import { attr, child, children, mainPart, readXml, relAttr, relationships } from "./xml.js";
import type { ZipArchive } from "./zip.js";

/** One worksheet of the workbook, in tab order. */
interface SheetRef {
  readonly name: string;
  readonly part: string;
}

/** The worksheets (not chartsheets) of a workbook and the parts exceljs needs. */
function workbookParts(zip: ZipArchive): { workbook: string; sheets: SheetRef[] } | undefined {
  const workbook = mainPart(zip, "xl/workbook.xml");
  const root = readXml(zip, workbook);
  if (!root) return undefined;
  const rels = relationships(zip, workbook);
  const sheets: SheetRef[] = [];
  for (const sheet of children(child(root, "sheets") ?? root, "sheet")) {
    const rel = rels.get(relAttr(sheet) ?? "");
    if (!rel || rel.external || rel.type !== "worksheet" || !zip.has(rel.target)) continue;
    sheets.push({ name: attr(sheet, "name") ?? `Sheet${sheets.length + 1}`, part: rel.target });
  }
  return { workbook, sheets };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

function relsXml(rels: readonly { id: string; type: string; target: string; external?: boolean }[]): string {
  const items = rels
    .map(
      (r) =>
        `<Relationship Id="${escapeXml(r.id)}" Type="${escapeXml(r.type)}" Target="${escapeXml(r.target)}"${r.external ? ' TargetMode="External"' : ""}/>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${items}</Relationships>`;
}

const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
/** A `<row>` element that is not self-closing (it has cells). */
const ROW_WITH_CELLS = /<(?:\w+:)?row\b[^>]*[^/]>/g;
/** Rows exceljs may load per allowed table row: styled empty rows and header/title rows are not table rows. */
const ROW_SLACK = 2;
/** Worksheet elements that point at parts the repacked package leaves out. */
const DANGLING =
  /<(?:\w+:)?(drawing|legacyDrawing|legacyDrawingHF|picture|tableParts|oleObjects|controls)\b[^>]*?(?:\/>|>[\s\S]*?<\/(?:\w+:)?\1>)/g;

/** The worksheet XML with the elements pointing at dropped parts removed (only after the cells). */
function sanitizeSheet(xml: string): string {
  const end = xml.lastIndexOf("</sheetData>");
  if (end < 0) return xml;
  return xml.slice(0, end) + xml.slice(end).replace(DANGLING, "");
}

/**
 * The slim package exceljs reads (see the module comment), and the sheet names
 * in order.
 */
function slimWorkbook(zip: ZipArchive): { bytes: Uint8Array; sheets: string[]; rowTags: number } | undefined {
  const parts = workbookParts(zip);
  if (!parts) return undefined;
  const encoder = new TextEncoder();
  const files: Record<string, Uint8Array> = {};
  const copy = (from: string, to: string): void => {
    const data = zip.read(from);
    if (data) files[to] = data;
  };
  if (zip.has("[Content_Types].xml")) copy("[Content_Types].xml", "[Content_Types].xml");
  files["_rels/.rels"] = encoder.encode(
    relsXml([{ id: "rId1", type: `${REL}/officeDocument`, target: "xl/workbook.xml" }]),
  );
  copy(parts.workbook, "xl/workbook.xml");
  const workbookRels: { id: string; type: string; target: string }[] = [];
  const original = relationships(zip, parts.workbook);
  for (const rel of original.values()) {
    if (rel.type === "sharedStrings" && zip.has(rel.target)) {
      copy(rel.target, "xl/sharedStrings.xml");
      workbookRels.push({ id: rel.id, type: `${REL}/sharedStrings`, target: "sharedStrings.xml" });
    } else if (rel.type === "styles" && zip.has(rel.target)) {
      copy(rel.target, "xl/styles.xml");
      workbookRels.push({ id: rel.id, type: `${REL}/styles`, target: "styles.xml" });
    }
  }
  let rowTags = 0;
  parts.sheets.forEach((sheet, i) => {
    const id = [...original.values()].find((r) => r.target === sheet.part)?.id ?? `rIdSheet${i + 1}`;
    const name = `sheet${i + 1}.xml`;
    workbookRels.push({ id, type: `${REL}/worksheet`, target: `worksheets/${name}` });
    const xml = zip.text(sheet.part);
    if (xml !== undefined) {
      rowTags += xml.match(ROW_WITH_CELLS)?.length ?? 0;
      files[`xl/worksheets/${name}`] = encoder.encode(sanitizeSheet(xml));
    }
    const links = [...relationships(zip, sheet.part).values()].filter((r) => r.type === "hyperlink");
    files[`xl/worksheets/_rels/${name}.rels`] = encoder.encode(
      relsXml(
        links.map((r) => ({ id: r.id, type: `${REL}/hyperlink`, target: r.target, external: r.external })),
      ),
    );
  });
  files["xl/_rels/workbook.xml.rels"] = encoder.encode(relsXml(workbookRels));
  // Stored, not compressed: the data was already inflated within the limits.
  const stored = Object.fromEntries(
    Object.entries(files).map(([name, data]) => [name, [data, { level: 0 }]]),
  );
  return { bytes: zipSync(stored as Zippable), sheets: parts.sheets.map((s) => s.name), rowTags };
}

// ---- values ---------------------------------------------------------------

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/**
 * A date as ISO 8601: the date alone at midnight, the time alone for a time of
 * day (Excel stores times as dates in 1899/1900), both otherwise.
 *
 * @example isoDate(new Date(Date.UTC(2024, 0, 5))) === "2024-01-05"
 */
export function isoDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return "";
  const day = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const seconds = date.getUTCSeconds() + date.getUTCMilliseconds() / 1000;
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(Math.round(seconds) % 60)}`;
  if (date.getUTCFullYear() < 1900) return time;
  return time === "00:00:00" ? day : `${day}T${time}`;
}

function formatNumber(n: number, numFmt: string | undefined): string {
  if (!Number.isFinite(n)) return String(n);
  const format = (numFmt ?? "").replace(/"[^"]*"|\[[^\]]*]/g, "");
  if (format.includes("%")) {
    const decimals = /\.(0+)/.exec(format)?.[1]?.length ?? 0;
    return `${(n * 100).toFixed(decimals)}%`;
  }
  return String(Number(n.toPrecision(15)));
}

/**
 * The text of an exceljs cell value (see the module comment for the rules).
 *
 * @example cellText({ formula: "A1+1", result: 3 }) === "3"
 */
export function cellText(value: ExcelJS.CellValue | undefined, numFmt?: string): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatNumber(value, numFmt);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return isoDate(value);
  if (typeof value === "object") {
    if ("richText" in value && Array.isArray(value.richText))
      return value.richText.map((r) => r.text ?? "").join("");
    if ("error" in value && typeof value.error === "string") return value.error;
    if ("formula" in value || "sharedFormula" in value) {
      const result = (value as { result?: unknown }).result;
      if (result && typeof result === "object" && "error" in result)
        return String((result as { error: unknown }).error);
      return cellText(result as ExcelJS.CellValue, numFmt);
    }
    if ("text" in value) {
      const text = (value as { text: unknown }).text;
      return typeof text === "string" ? text : cellText(text as ExcelJS.CellValue, numFmt);
    }
  }
  return "";
}

// ---- regions --------------------------------------------------------------

/** A filled cell: its text (merged children carry their master's text). */
interface Cell {
  readonly text: string;
  /** The merge it belongs to, when merged. */
  readonly merge?: Merge;
}

interface Merge {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

interface Region {
  readonly cells: Map<number, Map<number, Cell>>;
  top: number;
  left: number;
  bottom: number;
  right: number;
  /** Row-major position of the first cell. */
  readonly first: readonly [number, number];
}

function parseRange(range: string): Merge | undefined {
  const m = /^\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)$/i.exec(range.trim());
  if (!m) return undefined;
  const col = (letters: string): number =>
    [...letters.toUpperCase()].reduce((n, ch) => n * 26 + (ch.charCodeAt(0) - 64), 0);
  const a = { r: Number(m[2]), c: col(m[1] ?? "A") };
  const b = { r: Number(m[4]), c: col(m[3] ?? "A") };
  return {
    top: Math.min(a.r, b.r),
    left: Math.min(a.c, b.c),
    bottom: Math.max(a.r, b.r),
    right: Math.max(a.c, b.c),
  };
}

/** The filled cells of a worksheet: row → column → cell. */
function sheetCells(ws: ExcelJS.Worksheet): Map<number, Map<number, Cell>> {
  const grid = new Map<number, Map<number, Cell>>();
  const set = (r: number, c: number, cell: Cell): void => {
    let row = grid.get(r);
    if (!row) {
      row = new Map();
      grid.set(r, row);
    }
    row.set(c, cell);
  };
  const merges: Merge[] = [];
  for (const range of (ws.model as { merges?: string[] }).merges ?? []) {
    const merge = parseRange(range);
    if (merge) merges.push(merge);
  }
  const mergeAt = new Map<string, Merge>();
  for (const m of merges) mergeAt.set(`${m.top}:${m.left}`, m);
  const covered = new Set<string>();
  for (const m of merges) {
    for (let r = m.top; r <= m.bottom; r++)
      for (let c = m.left; c <= m.right; c++) if (r !== m.top || c !== m.left) covered.add(`${r}:${c}`);
  }
  ws.eachRow({ includeEmpty: false }, (row, r) => {
    row.eachCell({ includeEmpty: false }, (cell, c) => {
      if (covered.has(`${r}:${c}`)) return;
      const text = cellText(cell.value, cell.numFmt).trim();
      if (!text) return;
      const merge = mergeAt.get(`${r}:${c}`);
      if (!merge) {
        set(r, c, { text });
        return;
      }
      for (let rr = merge.top; rr <= merge.bottom; rr++) {
        for (let cc = merge.left; cc <= merge.right; cc++) set(rr, cc, { text, merge });
      }
    });
  });
  return grid;
}

/** 4-connected components of the filled cells, ordered by their first cell (row-major). */
function findRegions(grid: Map<number, Map<number, Cell>>): Region[] {
  const seen = new Set<string>();
  const regions: Region[] = [];
  const rows = [...grid.keys()].sort((a, b) => a - b);
  for (const r0 of rows) {
    const cols = [...(grid.get(r0)?.keys() ?? [])].sort((a, b) => a - b);
    for (const c0 of cols) {
      if (seen.has(`${r0}:${c0}`)) continue;
      const region: Region = { cells: new Map(), top: r0, left: c0, bottom: r0, right: c0, first: [r0, c0] };
      const stack: [number, number][] = [[r0, c0]];
      seen.add(`${r0}:${c0}`);
      while (stack.length > 0) {
        const [r, c] = stack.pop() as [number, number];
        const cell = grid.get(r)?.get(c);
        if (!cell) continue;
        let row = region.cells.get(r);
        if (!row) {
          row = new Map();
          region.cells.set(r, row);
        }
        row.set(c, cell);
        region.top = Math.min(region.top, r);
        region.bottom = Math.max(region.bottom, r);
        region.left = Math.min(region.left, c);
        region.right = Math.max(region.right, c);
        for (const [dr, dc] of [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ] as const) {
          const key = `${r + dr}:${c + dc}`;
          if (!seen.has(key) && grid.get(r + dr)?.has(c + dc)) {
            seen.add(key);
            stack.push([r + dr, c + dc]);
          }
        }
      }
      regions.push(region);
    }
  }
  return regions;
}

const NUMERIC = /^[-+]?(?:\d+(?:[.,]\d+)*|\d*[.,]\d+)(?:[eE][-+]?\d+)?%?$/;

function isLoneCell(region: Region): boolean {
  if (region.top !== region.bottom) return false;
  const texts = new Set([...(region.cells.get(region.top)?.values() ?? [])].map((c) => c.text));
  return texts.size === 1;
}

/** True when the region's top row is one merged cell spanning several columns. */
function mergedTopRow(region: Region): boolean {
  const cells = [...(region.cells.get(region.top)?.values() ?? [])];
  const merge = cells[0]?.merge;
  return merge !== undefined && merge.right > merge.left && cells.every((c) => c.merge === merge);
}

/** Region → grid of texts with the merge policy applied (see the module comment). */
function regionGrid(region: Region): string[][] {
  const grid: string[][] = [];
  for (let r = region.top; r <= region.bottom; r++) {
    const row: string[] = [];
    const cells = region.cells.get(r);
    for (let c = region.left; c <= region.right; c++) {
      const cell = cells?.get(c);
      if (!cell) {
        row.push("");
        continue;
      }
      const m = cell.merge;
      // Body rows: a horizontal merge keeps its text in its first column only.
      const hidden = m !== undefined && c > Math.max(m.left, region.left) && r > region.top;
      row.push(hidden ? "" : cell.text);
    }
    grid.push(row);
  }
  return grid.filter((row) => row.some((t) => t !== ""));
}

/** A region's grid → TableBlock: title row, header row or generated header. */
function regionTable(
  grid: string[][],
  title: string | undefined,
  mergedTop: boolean,
): TableBlock | undefined {
  let rows = grid;
  let tableTitle = title;
  const first = rows[0];
  const second = rows[1];
  const width = first?.length ?? 0;
  // One value on top of a wider table: merged across it, or in the first column of a table of 3+ columns
  // whose next row is a header rather than data (a 2-column header with one empty cell is not a title).
  if (
    first &&
    second &&
    width >= 2 &&
    new Set(first.filter((t) => t !== "")).size === 1 &&
    second.filter((t) => t !== "").length >= 2 &&
    (mergedTop || (width >= 3 && first[0] !== "" && !second.every((t) => t === "" || NUMERIC.test(t))))
  ) {
    const text = first.find((t) => t !== "") ?? "";
    tableTitle = tableTitle ? `${tableTitle} — ${text}` : text;
    rows = rows.slice(1);
  }
  // Columns empty in every remaining row (e.g. under a title merged wider than the table) go.
  const keep = Array.from({ length: width }, (_, c) => rows.some((r) => (r[c] ?? "") !== ""));
  rows = rows.map((r) => r.filter((_, c) => keep[c]));
  const head = rows[0];
  if (!head) return undefined;
  const generated = head.every((t) => t === "" || NUMERIC.test(t)) && head.some((t) => t !== "");
  const header = generated ? head.map((_, i) => `column_${i + 1}`) : head;
  const body = generated ? rows : rows.slice(1);
  return { kind: "table", ...(tableTitle ? { title: tableTitle } : {}), header, rows: body };
}

/**
 * Lone cells at most two empty rows above a region, within its columns and
 * alone in their row, become its title.
 */
function attachTitles(regions: Region[]): { titles: Map<Region, string>; used: Set<Region> } {
  const titles = new Map<Region, string>();
  const used = new Set<Region>();
  for (const region of regions) {
    if (isLoneCell(region)) continue;
    const candidate = regions.find(
      (other) =>
        other !== region &&
        !used.has(other) &&
        isLoneCell(other) &&
        other.bottom < region.top &&
        region.top - other.bottom <= 3 &&
        other.left >= region.left &&
        other.left <= region.right &&
        region.right > region.left,
    );
    if (!candidate) continue;
    // Nothing else may sit between the title and the table.
    const between = regions.some(
      (other) =>
        other !== candidate &&
        other !== region &&
        other.top > candidate.bottom &&
        other.top < region.top &&
        other.right >= region.left &&
        other.left <= region.right,
    );
    // A label with other content beside it is a row label, not a title.
    const beside = regions.some(
      (other) => other !== candidate && other.top <= candidate.bottom && other.bottom >= candidate.top,
    );
    if (between || beside) continue;
    used.add(candidate);
    titles.set(region, [...(candidate.cells.get(candidate.top)?.values() ?? [])][0]?.text ?? "");
  }
  return { titles, used };
}

export interface XlsxContent {
  readonly blocks: Block[];
  readonly rows: number;
}

/**
 * Load a slim workbook with exceljs and turn every worksheet into a heading
 * and its tables. `maxRows` stops early (the caller reports LIMIT_EXCEEDED).
 *
 * @example const { blocks } = await readXlsx(openZip(bytes), 200_000);
 */
export async function readXlsx(zip: ZipArchive, maxRows: number): Promise<XlsxContent | undefined> {
  const slim = slimWorkbook(zip);
  if (!slim) return undefined;
  // exceljs holds every cell in memory: refuse clearly oversized sheets before loading them.
  if (slim.rowTags > ROW_SLACK * maxRows + 1000) return { blocks: [], rows: slim.rowTags };
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(slim.bytes as unknown as ArrayBuffer);
  const blocks: Block[] = [];
  let rowCount = 0;
  for (const ws of workbook.worksheets) {
    const regions = findRegions(sheetCells(ws));
    const { titles, used } = attachTitles(regions);
    const tables: TableBlock[] = [];
    for (const region of regions) {
      if (used.has(region)) continue;
      const table = regionTable(regionGrid(region), titles.get(region), mergedTopRow(region));
      if (!table) continue;
      rowCount += table.rows.length;
      if (rowCount > maxRows) return { blocks, rows: rowCount };
      tables.push(table);
    }
    if (tables.length === 0) continue;
    blocks.push({ kind: "heading", level: 1, text: ws.name });
    blocks.push(...tables);
  }
  return { blocks, rows: rowCount };
}
