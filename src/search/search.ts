import { createHash } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { DocumentRecord } from "../store/contracts/document-store.js";
import type {
  CorpusStats,
  IndexedChunk,
  Restriction,
  SearchIndex,
  SearchScope,
} from "../store/contracts/search-index.js";
import type { VectorHit, VectorIndex } from "../store/contracts/vector-index.js";
import { analyze, analyzeTerm, BM25, bm25Term, countSequence, idf } from "./analyze.js";
import { compileFilter, type Filter, matchesFilter } from "./filter.js";
import { type FusedItem, type RankedList, reciprocalRankFusion } from "./fuse.js";
import {
  LONG_QUERY_WORDS,
  parseQuery,
  type QueryTerm,
  queryTerms,
  quoteTerm,
  selectLexicalTerms,
  toFtsExpression,
} from "./query.js";

/** Candidates each retriever contributes before fusion, and how many the ranker scores. */
const RETRIEVE = 200;
const RERANK = 120;

export interface SearchRequest {
  readonly accountId: string;
  readonly scope: SearchScope;
  readonly query: string;
  readonly filter?: unknown;
  /** Minimum score of a result (D7; default 10). */
  readonly relevance: number;
  /** Which arms run (Openground extension, for evaluation): default hybrid. */
  readonly mode?: SearchMode;
}

export type SearchMode = "hybrid" | "lexical" | "dense";

export interface SearchHit {
  readonly chunk: IndexedChunk;
  readonly document: DocumentRecord;
  /** D7 scale: strong matches score in the hundreds; unrelated text below 10. */
  readonly score: number;
  readonly signals: Readonly<Record<string, number>>;
}

export interface SearchOutcome {
  /** The lexical rewrite of a long query (reported as `searchQuery`). */
  readonly searchQuery: string | undefined;
  /** Every hit at or above the relevance threshold, best first. */
  readonly hits: readonly SearchHit[];
  /** Per-stage milliseconds (debug logs). */
  readonly timings: Readonly<Record<string, number>>;
}

export interface SearchServiceDeps {
  readonly index: SearchIndex;
  readonly log: FastifyBaseLogger;
  /** The dense arm, when an embedder is configured. */
  readonly dense?: {
    readonly vectors: VectorIndex;
    embedQuery(query: string): Promise<Float32Array>;
  };
  /** Global weights of the ranker (see {@link DEFAULT_WEIGHTS}). */
  readonly weights?: Partial<RankerWeights>;
  /**
   * Terms in more than this share of the index are left out of the lexical
   * arm's query (default {@link COMMON_TERM_SHARE}; 1 keeps every term).
   */
  readonly commonTermShare?: number;
}

/**
 * The few global weights of the ranker. Chosen by hand and checked on the SciFact
 * benchmark as a whole (never per query): `lexical` vs `dense` share of the final
 * relevance, and the cosine range mapped onto [0, 1].
 */
export interface RankerWeights {
  readonly lexical: number;
  readonly dense: number;
  readonly cosineFloor: number;
  readonly cosineCeiling: number;
}

export const DEFAULT_WEIGHTS: RankerWeights = {
  lexical: 0.5,
  dense: 0.5,
  cosineFloor: 0.15,
  cosineCeiling: 0.75,
};

/** The searched corpus (see SearchService#corpus). */
interface Corpus {
  readonly restriction: Restriction;
  readonly stats: CorpusStats;
  readonly bucketIds: readonly number[];
  /** The allowed documents, when the corpus is not simply whole buckets. */
  readonly allowed: ReadonlySet<string> | undefined;
  /** Identifies the corpus in the frequency cache. */
  readonly key: string;
}

const DF_CACHE_SIZE = 50_000;

/** Leading candidates of the first arm to answer, read and analysed while the other arm runs. */
const PREFETCH = 80;

/** A candidate chunk and its analysed tokens. */
interface PreparedChunk {
  readonly chunk: IndexedChunk;
  readonly tokens: readonly string[];
}

/** Read and analyse the chunks of `rowids` that `prepared` does not hold yet. */
async function prepareChunks(
  index: SearchIndex,
  prepared: Map<number, PreparedChunk>,
  rowids: readonly number[],
): Promise<void> {
  const missing = rowids.filter((rowid) => !prepared.has(rowid));
  if (missing.length === 0) return;
  for (const chunk of await index.chunksByRowid(missing)) {
    const tokens = analyze(chunk.text.trim() === "" ? chunk.suggestedText : chunk.text);
    prepared.set(chunk.rowid, { chunk, tokens });
  }
}

/** Below this many allowed chunks, dense scores are computed exactly instead of by partition KNN. */
const EXACT_DENSE_LIMIT = 20_000;

/**
 * The D7 score of a relevance in [0, 1]: 400·r². A chunk that holds every
 * (weighted) query term scores in the hundreds; one that shares a single common
 * word scores below the default threshold of 10.
 */
export function toScore(relevance: number): number {
  const r = Number.isFinite(relevance) ? Math.min(1, Math.max(0, relevance)) : 0;
  return Math.round(400 * r * r * 100) / 100;
}

/**
 * Hybrid search: candidates from the lexical (BM25 over FTS5) arm — and the
 * dense arm when an embedder is configured — fused, then re-scored by a
 * feature ranker (IDF-weighted term coverage, BM25, phrase and title match) on
 * the D7 scale, cut at the relevance threshold.
 */
export class SearchService {
  readonly #deps: SearchServiceDeps;
  readonly #dfCache = new Map<string, number>();

  constructor(deps: SearchServiceDeps) {
    this.#deps = deps;
  }

  async search(request: SearchRequest): Promise<SearchOutcome> {
    const { index, log } = this.#deps;
    const timings: Record<string, number> = {};
    const time = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await work();
      } finally {
        timings[name] = Math.round((performance.now() - started) * 100) / 100;
      }
    };

    const filter = request.filter === undefined ? undefined : compileFilter(request.filter);
    const corpus = await time("scope", () => this.#corpus(request, filter));
    const { restriction, stats } = corpus;

    const parsed = await time("parse", () => this.#parse(request.accountId, request.query, restriction));
    const terms = parsed.terms;
    const termTokens = terms.map(analyzeTerm);
    const mode = request.mode ?? "hybrid";
    // The two arms run side by side: the query embedding (in the embedder's thread) and then its
    // KNN (in the vector index's), while the lexical terms are chosen and their BM25 query runs (in
    // the search index's thread, when it has one).
    const denseArm = this.#deps.dense;
    const embedding =
      mode === "lexical" || !denseArm || stats.documents === 0
        ? undefined
        : time("embed", () => denseArm.embedQuery(request.query));
    const densePromise = embedding?.then((vector) => time("dense", () => this.#dense(vector, corpus)));
    densePromise?.catch(() => undefined);
    const expression =
      mode === "dense" ? undefined : await time("select", () => this.#lexicalExpression(terms));
    if (stats.documents === 0 || (!expression && mode !== "dense")) {
      return { searchQuery: parsed.rewritten, hits: [], timings };
    }

    const weightsConfig = { ...DEFAULT_WEIGHTS, ...this.#deps.weights };
    // The lexical query is sent once the query vector is back (or failed): the embedding, then the
    // KNN, is the longer chain, and on two cores the BM25 thread would otherwise slow the embedding
    // down; the BM25 query then runs beside the KNN and is done long before it.
    const lexicalPromise =
      mode === "dense" || !expression
        ? Promise.resolve([])
        : (
            embedding?.then(
              () => undefined,
              () => undefined,
            ) ?? Promise.resolve()
          ).then(() =>
            time("lexical", () =>
              index.lexical(request.accountId, { expression, terms: termTokens }, restriction, RETRIEVE),
            ),
          );
    // While the arms run in their threads, this one counts the terms' frequencies in the corpus,
    // then reads and analyses the leading candidates of whichever arm answers first.
    const quoted = terms.map(quoteTerm);
    const frequenciesPromise = time("frequencies", () =>
      this.#frequencies(request.accountId, quoted, corpus),
    );
    frequenciesPromise.catch(() => undefined); // awaited below, after the arms
    const prepared = new Map<number, PreparedChunk>();
    let early: Promise<void> | undefined;
    const prefetch = (rowids: readonly number[]) => {
      early ??= prepareChunks(index, prepared, rowids.slice(0, PREFETCH));
      early.catch(() => undefined);
    };
    // The lexical hits arrive after the query vector was handed to the KNN (see above), so preparing
    // them never holds this thread while the dense chain waits for it.
    void lexicalPromise.then((hits) => prefetch(hits.map((h) => h.rowid))).catch(() => undefined);
    void densePromise?.then((d) => d && prefetch(d.hits.map((h) => h.rowid))).catch(() => undefined);
    const [lexical, dense] = await Promise.all([lexicalPromise, densePromise]);
    const lists: RankedList[] = [];
    if (mode !== "dense") {
      lists.push({
        name: "bm25",
        weight: 1,
        items: lexical.map((h) => ({ id: String(h.rowid), score: h.score })),
      });
    }
    if (dense) {
      lists.push({
        name: "dense",
        weight: 1,
        items: dense.hits.map((h) => ({ id: String(h.rowid), score: h.similarity })),
      });
    }
    const fused: FusedItem[] = reciprocalRankFusion(lists).slice(0, RERANK);
    const rowids = fused.map((f) => Number(f.id));

    // Ranker features, from statistics of the searched corpus only (D7: the same query on the
    // same corpus scores the same, whatever else the server holds).
    const corpusSize = stats.chunks;
    const [frequencies, , cosines] = await time("features", () =>
      Promise.all([
        frequenciesPromise,
        (early ?? Promise.resolve()).then(() => prepareChunks(index, prepared, rowids)),
        dense ? this.#cosines(dense, rowids) : undefined,
      ]),
    );
    const candidates = rowids.flatMap((rowid) => {
      const entry = prepared.get(rowid);
      return entry ? [entry] : [];
    });
    const chunks = candidates.map((c) => c.chunk);
    const idfs = frequencies.map((df) => idf(df, Math.max(corpusSize, 1)));
    // 0.5 + IDF: rare terms count more, but a common term is never worth nothing (small corpora).
    // A term absent from the searched corpus weighs as much as its lightest present term: it makes
    // every chunk less complete without swamping the terms that do occur.
    const present = idfs.filter((_, i) => (frequencies[i] ?? 0) > 0).map((v) => 0.5 + v);
    const absentWeight = present.length > 0 ? Math.min(...present) : 1;
    const weights = idfs.map((v, i) => ((frequencies[i] ?? 0) > 0 ? 0.5 + v : absentWeight));
    const weightSum = weights.reduce((a, b) => a + b, 0) || 1;
    const bm25Ceiling = idfs.reduce((a, v) => a + v * (BM25.k1 + 1), 0) || 1;
    const phraseTokens = termTokens.flat();
    const numericQuery = isNumericQuery(request.query);
    const analysed = new Map(candidates.map((c) => [c.chunk.rowid, c.tokens] as const));
    const averageLength =
      [...analysed.values()].reduce((sum, tokens) => sum + tokens.length, 0) / Math.max(analysed.size, 1);
    const chunkById = new Map(chunks.map((c) => [c.rowid, c]));
    const hitDocuments = await index.documents(request.accountId, [
      ...new Set(
        chunks.filter((c) => !corpus.allowed || corpus.allowed.has(c.documentId)).map((c) => c.documentId),
      ),
    ]);
    const byId = new Map(hitDocuments.map((d) => [d.id, d]));

    const scored: SearchHit[] = [];
    for (const rowid of rowids) {
      const chunk = chunkById.get(rowid);
      const document = chunk && byId.get(chunk.documentId);
      const tokens = analysed.get(rowid);
      if (!chunk || !document || !tokens) continue;
      let covered = 0;
      let bm25 = 0;
      termTokens.forEach((sequence, i) => {
        const tf = countSequence(tokens, sequence);
        if (tf > 0) covered += weights[i] ?? 0;
        bm25 += bm25Term(tf, idfs[i] ?? 0, tokens.length, averageLength);
      });
      const coverage = covered / weightSum;
      const bm25Norm = Math.min(1, bm25 / bm25Ceiling);
      const title = titleMatch(document.fileName, terms);
      const phraseMatch = terms.length > 1 && countSequence(tokens, phraseTokens) > 0 ? 1 : 0;
      const type = chunkTypeFactor(chunk.contentType, numericQuery);
      // Coverage gates the lexical relevance (absolute); BM25 orders within it; phrase, title and the
      // chunk type adjust it a little.
      const lexicalRelevance = coverage * (0.5 + bm25Norm) * (1 + 0.1 * phraseMatch + 0.05 * title) * type;
      const cosine = cosines?.get(rowid);
      const { cosineFloor, cosineCeiling } = weightsConfig;
      const semantic = Math.min(
        1,
        Math.max(0, ((cosine ?? 0) - cosineFloor) / (cosineCeiling - cosineFloor)),
      );
      let relevance = Math.min(1, lexicalRelevance);
      if (cosines && mode === "dense") relevance = semantic;
      else if (cosines) {
        relevance =
          (weightsConfig.lexical * Math.min(1, lexicalRelevance) + weightsConfig.dense * semantic) /
          (weightsConfig.lexical + weightsConfig.dense);
      }
      scored.push({
        chunk,
        document,
        score: toScore(relevance),
        signals: {
          coverage,
          bm25: bm25Norm,
          phrase: phraseMatch,
          title,
          type,
          ...(cosine !== undefined ? { cosine } : {}),
        },
      });
    }
    scored.sort((a, b) => b.score - a.score || a.chunk.rowid - b.chunk.rowid);
    // A score of 0 is no match at all (a nearest neighbour with nothing in common), whatever the threshold.
    const kept = scored.filter((h) => h.score > 0 && h.score >= request.relevance);
    log.debug({ timings, candidates: rowids.length, kept: kept.length }, "search");
    return { searchQuery: parsed.rewritten, hits: kept, timings };
  }

  /**
   * The searched corpus: for a plain bucket search only its size (SQL restricts
   * by bucket); with a filter or a document list, the allowed documents.
   */
  async #corpus(request: SearchRequest, filter: Filter | undefined): Promise<Corpus> {
    const { index } = this.#deps;
    if (request.scope.kind === "buckets" && !filter) {
      const bucketIds = request.scope.bucketIds;
      const stats = await index.bucketStats(request.accountId, bucketIds);
      return {
        restriction: { bucketIds, chunks: stats.chunks },
        stats,
        bucketIds,
        allowed: undefined,
        key: `b:${bucketIds.join(",")}`,
      };
    }
    const all = await index.scopeEntries(request.accountId, request.scope);
    const entries = filter ? all.filter((d) => matchesFilter(filter, d.filter)) : all;
    const allowed = new Set(entries.map((d) => d.id));
    const stats: CorpusStats = {
      documents: entries.length,
      chunks: entries.reduce((sum, d) => sum + d.chunkCount, 0),
      latest:
        entries
          .map((d) => d.updated)
          .sort()
          .at(-1) ?? "",
    };
    const ids = [...allowed].sort();
    return {
      restriction: { documentIds: ids, chunks: stats.chunks },
      stats,
      bucketIds: [...new Set(entries.map((d) => d.bucketId))],
      allowed,
      key: `d:${createHash("sha256").update(ids.join(",")).digest("base64url")}`,
    };
  }

  /**
   * Document frequencies of the query terms in the corpus, cached while the
   * corpus is unchanged (its counts and latest update are part of the key).
   */
  async #frequencies(accountId: string, terms: readonly string[], corpus: Corpus): Promise<number[]> {
    const prefix = `${accountId}|${corpus.key}|${corpus.stats.documents}|${corpus.stats.chunks}|${corpus.stats.latest}|`;
    const missing = terms.filter((t) => !this.#dfCache.has(prefix + t));
    if (missing.length > 0) {
      const counts = await this.#deps.index.documentFrequencies(accountId, missing, corpus.restriction);
      missing.forEach((term, i) => {
        this.#dfCache.set(prefix + term, counts[i] ?? 0);
      });
      while (this.#dfCache.size > DF_CACHE_SIZE) {
        const oldest = this.#dfCache.keys().next().value;
        if (oldest === undefined) break;
        this.#dfCache.delete(oldest);
      }
    }
    return terms.map((t) => this.#dfCache.get(prefix + t) ?? 0);
  }

  /**
   * The dense arm: the query's nearest chunks in the corpus — exact when the
   * allowed set is small or filtered, else KNN per bucket partition.
   */
  async #dense(
    vector: Float32Array,
    corpus: Corpus,
  ): Promise<{ query: Float32Array; hits: readonly VectorHit[] } | undefined> {
    const dense = this.#deps.dense;
    if (!dense || corpus.stats.documents === 0) return undefined;
    const allowed = corpus.allowed;
    if (allowed && corpus.stats.chunks <= EXACT_DENSE_LIMIT) {
      const rowids = await this.#deps.index.chunkRowids([...allowed], EXACT_DENSE_LIMIT);
      const similarities = await dense.vectors.similarities(vector, rowids);
      const hits = [...similarities]
        .map(([rowid, similarity]) => ({ rowid, similarity }))
        .sort((a, b) => b.similarity - a.similarity || a.rowid - b.rowid)
        .slice(0, RETRIEVE);
      return { query: vector, hits };
    }
    // A filter removes some neighbours after the KNN: ask for more.
    const k = allowed ? RETRIEVE * 4 : RETRIEVE;
    const near = await dense.vectors.nearestInBuckets(vector, corpus.bucketIds, k);
    if (!allowed) return { query: vector, hits: near };
    const chunks = await this.#deps.index.chunksByRowid(near.map((h) => h.rowid));
    const keep = new Set(chunks.filter((c) => allowed.has(c.documentId)).map((c) => c.rowid));
    return { query: vector, hits: near.filter((h) => keep.has(h.rowid)).slice(0, RETRIEVE) };
  }

  /** Cosine of every candidate: the dense arm's own similarities, looked up only for the others. */
  async #cosines(
    dense: { query: Float32Array; hits: readonly VectorHit[] },
    rowids: readonly number[],
  ): Promise<ReadonlyMap<number, number>> {
    const known = new Map(dense.hits.map((h) => [h.rowid, h.similarity]));
    const missing = rowids.filter((r) => !known.has(r));
    const looked = await this.#deps.dense?.vectors.similarities(dense.query, missing);
    for (const [rowid, similarity] of looked ?? []) known.set(rowid, similarity);
    return known;
  }

  /** The lexical arm's FTS expression: the query's terms that are not too common in the index. */
  async #lexicalExpression(terms: readonly QueryTerm[]): Promise<string | undefined> {
    if (terms.length <= 1) return toFtsExpression(terms);
    const { size, frequencies } = await this.#deps.index.indexFrequencies(terms.map(quoteTerm));
    return toFtsExpression(selectLexicalTerms(terms, frequencies, size, this.#deps.commonTermShare));
  }

  /** Parse the query; a long one is condensed to its rarest terms (document frequency from the index). */
  async #parse(accountId: string, query: string, restriction: Restriction) {
    const first = parseQuery(query);
    if (first.wordCount <= LONG_QUERY_WORDS) return first;
    const candidates = queryTerms(query).slice(0, 128);
    const counts = await this.#deps.index.documentFrequencies(
      accountId,
      candidates.map(quoteTerm),
      restriction,
    );
    const frequency = new Map(candidates.map((term, i) => [term.text, counts[i] ?? 0]));
    return parseQuery(query, (text) => frequency.get(text) ?? 0);
  }
}

/** Words that ask for figures, amounts or comparisons: a table is the likely answer. */
const TABULAR_WORDS =
  /\b(how (many|much)|number of|total|percent(age)?|rate|ratio|average|amount|price|cost|count|table|compare|comparison|versus|vs)\b/i;

/** Whether a query asks for numbers (contains a digit or a tabular word). */
export function isNumericQuery(query: string): boolean {
  return /\p{Nd}/u.test(query) || TABULAR_WORDS.test(query);
}

/**
 * The chunk-type feature: tables answer numeric questions best (+10 %), figures
 * carry little text of their own (their caption and OCR'd labels: −10 %),
 * paragraphs are the reference.
 *
 * @example chunkTypeFactor("table", true) === 1.1; chunkTypeFactor("paragraph", true) === 1
 */
export function chunkTypeFactor(contentType: string, numericQuery: boolean): number {
  if (contentType === "table") return numericQuery ? 1.1 : 1;
  if (contentType === "figure") return 0.9;
  return 1;
}

/** 1 when a query term appears in the file name (without extension). */
function titleMatch(fileName: string, terms: readonly QueryTerm[]): number {
  const name = fileName.replace(/\.[A-Za-z0-9]{1,5}$/, "").toLowerCase();
  return terms.some((t) => !t.cjk && t.text.length > 2 && name.includes(t.text)) ? 1 : 0;
}
