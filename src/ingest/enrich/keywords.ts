/**
 * @module Extractive keywords: TF-IDF-like term weights over the document's chunks.
 *
 * weight(term) = tf × log(1 + N / df) × boost, where tf counts the term in the
 * document, df the chunks containing it and N the chunks. Terms frequent in the
 * whole document rank high; terms confined to one chunk of many rank by their
 * count. Stopwords (detected language + English), URLs, words not starting
 * with a letter and words shorter than 3 letters are ignored; terms in the title or headings get a 1.5× boost.
 * Two-word phrases seen at least twice compete with single words (1.5× boost)
 * and hide the words they contain.
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}'’-]*[\p{L}\p{M}\p{N}]|[\p{L}\p{N}]/gu;
const MAX_TERM_CHARS = 30;
const URL_OR_EMAIL = /\b(?:https?:\/\/|www\.)\S+|\S+@\S+\.\w+/gi;

interface Term {
  tf: number;
  df: number;
  boost: number;
  surfaces: Map<string, number>;
  parts?: readonly [string, string];
}

function usable(word: string, stopwords: ReadonlySet<string>): boolean {
  const lower = word.toLowerCase();
  if (lower.length < 3 || lower.length > MAX_TERM_CHARS) return false;
  if (!/^\p{L}/u.test(lower) || stopwords.has(lower)) return false;
  return !/^(.)\1*$/u.test(lower);
}

export interface KeywordOptions {
  readonly stopwords: ReadonlySet<string>;
  /** Title and headings: their terms are boosted. */
  readonly emphasis?: readonly string[];
  /** How many keywords (default 10). */
  readonly max?: number;
}

/**
 * Top keywords of a set of texts (the chunks of one document), most important first.
 *
 * @example extractKeywords(["Norwich City signed Roberts.", "Roberts scored for Norwich City."], { stopwords })
 *   // ["Norwich City", "Roberts", …]
 */
export function extractKeywords(texts: readonly string[], options: KeywordOptions): string[] {
  const { stopwords, max = 10 } = options;
  const emphasized = new Set(
    (options.emphasis ?? []).flatMap((t) => (t.match(WORD) ?? []).map((w) => w.toLowerCase())),
  );
  const terms = new Map<string, Term>();
  const see = (
    key: string,
    surface: string,
    seenHere: Set<string>,
    parts?: readonly [string, string],
  ): void => {
    let term = terms.get(key);
    if (!term) {
      term = { tf: 0, df: 0, boost: 1, surfaces: new Map(), ...(parts ? { parts } : {}) };
      terms.set(key, term);
    }
    term.tf++;
    term.surfaces.set(surface, (term.surfaces.get(surface) ?? 0) + 1);
    if (!seenHere.has(key)) {
      seenHere.add(key);
      term.df++;
    }
  };
  for (const raw of texts) {
    // URLs and e-mail addresses would contribute "https", "www", "com"…
    const text = raw.replace(URL_OR_EMAIL, " ");
    const seenHere = new Set<string>();
    let previous: { lower: string; surface: string; end: number } | undefined;
    for (const match of text.matchAll(WORD)) {
      const surface = match[0];
      const start = match.index;
      if (!usable(surface, stopwords)) {
        previous = undefined;
        continue;
      }
      const lower = surface.toLowerCase();
      see(lower, surface, seenHere);
      // A phrase only across plain spaces (not across punctuation or line breaks).
      if (previous && /^ +$/.test(text.slice(previous.end, start))) {
        see(`${previous.lower} ${lower}`, `${previous.surface} ${surface}`, seenHere, [
          previous.lower,
          lower,
        ]);
      }
      previous = { lower, surface, end: start + surface.length };
    }
  }
  const n = Math.max(1, texts.length);
  const scored: { key: string; term: Term; score: number }[] = [];
  for (const [key, term] of terms) {
    if (term.parts && term.tf < 2) continue;
    let boost = term.parts ? 1.5 : 1;
    const words = term.parts ?? [key];
    if (words.every((w) => emphasized.has(w))) boost *= 1.5;
    scored.push({ key, term, score: term.tf * Math.log(1 + n / term.df) * boost });
  }
  scored.sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const chosen: string[] = [];
  const hidden = new Set<string>();
  const chosenWords = new Set<string>();
  for (const { key, term } of scored) {
    if (chosen.length >= max) break;
    if (hidden.has(key)) continue;
    if (term.parts) {
      // A phrase whose two words are both already keywords adds nothing.
      if (term.parts.every((w) => chosenWords.has(w))) continue;
      for (const w of term.parts) hidden.add(w);
    } else {
      chosenWords.add(key);
    }
    chosen.push(bestSurface(term.surfaces));
  }
  return chosen;
}

/** The most frequent spelling; ties go to the capitalised one ("Norwich" over "norwich"). */
function bestSurface(surfaces: ReadonlyMap<string, number>): string {
  let best = "";
  let count = -1;
  for (const [surface, n] of surfaces) {
    if (n > count || (n === count && surface < best)) {
      best = surface;
      count = n;
    }
  }
  return best;
}
