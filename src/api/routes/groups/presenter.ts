import { formatFileSize, toRfc3339 } from "../../../core/format.js";
import type { Group } from "../../../core/types.js";
import { presentBucket } from "../buckets/presenter.js";

/** GroupDetail (CONTRACT.md §2.7): aggregates cover every member bucket. */
export function presentGroup(group: Group) {
  return {
    groupId: group.id,
    name: group.name,
    buckets: group.buckets.map(presentBucket),
    fileCount: group.buckets.reduce((sum, b) => sum + b.fileCount, 0),
    fileSize: formatFileSize(group.buckets.reduce((sum, b) => sum + b.fileBytes, 0)),
    created: toRfc3339(group.created),
    updated: toRfc3339(group.updated),
  };
}
