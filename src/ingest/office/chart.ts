/**
 * @module DrawingML charts (`c:chartSpace` parts of DOCX/PPTX): the title and
 * the data the chart was drawn from, as a figure plus a table.
 *
 * A chart part caches its data next to the formulas that point into the
 * embedded workbook (`c:strCache`/`c:numCache`), so the numbers are available
 * without opening the workbook: categories are the rows, series the columns.
 * The figure says what kind of chart it is ("Bar chart"); the table carries
 * the numbers, which is what a question about a chart needs.
 */
import type { FigureBlock, TableBlock } from "../types.js";
import { attr, child, children, descendants, nameOf, path, readXml, textOf, type XmlElement } from "./xml.js";
import type { ZipArchive } from "./zip.js";

export interface ChartContent {
  readonly figure: FigureBlock;
  readonly table?: TableBlock;
}

const KINDS: Readonly<Record<string, string>> = {
  barChart: "Bar chart",
  bar3DChart: "Bar chart",
  lineChart: "Line chart",
  line3DChart: "Line chart",
  pieChart: "Pie chart",
  pie3DChart: "Pie chart",
  doughnutChart: "Doughnut chart",
  areaChart: "Area chart",
  area3DChart: "Area chart",
  scatterChart: "Scatter chart",
  bubbleChart: "Bubble chart",
  radarChart: "Radar chart",
  stockChart: "Stock chart",
  surfaceChart: "Surface chart",
  surface3DChart: "Surface chart",
  ofPieChart: "Pie chart",
};

/** The cached points of a `c:cat`/`c:val`/`c:tx` reference, by index. */
function cachedPoints(el: XmlElement | undefined): string[] {
  const points: string[] = [];
  if (!el) return points;
  const cache =
    descendants(el, "strCache")[0] ?? descendants(el, "numCache")[0] ?? descendants(el, "strLit")[0];
  const source = cache ?? descendants(el, "numLit")[0];
  if (source) {
    for (const pt of children(source, "pt")) {
      const idx = Number(attr(pt, "idx") ?? points.length);
      points[idx] = child(pt, "v")?.textContent?.trim() ?? "";
    }
    return points;
  }
  // Multi-level categories: the innermost level.
  const level = descendants(el, "lvl")[0];
  if (level)
    for (const pt of children(level, "pt"))
      points[Number(attr(pt, "idx") ?? points.length)] = child(pt, "v")?.textContent?.trim() ?? "";
  return points;
}

/**
 * Read a chart part.
 *
 * @example const chart = readChart(zip, "ppt/charts/chart1.xml"); chart?.figure.caption // "Wild Duck Observations by Year"
 */
export function readChart(zip: ZipArchive, part: string): ChartContent | undefined {
  const root = readXml(zip, part);
  const chart = child(root, "chart");
  if (!chart) return undefined;
  const titleEl = child(chart, "title");
  const title = titleEl ? textOf(titleEl, "t").trim() : "";
  const plot = child(chart, "plotArea");
  const kinds = new Set<string>();
  const series: { name: string; values: string[]; categories: string[] }[] = [];
  for (const group of plot ? children(plot) : []) {
    const kind = KINDS[nameOf(group)];
    if (!kind) continue;
    kinds.add(kind);
    for (const ser of children(group, "ser")) {
      const name = cachedPoints(child(ser, "tx")).join(" ").trim() || attr(path(ser, "tx", "v"), "val") || "";
      const values = cachedPoints(child(ser, "val") ?? child(ser, "yVal"));
      const categories = cachedPoints(child(ser, "cat") ?? child(ser, "xVal"));
      series.push({ name: name || `Series ${series.length + 1}`, values, categories });
    }
  }
  const kind = [...kinds].join(", ") || "Chart";
  const figure: FigureBlock = {
    kind: "figure",
    ...(title ? { caption: title } : {}),
    text: series.length > 0 ? `${kind}: ${series.map((s) => s.name).join(", ")}` : kind,
  };
  const categories = series.find((s) => s.categories.length > 0)?.categories ?? [];
  const length = Math.max(categories.length, ...series.map((s) => s.values.length), 0);
  if (series.length === 0 || length === 0) return { figure };
  const rows = Array.from({ length }, (_, i) => [
    categories[i] ?? "",
    ...series.map((s) => s.values[i] ?? ""),
  ]);
  const table: TableBlock = {
    kind: "table",
    ...(title ? { title } : {}),
    header: ["", ...series.map((s) => s.name)],
    rows,
  };
  return { figure, table };
}
