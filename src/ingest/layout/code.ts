/**
 * @module Code blocks: monospaced lines stacked closely together.
 *
 * A listing aligns its tokens in columns (keywords, then their arguments), so
 * left to itself the reading order would cut it into columns and the table
 * detector would take it for a table. Consecutive monospaced lines — on the
 * same row within `ROW_REACH_EM` font sizes of each other, or on rows at most
 * `ROW_GAP_EM` apart that overlap the block horizontally — are grouped first
 * and then handled as one unit, row by row.
 */
import type { Line } from "./lines.js";

const ROW_GAP_EM = 1.2;
const ROW_REACH_EM = 12;

interface Group {
  readonly lines: Line[];
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function sameRow(a: Line, b: Line): boolean {
  const h = Math.min(a.y1 - a.y0, b.y1 - b.y0);
  return h > 0 && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) >= 0.5 * h;
}

/** Rows top to bottom, each left to right. */
function rowOrder(lines: Line[]): Line[] {
  return lines.sort((a, b) => (sameRow(a, b) ? a.x0 - b.x0 : a.y0 + a.y1 - (b.y0 + b.y1)));
}

/**
 * The code blocks among a page's lines, and the lines left for the body.
 *
 * @example findCodeBlocks(lines).blocks[0]?.map((l) => l.text) // ["SELECT", "function_id,", "FROM", …]
 */
export function findCodeBlocks(lines: readonly Line[]): { blocks: Line[][]; body: Line[] } {
  const mono = lines.filter((l) => l.mono).sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1));
  if (mono.length === 0) return { blocks: [], body: [...lines] };
  const groups: Group[] = [];
  for (const line of mono) {
    const fs = Math.max(1, line.fontSize);
    const group = groups.find((g) => {
      const last = g.lines[g.lines.length - 1];
      if (last && sameRow(last, line))
        return line.x0 - g.x1 < ROW_REACH_EM * fs && g.x0 - line.x1 < ROW_REACH_EM * fs;
      return (
        line.y0 - g.y1 <= ROW_GAP_EM * fs &&
        line.y0 >= g.y0 &&
        Math.min(line.x1, g.x1) - Math.max(line.x0, g.x0) > -ROW_REACH_EM * fs
      );
    });
    if (group) {
      group.lines.push(line);
      group.x0 = Math.min(group.x0, line.x0);
      group.x1 = Math.max(group.x1, line.x1);
      group.y0 = Math.min(group.y0, line.y0);
      group.y1 = Math.max(group.y1, line.y1);
    } else groups.push({ lines: [line], x0: line.x0, x1: line.x1, y0: line.y0, y1: line.y1 });
  }
  const blocks = groups.map((g) => rowOrder(g.lines));
  const taken = new Set<Line>(mono);
  return { blocks, body: lines.filter((l) => !taken.has(l)) };
}
