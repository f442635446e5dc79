/** The GroundX response shapes the CLI reads (CONTRACT.md §2, §4, §6, §7); other fields are ignored. */

export interface BucketDetail {
  bucketId: number;
  name?: string;
  fileCount?: number;
  fileSize?: string;
  created?: string;
  updated?: string;
}

export interface BucketResponse {
  bucket: BucketDetail;
}

export interface BucketListResponse {
  buckets?: BucketDetail[];
  count?: number;
  total?: number;
  remaining?: number | null;
  nextToken?: string;
}

export interface DocumentDetail {
  documentId: string;
  bucketId?: number;
  fileName?: string;
  fileSize?: string;
  fileType?: string;
  processId?: string;
  sourceUrl?: string;
  status?: string;
  statusMessage?: string;
}

export interface DocumentListResponse {
  documents?: DocumentDetail[];
  count?: number;
  total?: number;
  remaining?: number | null;
  nextToken?: string;
}

export const PROGRESS_KEYS = ["queued", "processing", "complete", "errors", "cancelled"] as const;
export type ProgressKey = (typeof PROGRESS_KEYS)[number];

export interface ProgressBucket {
  total?: number;
  documents?: DocumentDetail[];
}

export interface IngestStatus {
  processId: string;
  status: string;
  id?: number;
  statusMessage?: string;
  progress?: Partial<Record<ProgressKey, ProgressBucket>>;
}

export interface IngestResponse {
  ingest: IngestStatus;
}

/** Processes are finished in these states (§1.9). */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(["complete", "error", "cancelled"]);

export interface RemoteDocument {
  bucketId: number;
  sourceUrl: string;
  fileName?: string;
  fileType?: string;
  processLevel?: "full" | "none";
}

export interface LocalMetadata {
  bucketId: number;
  fileName: string;
  fileType: string;
  processLevel?: "full" | "none";
}

export interface WebsiteSource {
  bucketId: number;
  sourceUrl: string;
  depth?: number;
  cap?: number;
}

export interface SearchResultItem {
  score?: number;
  text?: string;
  suggestedText?: string;
  documentId?: string;
  bucketId?: number;
  chunkId?: string;
  fileName?: string;
  sourceUrl?: string;
  boundingBoxes?: { pageNumber?: number }[];
  pages?: { number?: number }[];
}

export interface SearchResponse {
  search: {
    query?: string;
    searchQuery?: string;
    count?: number;
    score?: number;
    text?: string;
    results?: SearchResultItem[];
    nextToken?: string;
  };
}
