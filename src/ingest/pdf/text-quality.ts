/**
 * @module Does a page's text layer need OCR?
 *
 * Kept deliberately simple:
 * - garbage: at least `GARBAGE_RATIO` of its non-space characters are U+FFFD,
 *   private-use code points or control characters — what pdf.js produces for
 *   fonts without a usable Unicode mapping;
 * - missing: fewer than `MIN_CHARS` characters while the page has ink (checked
 *   by the caller on a small rendering with `inkRatio`) — a scan, or text drawn
 *   as outlines.
 * A page with a real text layer is never OCR'd, even when it also holds images.
 */
import type { TextItem } from "../layout/types.js";
import type { RawImage } from "../ocr/types.js";

export const GARBAGE_RATIO = 0.25;
export const MIN_CHARS = 32;
/** A rendering with at least this fraction of dark pixels has something to read. */
export const MIN_INK = 0.004;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we look for.
const BAD_CHAR = /[\ufffd\ue000-\uf8ff\u0000-\u0008\u000e-\u001f]/gu;

export interface TextLayerQuality {
  /** Non-whitespace characters. */
  readonly chars: number;
  /** Characters that carry no meaning (see the module comment). */
  readonly bad: number;
}

/** Count the characters of a page's text items. */
export function measureTextLayer(items: readonly TextItem[]): TextLayerQuality {
  let chars = 0;
  let bad = 0;
  for (const item of items) {
    chars += item.text.replace(/\s+/g, "").length;
    bad += item.text.match(BAD_CHAR)?.length ?? 0;
  }
  return { chars, bad };
}

/** "garbage", "missing" (ink check needed) or "ok". */
export function textLayerVerdict(quality: TextLayerQuality): "garbage" | "missing" | "ok" {
  if (quality.chars >= MIN_CHARS && quality.bad >= GARBAGE_RATIO * quality.chars) return "garbage";
  if (quality.chars - quality.bad < MIN_CHARS) return "missing";
  return "ok";
}

/**
 * Fraction of dark pixels (luma below 160) in an image.
 *
 * @example inkRatio({ data: new Uint8Array([0, 255]), width: 2, height: 1, channels: 1 }) === 0.5
 */
export function inkRatio(image: RawImage): number {
  const { data, channels } = image;
  const pixels = image.width * image.height;
  if (pixels === 0) return 0;
  let dark = 0;
  for (let i = 0; i < pixels; i++) {
    const o = i * channels;
    const luma =
      channels >= 3
        ? 0.299 * (data[o] ?? 255) + 0.587 * (data[o + 1] ?? 255) + 0.114 * (data[o + 2] ?? 255)
        : (data[o] ?? 255);
    if (luma < 160) dark++;
  }
  return dark / pixels;
}
