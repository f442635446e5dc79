/** Identity of the vectors in an index: chunks embedded by another model are not comparable. */
export interface VectorModel {
  readonly id: string;
  readonly dimensions: number;
}

export interface VectorHit {
  readonly rowid: number;
  /** Cosine similarity in [-1, 1]. */
  readonly similarity: number;
}

/**
 * Dense retrieval over chunk vectors. Vectors are written by the document
 * store together with the chunks they belong to; this is the read side.
 */
export interface VectorIndex {
  readonly model: VectorModel;
  /** The k nearest chunks of the given buckets (cosine), best first. */
  nearestInBuckets(
    vector: Float32Array,
    bucketIds: readonly number[],
    k: number,
  ): Promise<readonly VectorHit[]>;
  /** Similarity of the query to specific chunks (document-scoped searches, re-ranking). */
  similarities(vector: Float32Array, rowids: readonly number[]): Promise<ReadonlyMap<number, number>>;
}
