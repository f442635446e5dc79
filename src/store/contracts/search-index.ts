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

export interface IndexedChunk extends StoredChunk {
  readonly rowid: number;
  readonly documentId: string;
}

/**
 * The read side of search: lexical retrieval over the chunk index and the
 * lookups the ranker needs. Dense retrieval lives in the VectorIndex.
 */
export interface SearchIndex {
  /** The account's complete documents in scope. */
  scopeDocuments(accountId: string, scope: SearchScope): Promise<readonly DocumentRecord[]>;
  /**
   * BM25 search of an FTS expression (built by search/query.ts, never raw user
   * text) over the chunks of `documentIds`; best first.
   */
  lexical(expression: string, documentIds: readonly string[], limit: number): Promise<readonly LexicalHit[]>;
  /** For each FTS term/phrase, which of `rowids` contain it. */
  termHits(
    terms: readonly string[],
    rowids: readonly number[],
  ): Promise<ReadonlyMap<string, ReadonlySet<number>>>;
  /** Chunks containing the term/phrase, over the whole index (for IDF). */
  documentFrequency(term: string): Promise<number>;
  /** Chunks in the whole index. */
  chunkCount(): Promise<number>;
  chunksByRowid(rowids: readonly number[]): Promise<readonly IndexedChunk[]>;
  /** Rowids of the chunks of some documents, at most `limit`. */
  chunkRowids(documentIds: readonly string[], limit: number): Promise<readonly number[]>;
}
