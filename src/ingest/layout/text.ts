/**
 * @module Joining the text of consecutive lines: a space between them, except
 * that a word hyphenated at the end of a line ("infor-" + "mation") is joined
 * back without the hyphen. Only a hyphen after a letter, followed by a line
 * starting with a lowercase letter, counts — "2019-" + "2020" or "self-" +
 * "Service" keep theirs. A soft hyphen (U+00AD) at a line end is always a break.
 */

const HYPHENATED = /\p{L}[-\u2010\u00ad]$/u;
const LOWER_START = /^\p{Ll}/u;

/**
 * Append the next line's text to a paragraph's text.
 *
 * @example joinLineText("infor-", "mation is") === "information is"
 * @example joinLineText("first line", "second") === "first line second"
 */
export function joinLineText(text: string, next: string): string {
  if (text === "") return next;
  if (next === "") return text;
  if (text.endsWith("\u00ad")) return text.slice(0, -1) + next;
  if (HYPHENATED.test(text) && LOWER_START.test(next)) return text.slice(0, -1) + next;
  return `${text} ${next}`;
}

/** Join several lines' text in order (see `joinLineText`). */
export function joinLines(texts: readonly string[]): string {
  let out = "";
  for (const t of texts) out = joinLineText(out, t);
  return out;
}
