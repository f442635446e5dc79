/**
 * @module Running headers, footers and page numbers ("page furniture").
 *
 * Only lines in the top or bottom `MARGIN_ZONE` of a page are candidates. A
 * candidate is furniture when
 * - it is a page number ("7", "- 7 -", "Page 7 of 20", "vii"), or
 * - the same text (digits ignored, so "Page 3" matches "Page 4") sits at the
 *   same height (±`Y_TOLERANCE` of the page height) on several pages: on at
 *   least `MIN_REPEATS` pages, or on every page of a shorter document.
 * The horizontal position is ignored on purpose: books alternate running heads
 * between left and right on facing pages.
 */
import type { Line } from "./lines.js";

/** Fraction of the page height at the top and at the bottom where furniture lives. */
const MARGIN_ZONE = 0.12;
const Y_TOLERANCE = 0.015;
const MIN_REPEATS = 3;

const PAGE_NUMBER =
  /^(?:page|p\.|seite|página|pagina)?\s*[-–—(|[]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—)|\]]?(?:\s*(?:of|\/|de|von)\s*\d{1,4})?$/i;

export interface FurniturePage {
  readonly lines: readonly Line[];
  readonly height: number;
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/\d+/g, "#").replace(/\s+/g, " ").trim();
}

/** True for a page-number line ("12", "Page 3 of 9", "- iv -"). */
export function isPageNumber(text: string): boolean {
  return PAGE_NUMBER.test(text.trim());
}

/**
 * The lines of each page that are running headers, footers or page numbers.
 *
 * @example findFurniture(pages).has(line) // true for "Page 3" at the bottom of page 3
 */
export function findFurniture(pages: readonly FurniturePage[]): Set<Line> {
  const furniture = new Set<Line>();
  const byText = new Map<string, { page: number; y: number; line: Line }[]>();
  pages.forEach((page, p) => {
    if (page.height <= 0) return;
    for (const line of page.lines) {
      const y = (line.y0 + line.y1) / 2 / page.height;
      if (y > MARGIN_ZONE && y < 1 - MARGIN_ZONE) continue;
      if (isPageNumber(line.text)) {
        furniture.add(line);
        continue;
      }
      const key = normalise(line.text);
      if (key.length === 0) continue;
      let group = byText.get(key);
      if (!group) {
        group = [];
        byText.set(key, group);
      }
      group.push({ page: p, y, line });
    }
  });
  const needed = Math.max(2, Math.min(MIN_REPEATS, pages.length));
  for (const group of byText.values()) {
    if (group.length < needed) continue;
    for (const entry of group) {
      const pagesThere = new Set<number>();
      for (const other of group) if (Math.abs(other.y - entry.y) <= Y_TOLERANCE) pagesThere.add(other.page);
      if (pagesThere.size >= needed) furniture.add(entry.line);
    }
  }
  return furniture;
}
