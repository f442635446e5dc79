/**
 * @module WordprocessingML list numbering: the marker text ("1.", "a)", "•",
 * "2.1.3") of a numbered or bulleted paragraph, as Word would render it.
 *
 * No library computes this (mammoth only tells ordered from unordered), so it
 * is done here from `word/numbering.xml`:
 * - `w:num` (numId) → `w:abstractNum` (levels: start, numFmt, lvlText), with
 *   `w:lvlOverride` (startOverride, replacement level) applied;
 * - counters belong to the numId (a new numId restarts, as Word renders
 *   "restart numbering"); advancing a level resets the deeper levels;
 * - `lvlText` placeholders `%1`…`%9` are the counters of those levels in their
 *   own formats (decimal, letters, roman, zero-padded…); bullets whose glyph
 *   is a symbol-font character (private use area) become "•".
 */
import { attr, child, children, intAttr, type XmlElement } from "./xml.js";

interface Level {
  readonly start: number;
  readonly format: string;
  readonly text: string;
  readonly isLegal: boolean;
}

interface NumDefinition {
  readonly abstractId: string;
  readonly overrides: ReadonlyMap<number, Partial<Level>>;
}

function readLevel(lvl: XmlElement): Partial<Level> {
  const start = intAttr(child(lvl, "start"), "val");
  const format = attr(child(lvl, "numFmt"), "val");
  const text = attr(child(lvl, "lvlText"), "val");
  return {
    ...(start === undefined ? {} : { start }),
    ...(format === undefined ? {} : { format }),
    ...(text === undefined ? {} : { text }),
    isLegal: child(lvl, "isLgl") !== undefined,
  };
}

function roman(n: number): string {
  if (n <= 0 || n >= 4000) return String(n);
  const table: [number, string][] = [
    [1000, "m"],
    [900, "cm"],
    [500, "d"],
    [400, "cd"],
    [100, "c"],
    [90, "xc"],
    [50, "l"],
    [40, "xl"],
    [10, "x"],
    [9, "ix"],
    [5, "v"],
    [4, "iv"],
    [1, "i"],
  ];
  let out = "";
  let rest = n;
  for (const [value, letters] of table) {
    while (rest >= value) {
      out += letters;
      rest -= value;
    }
  }
  return out;
}

/** Word's letter numbering: a…z, then aa…zz, aaa… (letters repeat, not base 26). */
function letters(n: number): string {
  if (n <= 0) return String(n);
  const letter = String.fromCharCode(97 + ((n - 1) % 26));
  return letter.repeat(Math.floor((n - 1) / 26) + 1);
}

/**
 * A counter value in a `w:numFmt` format.
 *
 * @example formatNumber(4, "upperRoman") === "IV"
 */
export function formatNumber(n: number, format: string): string {
  switch (format) {
    case "lowerLetter":
      return letters(n);
    case "upperLetter":
      return letters(n).toUpperCase();
    case "lowerRoman":
      return roman(n);
    case "upperRoman":
      return roman(n).toUpperCase();
    case "decimalZero":
      return n < 10 ? `0${n}` : String(n);
    case "none":
      return "";
    default:
      return String(n);
  }
}

const PLAIN_BULLETS = /^[\p{P}\p{S}]$/u;

function bulletGlyph(text: string): string {
  const glyph = text.trim();
  if (glyph.length === 1 && PLAIN_BULLETS.test(glyph) && !/[\uE000-\uF8FF]/.test(glyph)) return glyph;
  return "•";
}

/** Numbering state of one document: definitions plus the running counters. */
export class Numbering {
  private readonly abstracts = new Map<string, Map<number, Partial<Level>>>();
  private readonly nums = new Map<string, NumDefinition>();
  private readonly counters = new Map<string, number[]>();

  constructor(root: XmlElement | undefined) {
    if (!root) return;
    for (const abstract of children(root, "abstractNum")) {
      const id = attr(abstract, "abstractNumId");
      if (id === undefined) continue;
      const levels = new Map<number, Partial<Level>>();
      for (const lvl of children(abstract, "lvl")) levels.set(intAttr(lvl, "ilvl") ?? 0, readLevel(lvl));
      this.abstracts.set(id, levels);
    }
    for (const num of children(root, "num")) {
      const id = attr(num, "numId");
      const abstractId = attr(child(num, "abstractNumId"), "val");
      if (id === undefined || abstractId === undefined) continue;
      const overrides = new Map<number, Partial<Level>>();
      for (const override of children(num, "lvlOverride")) {
        const ilvl = intAttr(override, "ilvl") ?? 0;
        const lvl = child(override, "lvl");
        const start = intAttr(child(override, "startOverride"), "val");
        overrides.set(ilvl, { ...(lvl ? readLevel(lvl) : {}), ...(start === undefined ? {} : { start }) });
      }
      this.nums.set(id, { abstractId, overrides });
    }
  }

  private level(numId: string, ilvl: number): Level | undefined {
    const num = this.nums.get(numId);
    if (!num) return undefined;
    const base = this.abstracts.get(num.abstractId)?.get(ilvl);
    const override = num.overrides.get(ilvl);
    if (!base && !override) return undefined;
    return {
      start: override?.start ?? base?.start ?? 1,
      format: override?.format ?? base?.format ?? "decimal",
      text: override?.text ?? base?.text ?? `%${ilvl + 1}.`,
      isLegal: override?.isLegal ?? base?.isLegal ?? false,
    };
  }

  /** True when the level of a list is a bullet (not numbered). */
  isBullet(numId: string, ilvl: number): boolean {
    return this.level(numId, ilvl)?.format === "bullet";
  }

  /**
   * Advance the list's counter at a level and return the marker, or undefined
   * when the numId is 0/unknown or the level renders nothing.
   *
   * @example numbering.next("3", 0) // "1." then "2." …
   */
  next(numId: string, ilvl: number): string | undefined {
    if (numId === "0") return undefined;
    const level = this.level(numId, ilvl);
    if (!level) return undefined;
    let counts = this.counters.get(numId);
    if (!counts) {
      counts = [];
      this.counters.set(numId, counts);
    }
    for (let i = 0; i < ilvl; i++) {
      if (counts[i] === undefined) counts[i] = this.level(numId, i)?.start ?? 1;
    }
    counts[ilvl] = counts[ilvl] === undefined ? level.start : (counts[ilvl] ?? 0) + 1;
    counts.length = ilvl + 1;
    if (level.format === "bullet") return bulletGlyph(level.text);
    const marker = level.text.replace(/%([1-9])/g, (_, digit: string) => {
      const i = Number(digit) - 1;
      const format = level.isLegal ? "decimal" : (this.level(numId, i)?.format ?? "decimal");
      return formatNumber(counts[i] ?? 1, format);
    });
    return marker.trim() || undefined;
  }
}
