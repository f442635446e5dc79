import { stemmer } from "stemmer";
import type { QueryTerm } from "./query.js";

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const TOKEN = /[\p{L}\p{N}]+/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, on purpose
const ASCII = /^[\x00-\x7f]*$/;

/** Fold case, width and diacritics the way the FTS5 index does (unicode61 remove_diacritics 2). */
function fold(text: string): string {
  // ASCII has nothing to normalise or strip (most chunks; saves two Unicode passes).
  if (ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize("NFKC")
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}+/gu, "");
}

/** Stems of recent words: word frequencies are Zipfian, so most lookups hit (bounded; cleared when full). */
const STEMS = new Map<string, string>();
const STEM_CACHE_SIZE = 200_000;

function stem(word: string): string {
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
  for (const match of fold(text).matchAll(TOKEN)) {
    const token = match[0];
    if (!CJK_CHAR.test(token)) {
      out.push(stem(token));
      continue;
    }
    for (const part of token.split(/([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])/u)) {
      if (part === "") continue;
      out.push(CJK_CHAR.test(part) ? part : stem(part));
    }
  }
  return out;
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
