import { formatFileSize, toRfc3339 } from "../../../core/format.js";
import type { Bucket } from "../../../core/types.js";

/** BucketDetail (CONTRACT.md §2.6). */
export function presentBucket(bucket: Bucket) {
  return {
    bucketId: bucket.id,
    name: bucket.name,
    fileCount: bucket.fileCount,
    fileSize: formatFileSize(bucket.fileBytes),
    created: toRfc3339(bucket.created),
    updated: toRfc3339(bucket.updated),
  };
}
