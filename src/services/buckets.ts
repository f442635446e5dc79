import type { MetadataStore } from "../store/contracts/metadata-store.js";

/**
 * Work that must happen before a bucket disappears: purging its documents,
 * chunks, index entries and stored files. Subsystems that own per-bucket data
 * register one (the documents store does, from the ingestion pipeline on).
 * Hooks must be idempotent: if one fails, the bucket is kept and a retried
 * delete runs every hook again.
 */
export type BucketDeletionHook = (accountId: string, bucketId: number) => Promise<void>;

/** Bucket operations that span more than the metadata store. */
export class BucketService {
  readonly #store: MetadataStore;
  readonly #deletionHooks: BucketDeletionHook[] = [];

  constructor(store: MetadataStore) {
    this.#store = store;
  }

  onDelete(hook: BucketDeletionHook): this {
    this.#deletionHooks.push(hook);
    return this;
  }

  /**
   * Delete a bucket and everything in it (CONTRACT.md §7): run every deletion
   * hook, then remove the bucket with its group memberships and workflow
   * assignments. Returns false when the bucket is not in the account.
   */
  async delete(accountId: string, bucketId: number): Promise<boolean> {
    if (!(await this.#store.getBucket(accountId, bucketId))) return false;
    for (const hook of this.#deletionHooks) await hook(accountId, bucketId);
    return this.#store.deleteBucket(accountId, bucketId);
  }
}
