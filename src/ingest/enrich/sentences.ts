/** Sentence helpers for the extractive summaries. */
import { sentenceSpans } from "../chunk/segment.js";

/** Only this much of a text is examined for lead sentences. */
const SCAN_CHARS = 20_000;
const SCAN_SENTENCES = 40;
/** A line at least this long that ends without punctuation is taken to be wrapped. */
const WRAPPED_LINE_CHARS = 50;

/**
 * Undo hard line wrapping: a line break inside a paragraph becomes a space when
 * the next line continues the sentence (starts in lower case, or the line ends
 * with a comma, hyphen, opening bracket…). Paragraph breaks ("\n\n") stay.
 *
 * @example unwrapLines("a footballer who\nplayed as a forward") === "a footballer who played as a forward"
 */
export function unwrapLines(text: string): string {
  return text.replace(/([^\n])\n(?=[^\n])/g, (whole, before: string, offset: number) => {
    const next = text[offset + 2] ?? "";
    const lineLength = offset - text.lastIndexOf("\n", offset);
    // Wrapped prose: the next line starts in lower case, the line ends mid-phrase, or a long line
    // (a wrapped one, unlike "Date of birth 26 June 1968") ends without closing punctuation.
    const wrapped =
      /\p{Ll}/u.test(next) ||
      /[,;(\-–—]/.test(before) ||
      (lineLength >= WRAPPED_LINE_CHARS && !/[.!?:"”'’)\]。！？]/u.test(before));
    return wrapped ? `${before} ` : whole;
  });
}

/** Words of a text (whitespace-separated runs containing a letter or digit). */
export function wordCount(text: string): number {
  return text.match(/\S*[\p{L}\p{N}]\S*/gu)?.length ?? 0;
}

/** Sentences of a text (lines unwrapped, whitespace collapsed), at most `limit`. */
export function sentences(text: string, limit = SCAN_SENTENCES): string[] {
  const body = unwrapLines(text.slice(0, SCAN_CHARS));
  const out: string[] = [];
  for (const span of sentenceSpans(body, 0, body.length)) {
    const sentence = body.slice(span.start, span.end).replace(/\s+/g, " ").trim();
    if (sentence) out.push(sentence);
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * Whether a sentence says something: at least four words, mostly letters, not a
 * table row or a list of numbers.
 */
export function isInformative(sentence: string): boolean {
  if (wordCount(sentence) < 4) return false;
  const letters = sentence.match(/\p{L}/gu)?.length ?? 0;
  const visible = sentence.replace(/\s/g, "").length;
  return visible > 0 && letters / visible >= 0.6 && (sentence.match(/\|/g)?.length ?? 0) < 2;
}

/** A sentence of at least four words ending with sentence punctuation. */
export function isProse(sentence: string): boolean {
  return wordCount(sentence) >= 4 && /[.!?。！？…]["'”’)\]]*$/u.test(sentence);
}

/** Cut a text to at most `maxWords` words, marking the cut with "…". */
export function truncateWords(text: string, maxWords: number): string {
  const words = text.split(/\s+/).filter((w) => w !== "");
  if (words.length <= maxWords) return text;
  return `${words
    .slice(0, maxWords)
    .join(" ")
    .replace(/[,;:]$/, "")}…`;
}

/**
 * The leading informative sentences of a text, up to `maxWords` words; prose is
 * preferred to label-like lines, and among the first candidates those sharing the
 * most `keyTerms` are chosen (original order kept). The first candidate is always included.
 */
export function leadSentences(
  text: string,
  maxWords: number,
  keyTerms: ReadonlySet<string> = new Set(),
): string {
  const informative = sentences(text).filter(isInformative);
  // Prose (a sentence ending in punctuation) is preferred over label-like lines ("Date of birth 26 June 1968").
  const prose = informative.filter(isProse);
  const candidates = (prose.length > 0 ? prose : informative).slice(0, 8);
  const first = candidates[0];
  if (first === undefined) return "";
  if (wordCount(first) >= maxWords) return truncateWords(first, maxWords);
  const score = (s: string): number => {
    const terms = new Set(s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
    let hits = 0;
    for (const t of terms) if (keyTerms.has(t)) hits++;
    return hits / Math.sqrt(wordCount(s));
  };
  const ranked = candidates
    .slice(1)
    .map((s, i) => ({ s, i: i + 1, score: score(s) }))
    .sort((a, b) => b.score - a.score || a.i - b.i);
  const chosen = new Set<number>([0]);
  let words = wordCount(first);
  for (const { s, i } of ranked) {
    const n = wordCount(s);
    if (words + n > maxWords) continue;
    chosen.add(i);
    words += n;
  }
  return candidates.filter((_, i) => chosen.has(i)).join(" ");
}
