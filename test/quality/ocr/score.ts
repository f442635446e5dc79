/**
 * @module Word-level OCR scores, written here because no installed library
 * computes them (the metric is a few lines; an npm dependency for it would be
 * heavier than the code).
 *
 * - `normalizeWords` makes the comparison about recognised characters, not
 *   typography: Unicode NFKC, typographic quotes and dashes folded, lower case,
 *   words broken by a hyphen at a line end joined again (both in the reference,
 *   transcribed line by line as printed, and in OCR output, which keeps the
 *   printed line breaks), punctuation trimmed from both ends of every word and
 *   punctuation-only tokens dropped.
 * - `wordAccuracy` = 1 − (word-level Levenshtein distance / reference words),
 *   floored at 0: substitutions, deletions and insertions all count, and so does
 *   reading order (a block read in another place costs its words twice).
 * - `bagOfWordsF1`: the order-free view (multiset overlap), printed next to it so
 *   a reading-order difference can be told apart from misrecognised words.
 */

const DASHES = /[\u2010-\u2015\u2212]|-{2,}/g;

/**
 * The comparable words of a text.
 *
 * @example normalizeWords("The Insti-\ntute’s “goal”—twofold.") // ["the", "institute's", "goal", "twofold"]
 */
export function normalizeWords(text: string): string[] {
  const folded = text
    .normalize("NFKC")
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    // A hyphen ending a line joins the word to the next line's first word.
    .replace(/(\S)-[ \t]*\r?\n\s*(?=\S)/g, "$1")
    .replace(DASHES, " ")
    .toLowerCase();
  const words: string[] = [];
  for (const token of folded.split(/\s+/)) {
    const word = token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    if (word) words.push(word);
  }
  return words;
}

/** Levenshtein distance between two word sequences (two rows of the DP table). */
export function wordEditDistance(a: readonly string[], b: readonly string[]): number {
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    const word = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (word === b[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}

/**
 * 1 − word edit distance / reference words, in [0, 1].
 *
 * @example wordAccuracy("a b c d", "a x c d") === 0.75
 */
export function wordAccuracy(reference: string, hypothesis: string): number {
  const ref = normalizeWords(reference);
  const hyp = normalizeWords(hypothesis);
  if (ref.length === 0) return hyp.length === 0 ? 1 : 0;
  return Math.max(0, 1 - wordEditDistance(ref, hyp) / ref.length);
}

/**
 * F1 of the multisets of words (order ignored), in [0, 1].
 *
 * @example bagOfWordsF1("a b c d", "d c b a") === 1
 */
export function bagOfWordsF1(reference: string, hypothesis: string): number {
  const ref = normalizeWords(reference);
  const hyp = normalizeWords(hypothesis);
  if (ref.length === 0 || hyp.length === 0) return ref.length === hyp.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const word of ref) counts.set(word, (counts.get(word) ?? 0) + 1);
  let common = 0;
  for (const word of hyp) {
    const left = counts.get(word) ?? 0;
    if (left > 0) {
      common++;
      counts.set(word, left - 1);
    }
  }
  const precision = common / hyp.length;
  const recall = common / ref.length;
  return common === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}
