/**
 * @module Monospaced fonts, recognised from the text itself.
 *
 * Font names only sometimes say "Mono" or "Courier" (IBM's BookMaster Gothic,
 * for one, does not), but a monospaced font betrays itself: every run of it is
 * as wide as its character count × one fixed advance. A font is monospaced when
 * at least `MIN_RUNS` runs of `MIN_CHARS`+ characters have an advance per
 * character (in font sizes) whose coefficient of variation is below `MAX_CV`;
 * proportional fonts vary far more ("iii" vs "WWW"). Names that say so count
 * too. The result feeds code detection (`Line.mono`).
 */
import type { PageContent } from "./types.js";

const MIN_RUNS = 3;
const MIN_CHARS = 4;
const MAX_CV = 0.03;
const MONOSPACE_NAME =
  /courier|mono|consol|menlo|lucidacon|andale|typewriter|fixedsys|cmtt|inconsolata|sfmono|letter ?gothic/i;

/**
 * The names of the monospaced fonts used on the given pages.
 *
 * @example monospaceFonts(pages).has("BookMasterGothic-Roman") === true
 */
export function monospaceFonts(pages: readonly PageContent[]): Set<string> {
  const advances = new Map<string, number[]>();
  const mono = new Set<string>();
  for (const page of pages) {
    for (const item of page.items) {
      const name = item.fontName;
      if (!name) continue;
      if (MONOSPACE_NAME.test(name)) {
        mono.add(name);
        continue;
      }
      const chars = [...item.text].length;
      if (chars < MIN_CHARS || item.fontSize <= 0) continue;
      const width = item.x1 - item.x0;
      // Only horizontal runs: a box taller than a line is rotated text.
      if (item.y1 - item.y0 > 2 * item.fontSize) continue;
      let list = advances.get(name);
      if (!list) {
        list = [];
        advances.set(name, list);
      }
      list.push(width / chars / item.fontSize);
    }
  }
  for (const [name, list] of advances) {
    if (list.length < MIN_RUNS) continue;
    const mean = list.reduce((a, b) => a + b, 0) / list.length;
    const variance = list.reduce((a, b) => a + (b - mean) ** 2, 0) / list.length;
    if (mean > 0 && Math.sqrt(variance) / mean < MAX_CV) mono.add(name);
  }
  return mono;
}
