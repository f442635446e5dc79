import type { DocumentRecord, StoredChunk } from "./document-store.js";

/** Where a search looks: the complete documents of some buckets, or some documents. */
export type SearchScope =
  | { readonly kind: "buckets"; readonly bucketIds: readonly number[] }
  | { readonly kind: "documents"; readonly documentIds: readonly string[] };

export interface LexicalHit {
  /** Stable id of the chunk inside the index. */
  readonly rowid: number;
  readonly documentId: string;
  /** BM25 with field weights; higher is better (positive). */
  readonly score: number;
}

/** A searchable document, as little of it as ranking needs. */
export interface ScopeEntry {
  readonly id: string;
  readonly bucketId: number;
  readonly chunkCount: number;
  readonly updated: string;
  readonly filter: Readonly<Record<string, unknown>> | undefined;
}

/** How big a searched corpus is, and a marker that changes whenever it changes. */
export interface CorpusStats {
  readonly documents: number;
  readonly chunks: number;
  /** Latest update of any document in it (with the counts: a cache key of its statistics). */
  readonly latest: string;
}

/** A lexical query, in the two forms an index may answer. */
export interface LexicalQuery {
  /**
   * FTS5 expression of the terms worth walking (built by search/query.ts, never raw user text):
   * what an FTS5 index runs.
   */
  readonly expression: string;
  /**
   * Every query term as its analysed tokens (search/analyze.ts `analyzeTerm`): what an in-memory
   * index scores, all of them (a CJK run is one term of several tokens, a phrase).
   */
  readonly terms: readonly (readonly string[])[];
}

/** What lexical retrieval is restricted to: whole buckets, or a list of documents. */
export type Restriction = (
  | { readonly bucketIds: readonly number[]; readonly documentIds?: undefined }
  | { readonly documentIds: readonly string[]; readonly bucketIds?: undefined }
) & {
  /**
   * Chunks in scope, when the caller knows it: lets an index pick a cheaper
   * plan (rank first, then restrict) when the scope is most of the index. It
   * never changes the results.
   */
  readonly chunks?: number;
};

export interface IndexedChunk extends StoredChunk {
  readonly rowid: number;
  readonly documentId: string;
}

/**
 * The read side of search: lexical retrieval over the chunk index and the
 * lookups the ranker needs. Dense retrieval lives in the VectorIndex.
 */
export interface SearchIndex {
  /**
   * Resolves once the index's in-memory structures (if any) are built: true, or false when it has
   * none. Searches work before that, only slower.
   */
  warm(): Promise<boolean>;
  /** Size and freshness of the account's complete documents in some buckets (no listing). */
  bucketStats(accountId: string, bucketIds: readonly number[]): Promise<CorpusStats>;
  /** The account's complete documents in scope (light entries). */
  scopeEntries(accountId: string, scope: SearchScope): Promise<readonly ScopeEntry[]>;
  /** Full records of some of the account's documents. */
  documents(accountId: string, documentIds: readonly string[]): Promise<readonly DocumentRecord[]>;
  /**
   * BM25 search over the complete chunks of the account within `restriction`; best first.
   */
  lexical(
    accountId: string,
    query: LexicalQuery,
    restriction: Restriction,
    limit: number,
  ): Promise<readonly LexicalHit[]>;
  /** For each FTS term/phrase, how many complete chunks within `restriction` contain it. */
  documentFrequencies(
    accountId: string,
    terms: readonly string[],
    restriction: Restriction,
  ): Promise<number[]>;
  /**
   * Index-wide document frequency of each FTS term (every account's chunks),
   * and the number of indexed chunks. Cheap; used only to choose which terms
   * are worth walking, never in a score.
   */
  indexFrequencies(terms: readonly string[]): Promise<{ size: number; frequencies: number[] }>;
  chunksByRowid(rowids: readonly number[]): Promise<readonly IndexedChunk[]>;
  /** Rowids of the chunks of some documents, at most `limit`. */
  chunkRowids(documentIds: readonly string[], limit: number): Promise<readonly number[]>;
}
