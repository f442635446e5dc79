import { stopwordsFor } from "../ingest/enrich/stopwords.js";

/**
 * Han, Hiragana and Katakana are written without spaces: the index sees each
 * ideograph as a token (see {@link spaceCjk}), and a query's CJK run becomes a
 * phrase of consecutive characters. Hangul is space-delimited and left alone.
 */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const CJK_GLOBAL = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])/gu;
const TOKEN = /[\p{L}\p{N}]+/gu;

/** Put spaces around every CJK character so FTS5's unicode61 tokenizer indexes them one by one. */
export function spaceCjk(text: string): string {
  return CJK.test(text) ? text.replace(CJK_GLOBAL, " $1 ") : text;
}

/** A query term: a word, or a run of CJK characters matched as a phrase. */
export interface QueryTerm {
  /** Normalised text (lower case; CJK characters separated by spaces). */
  readonly text: string;
  readonly cjk: boolean;
}

export interface ParsedQuery {
  /** Distinct terms for the lexical arm, in query order (after condensing). */
  readonly terms: readonly QueryTerm[];
  /** The rewrite reported as `searchQuery` when a long query was condensed. */
  readonly rewritten: string | undefined;
  /** Words of the original query (for phrase matching and the dense arm). */
  readonly wordCount: number;
}

/** Queries longer than this many words are condensed to key terms for the lexical arm (§6.3). */
export const LONG_QUERY_WORDS = 30;
/** Terms kept when condensing. */
export const CONDENSED_TERMS = 16;

/**
 * Tokenise a user query into safe terms: user text never reaches FTS5 syntax
 * raw — every term is letters and digits only and is quoted by
 * {@link toFtsExpression}. Stopwords are dropped unless nothing else is left.
 *
 * @param rarity optional document frequency per term, used to keep the rarest
 *   terms when a long query is condensed.
 */
export function parseQuery(raw: string, rarity?: (term: string) => number): ParsedQuery {
  const { words, distinct } = tokenize(raw);
  if (words.length <= LONG_QUERY_WORDS || distinct.length <= CONDENSED_TERMS) {
    return {
      terms: distinct,
      rewritten: words.length > LONG_QUERY_WORDS ? render(distinct) : undefined,
      wordCount: words.length,
    };
  }
  // Keep the rarest terms (most informative); ties keep query order.
  const ranked = distinct
    .map((term, order) => ({ term, order, df: rarity ? rarity(term.text) : order }))
    .filter((t) => t.df > 0 || !rarity)
    .sort((a, b) => a.df - b.df || a.order - b.order)
    .slice(0, CONDENSED_TERMS)
    .sort((a, b) => a.order - b.order)
    .map((t) => t.term);
  const kept = ranked.length > 0 ? ranked : distinct.slice(0, CONDENSED_TERMS);
  return { terms: kept, rewritten: render(kept), wordCount: words.length };
}

/** Every distinct content term of a query, before any condensing. */
export function queryTerms(raw: string): QueryTerm[] {
  return tokenize(raw).distinct;
}

function tokenize(raw: string): { words: QueryTerm[]; distinct: QueryTerm[] } {
  const normalised = raw.normalize("NFKC").toLowerCase();
  const words: QueryTerm[] = [];
  for (const match of normalised.matchAll(TOKEN)) {
    const token = match[0];
    if (!CJK.test(token)) {
      words.push({ text: token, cjk: false });
      continue;
    }
    // Split mixed runs: "gpt4模型" → "gpt4" + "模 型".
    for (const part of token.split(/([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+)/u)) {
      if (part === "") continue;
      words.push(CJK.test(part) ? { text: [...part].join(" "), cjk: true } : { text: part, cjk: false });
    }
  }
  const stopwords = stopwordsFor("eng");
  const content = words.filter((w) => w.cjk || !stopwords.has(w.text));
  return { words, distinct: dedupe(content.length > 0 ? content : words) };
}

function dedupe(terms: readonly QueryTerm[]): QueryTerm[] {
  const seen = new Set<string>();
  const out: QueryTerm[] = [];
  for (const term of terms) {
    if (seen.has(term.text)) continue;
    seen.add(term.text);
    out.push(term);
  }
  return out;
}

function render(terms: readonly QueryTerm[]): string {
  return terms.map((t) => t.text.replace(/ /g, "")).join(" ");
}

/** One term as an FTS5 string (a phrase for CJK runs). Terms hold only letters, digits and spaces. */
export function quoteTerm(term: QueryTerm): string {
  return `"${term.text.replace(/"/g, '""')}"`;
}

/** Any-term FTS5 expression; BM25 ranks chunks with more (and rarer) terms first. */
export function toFtsExpression(terms: readonly QueryTerm[]): string | undefined {
  if (terms.length === 0) return undefined;
  return terms.map(quoteTerm).join(" OR ");
}

/**
 * Terms in more than this share of the indexed chunks are left out of the
 * lexical arm's FTS5 query (default of `SearchServiceDeps.commonTermShare`).
 * Their posting lists are most of what the query walks, while their IDF is
 * near zero (FTS5's BM25 floors it at 1e-6 above half the index), so they
 * barely move the ranking; the ranker still scores every term.
 */
export const COMMON_TERM_SHARE = 0.2;

/**
 * The terms the lexical arm searches: those in at most `share` of the index,
 * or the rarest one (query order breaks ties) when every term is more common.
 *
 * @param frequencies index-wide document frequency of each term
 * @param size indexed chunks
 * @example selectLexicalTerms([a, b], [10, 900], 1000, 0.2) → [a]
 */
export function selectLexicalTerms(
  terms: readonly QueryTerm[],
  frequencies: readonly number[],
  size: number,
  share: number = COMMON_TERM_SHARE,
): QueryTerm[] {
  if (terms.length === 0 || size <= 0 || !(share < 1)) return [...terms];
  const kept = terms.filter((_, i) => (frequencies[i] ?? 0) <= share * size);
  if (kept.length > 0) return kept;
  let rarest = 0;
  terms.forEach((_, i) => {
    if ((frequencies[i] ?? 0) < (frequencies[rarest] ?? 0)) rarest = i;
  });
  return [terms[rarest] as QueryTerm];
}
