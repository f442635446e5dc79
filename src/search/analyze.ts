import { stemmer } from "stemmer";
import type { QueryTerm } from "./query.js";

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const TOKEN = /[\p{L}\p{N}]+/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, on purpose
const ASCII = /^[\x00-\x7f]*$/;

/** Fold case, width and diacritics the way the FTS5 index does (unicode61 remove_diacritics 2). */
function foldUnicode(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}+/gu, "");
}

/** Stems of recent words: word frequencies are Zipfian, so most lookups hit (bounded; cleared when full). */
const STEMS = new Map<string, string>();
const STEM_CACHE_SIZE = 200_000;

/** The Porter stem of a folded word (cached). */
export function stem(word: string): string {
  let stemmed = STEMS.get(word);
  if (stemmed === undefined) {
    stemmed = stemmer(word);
    if (STEMS.size >= STEM_CACHE_SIZE) STEMS.clear();
    STEMS.set(word, stemmed);
  }
  return stemmed;
}

/**
 * The analysed form of a text for ranking: folded, Porter-stemmed words, and
 * CJK ideographs one token each — mirroring the index's tokenizer, so a
 * chunk's term frequencies can be counted in memory.
 */
export function analyze(text: string): string[] {
  const out: string[] = [];
  scanTokens(
    text,
    (word) => out.push(stem(word)),
    (ideograph) => out.push(ideograph),
  );
  return out;
}

const CJK_SPLIT = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])/u;

/**
 * The tokens of {@link analyze} before stemming, in order: `word` gets each folded word (stem it
 * with {@link stem}), `ideograph` each CJK character. For callers that map words to their own ids
 * (an index) and would rather not stem a word they have seen.
 */
export function scanTokens(
  text: string,
  word: (word: string) => void,
  ideograph: (character: string) => void,
): void {
  // ASCII has nothing to normalise or strip and no ideographs (most chunks; saves the Unicode passes).
  const ascii = ASCII.test(text);
  const folded = ascii ? text.toLowerCase() : foldUnicode(text);
  for (const match of folded.matchAll(TOKEN)) {
    const token = match[0];
    if (ascii || !CJK_CHAR.test(token)) {
      word(token);
      continue;
    }
    for (const part of token.split(CJK_SPLIT)) {
      if (part === "") continue;
      if (CJK_CHAR.test(part)) ideograph(part);
      else word(part);
    }
  }
}

/** A query term as a sequence of analysed tokens (one for a word, several for a CJK run). */
export function analyzeTerm(term: QueryTerm): string[] {
  return analyze(term.text.replace(/ /g, term.cjk ? "" : " "));
}

/** Occurrences of a token sequence in a token list. */
export function countSequence(tokens: readonly string[], sequence: readonly string[]): number {
  if (sequence.length === 0) return 0;
  let count = 0;
  for (let i = 0; i + sequence.length <= tokens.length; i++) {
    let match = true;
    for (let j = 0; j < sequence.length; j++) {
      if (tokens[i + j] !== sequence[j]) {
        match = false;
        break;
      }
    }
    if (match) count += 1;
  }
  return count;
}

/** BM25 parameters (Robertson/Zaragoza defaults). */
export const BM25 = { k1: 1.2, b: 0.75 } as const;

/** Inverse document frequency, BM25 style, never negative. */
export function idf(documentFrequency: number, total: number): number {
  return Math.log(1 + (total - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/** The BM25 contribution of one term. */
export function bm25Term(tf: number, termIdf: number, length: number, averageLength: number): number {
  if (tf <= 0) return 0;
  const norm = 1 - BM25.b + BM25.b * (length / Math.max(averageLength, 1));
  return (termIdf * tf * (BM25.k1 + 1)) / (tf + BM25.k1 * norm);
}
