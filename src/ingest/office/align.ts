/**
 * @module Align structural blocks (from the Office XML) with the positioned
 * text of a PDF rendering of the same document, to give each block its page
 * and boxes.
 *
 * Both sides are reduced to a stream of normalised characters — NFKC, lower
 * case, letters and digits only — so spacing, punctuation, bullets, ligatures
 * and the way the PDF splits text into items (a word may be two items when
 * its formatting changes) do not matter. Every PDF character remembers the
 * text item it came from.
 *
 * Blocks are matched in order, monotonically: a block's text is searched
 * from the end of the previous match, within a look-ahead window (page
 * furniture such as headers, footers and page numbers is in the PDF but not
 * in the blocks, so some PDF text must be skippable; a block that is not in
 * the PDF at all must not drag the cursor far ahead). A match starts at an
 * anchor (a short exact substring of the block, tried from several offsets
 * of the block), then extends forwards and backwards character by character,
 * resynchronising over small differences (an inserted footnote marker, a
 * field rendered differently). A block is placed when at least half of its
 * characters were matched; otherwise it keeps no page and the cursor stays.
 *
 * The boxes of a block are the union of the rectangles of its matched items,
 * one box per page it spans.
 *
 * Figures have no text in the PDF (their alt text is not drawn); a figure
 * takes the first unused image region of the PDF between the blocks placed
 * before and after it (same page below the previous block, or the next
 * block's page above it) — on slides, the first unused image of its slide.
 */
import { toBox } from "../layout/geometry.js";
import type { PageContent, Rect } from "../layout/types.js";
import type { Block, Box } from "../types.js";
import { blockText } from "./blocks.js";

/** Characters of a block that must be found in the PDF for it to be placed. */
const MIN_COVERAGE = 0.5;
/** Anchor length (characters). */
const ANCHOR = 12;
/** How far past the cursor a block may start (characters), beyond the block's own length. */
const LOOK_AHEAD = 3000;
/** Resynchronisation: a probe of this many characters searched within this distance. */
const PROBE = 5;
const RESYNC = 60;

const KEEP = /[\p{L}\p{N}]/u;

/**
 * The comparison form of a text: NFKC, lower case, letters and digits only.
 *
 * @example normalizeForAlignment("FIrst – Item 1.") === "firstitem1"
 */
export function normalizeForAlignment(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFKC").toLowerCase()) if (KEEP.test(ch)) out += ch;
  return out;
}

interface Stream {
  /** Normalised characters of all pages. */
  readonly text: string;
  /** For each character: the index of its item in `items`. */
  readonly itemOf: Int32Array;
  readonly items: { readonly page: number; readonly rect: Rect }[];
}

function buildStream(pages: readonly PageContent[]): Stream {
  const parts: string[] = [];
  const owners: number[] = [];
  const items: { page: number; rect: Rect }[] = [];
  for (const page of pages) {
    for (const item of page.items) {
      const norm = normalizeForAlignment(item.text);
      if (!norm) continue;
      const index = items.length;
      items.push({ page: page.pageNumber, rect: item });
      parts.push(norm);
      // One owner per UTF-16 code unit, so indices line up with the string.
      for (let i = 0; i < norm.length; i++) owners.push(index);
    }
  }
  return { text: parts.join(""), itemOf: Int32Array.from(owners), items };
}

/** Matched positions of `target` in `stream`, forwards from (ti, si). */
function extend(
  target: string,
  ti: number,
  stream: string,
  si: number,
  limit: number,
  out: number[],
): number {
  let i = ti;
  let j = si;
  let last = si - 1;
  while (i < target.length && j < limit) {
    if (target[i] === stream[j]) {
      out.push(j);
      last = j;
      i++;
      j++;
      continue;
    }
    const probe = target.slice(i, i + PROBE);
    const found = probe.length > 0 ? stream.indexOf(probe, j) : -1;
    if (found >= 0 && found - j <= RESYNC && found < limit) {
      j = found;
      continue;
    }
    i++;
  }
  return last;
}

/** Matched positions going backwards from (ti - 1, si - 1), not before `floor`. */
function extendBack(
  target: string,
  ti: number,
  stream: string,
  si: number,
  floor: number,
  out: number[],
): void {
  let i = ti - 1;
  let j = si - 1;
  while (i >= 0 && j >= floor) {
    if (target[i] === stream[j]) {
      out.push(j);
      i--;
      j--;
      continue;
    }
    const probe = target.slice(Math.max(0, i - PROBE + 1), i + 1);
    const found = stream.lastIndexOf(probe, j - probe.length + 1);
    if (found >= floor && j - (found + probe.length - 1) <= RESYNC) {
      j = found + probe.length - 1;
      continue;
    }
    i--;
  }
}

/** Anchor offsets to try in a block: the start, then a few points spread over it. */
function anchorOffsets(length: number): number[] {
  const offsets = new Set<number>([0]);
  for (const fraction of [0.25, 0.5, 0.75]) offsets.add(Math.floor((length - ANCHOR) * fraction));
  offsets.add(Math.max(0, length - ANCHOR));
  return [...offsets].filter((o) => o >= 0 && o < length).sort((a, b) => a - b);
}

function boxesOf(
  stream: Stream,
  positions: readonly number[],
  pages: ReadonlyMap<number, PageContent>,
): Box[] {
  const byPage = new Map<number, Rect>();
  const seen = new Set<number>();
  for (const p of positions) {
    const index = stream.itemOf[p];
    if (index === undefined || seen.has(index)) continue;
    seen.add(index);
    const item = stream.items[index];
    if (!item) continue;
    const r = byPage.get(item.page);
    byPage.set(
      item.page,
      r
        ? {
            x0: Math.min(r.x0, item.rect.x0),
            y0: Math.min(r.y0, item.rect.y0),
            x1: Math.max(r.x1, item.rect.x1),
            y1: Math.max(r.y1, item.rect.y1),
          }
        : { x0: item.rect.x0, y0: item.rect.y0, x1: item.rect.x1, y1: item.rect.y1 },
    );
  }
  return [...byPage.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([page, rect]) => {
      const content = pages.get(page);
      return toBox(rect, page, content?.width ?? rect.x1, content?.height ?? rect.y1);
    });
}

/** The last box of the nearest placed block before `index`, and the first box of the nearest after. */
function neighbours(blocks: readonly Block[], index: number): { before?: Box; after?: Box } {
  let before: Box | undefined;
  let after: Box | undefined;
  for (let i = index - 1; i >= 0 && !before; i--) before = blocks[i]?.boxes?.at(-1);
  for (let i = index + 1; i < blocks.length && !after; i++) after = blocks[i]?.boxes?.[0];
  return { ...(before ? { before } : {}), ...(after ? { after } : {}) };
}

/** Slack (page pixels) when comparing an image with its neighbours' boxes. */
const SLACK = 8;
/** Image regions smaller than this (either side, page pixels) are decorations, not figures. */
const MIN_IMAGE = 24;

function placeFigures(
  blocks: Block[],
  pages: ReadonlyMap<number, PageContent>,
  fixedPages: boolean,
): Block[] {
  const used = new Set<Rect>();
  return blocks.map((block, index) => {
    if (block.kind !== "figure" || block.boxes?.length) return block;
    const { before, after } = neighbours(blocks, index);
    const candidates: { page: number; rect: Rect }[] = [];
    const consider = (page: number, fits: (r: Rect) => boolean): void => {
      const images = [...(pages.get(page)?.images ?? [])].sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
      for (const rect of images) {
        if (used.has(rect) || rect.x1 - rect.x0 < MIN_IMAGE || rect.y1 - rect.y0 < MIN_IMAGE) continue;
        if (fits(rect)) candidates.push({ page, rect });
      }
    };
    if (fixedPages && block.pageNumber !== undefined) {
      // A slide is not a flow of text: any image of the figure's own page will do.
      consider(block.pageNumber, () => true);
    } else if (before) {
      const sameAsAfter = after?.pageNumber === before.pageNumber;
      consider(
        before.pageNumber,
        (r) =>
          r.y0 >= before.bottomRightY - SLACK && (!sameAsAfter || r.y1 <= (after?.topLeftY ?? 0) + SLACK),
      );
    }
    if (!fixedPages && after && after.pageNumber !== before?.pageNumber) {
      consider(after.pageNumber, (r) => r.y1 <= after.topLeftY + SLACK);
    }
    const chosen = candidates[0];
    if (!chosen) return block;
    used.add(chosen.rect);
    const content = pages.get(chosen.page);
    const box = toBox(
      chosen.rect,
      chosen.page,
      content?.width ?? chosen.rect.x1,
      content?.height ?? chosen.rect.y1,
    );
    return { ...block, pageNumber: chosen.page, boxes: [box] };
  });
}

export interface AlignOptions {
  /**
   * Restrict each block to a range of the PDF: e.g. a slide's blocks to that
   * slide's page. Receives the block, returns the 1-based page or undefined
   * (search the whole document from the cursor).
   */
  readonly pageOf?: (block: Block, index: number) => number | undefined;
}

/**
 * Give blocks the page and boxes of their text in the rendered pages (see the
 * module comment). Blocks not found keep no page (or the page `pageOf` gave
 * them) and no boxes.
 *
 * @example const placed = alignBlocks(blocks, pages); placed[0]?.boxes?.[0]?.pageNumber
 */
export function alignBlocks(
  blocks: readonly Block[],
  pages: readonly PageContent[],
  options: AlignOptions = {},
): Block[] {
  const stream = buildStream(pages);
  const byNumber = new Map(pages.map((p) => [p.pageNumber, p]));
  // The first stream index of each page, to confine a block to one page.
  const pageStart = new Map<number, number>();
  const pageEnd = new Map<number, number>();
  stream.itemOf.forEach((item, i) => {
    const page = stream.items[item]?.page;
    if (page === undefined) return;
    if (!pageStart.has(page)) pageStart.set(page, i);
    pageEnd.set(page, i + 1);
  });
  let cursor = 0;
  const placed = blocks.map((block, index) => {
    const target = normalizeForAlignment(blockText(block));
    const { pageNumber: _drop, boxes: _boxes, ...bare } = block;
    const fixedPage = options.pageOf?.(block, index);
    const keepPage = fixedPage === undefined ? bare : { ...bare, pageNumber: fixedPage };
    if (!target) return keepPage as Block;
    let from = cursor;
    let to = Math.min(stream.text.length, cursor + target.length + LOOK_AHEAD);
    if (fixedPage !== undefined) {
      const start = pageStart.get(fixedPage);
      const end = pageEnd.get(fixedPage);
      if (start === undefined || end === undefined) return keepPage as Block;
      // Within a slide the XML reading order and the PDF's drawing order differ: search the whole page.
      from = start;
      to = end;
    }
    // Short texts ("Yes", "1") occur everywhere: only look close by.
    if (target.length < ANCHOR && fixedPage === undefined) to = Math.min(to, from + target.length + 400);
    for (const offset of anchorOffsets(target.length)) {
      const anchor = target.slice(offset, offset + ANCHOR);
      const at = stream.text.indexOf(anchor, from);
      if (at < 0 || at + anchor.length > to) continue;
      const positions: number[] = [];
      const last = extend(target, offset, stream.text, at, to, positions);
      extendBack(target, offset, stream.text, at, from, positions);
      if (positions.length < target.length * MIN_COVERAGE) continue;
      if (fixedPage === undefined) cursor = Math.max(cursor, last + 1);
      const boxes = boxesOf(stream, positions, byNumber);
      const first = boxes[0]?.pageNumber;
      return { ...bare, ...(first === undefined ? {} : { pageNumber: fixedPage ?? first }), boxes } as Block;
    }
    return keepPage as Block;
  });
  return placeFigures(placed, byNumber, options.pageOf !== undefined);
}
