import type { WorkflowDefinition } from "./workflow/index.js";

/**
 * Domain types shared by the store, the services and the presenters. They carry
 * no I/O and never reach the wire directly: presenters shape them into the
 * GroundX response objects.
 */

export type AccountStatus = "admin" | "user";

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly first: string | undefined;
  readonly last: string | undefined;
  readonly status: AccountStatus;
  readonly created: Date;
}

/** An API key as stored: only its SHA-256 hash and a display prefix (D4). */
export interface ApiKeyRecord {
  readonly hash: string;
  /** First 8 characters of the plaintext key, shown masked in lists. */
  readonly prefix: string;
  readonly accountId: string;
  readonly name: string;
  readonly created: Date;
}

export interface Bucket {
  readonly id: number;
  readonly accountId: string;
  readonly name: string;
  /** Documents in the bucket (maintained by the documents store). */
  readonly fileCount: number;
  /** Total bytes of the bucket's original files. */
  readonly fileBytes: number;
  readonly created: Date;
  readonly updated: Date;
}

export interface Group {
  readonly id: number;
  readonly accountId: string;
  readonly name: string;
  readonly buckets: readonly Bucket[];
  readonly created: Date;
  readonly updated: Date;
}

/** Where a workflow is assigned (CONTRACT.md §2.8 `relationships`). */
export interface WorkflowRelationships {
  readonly account: boolean;
  /** Bucket and group ids the workflow is assigned to, ascending. */
  readonly ids: readonly number[];
}

export interface Workflow {
  readonly id: string;
  readonly accountId: string;
  readonly definition: WorkflowDefinition;
  readonly relationships: WorkflowRelationships;
  readonly created: Date;
  readonly updated: Date;
}

export const USAGE_METRICS = ["searches", "fileTokens"] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

/** One page of a keyset-paginated list. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Every item matching the query, across all pages. */
  readonly total: number;
  /** Items after this page. */
  readonly remaining: number;
}

/** Keyset page request: items with an id greater than `afterId`, at most `limit`. */
export interface PageRequest {
  readonly limit: number;
  readonly afterId: number;
}
