import { Type } from "typebox";
import { PaginationQuery, Timestamp } from "../../schemas/common.js";

/** A display name: 1–256 characters, not blank, no control characters. */
export const Name = Type.String({
  minLength: 1,
  maxLength: 256,
  pattern: "^(?=[\\s\\S]*\\S)[^\\u0000-\\u001f\\u007f]+$",
});

export const BucketDetail = Type.Object(
  {
    bucketId: Type.Integer(),
    name: Type.String(),
    fileCount: Type.Integer({ description: "Documents in the bucket" }),
    fileSize: Type.String({ description: 'Total size of the originals, e.g. "1.4MB" (base 1024)' }),
    created: Timestamp,
    updated: Timestamp,
  },
  { $id: "BucketDetail" },
);

export const BucketIdParams = Type.Object({ bucketId: Type.String({ description: "bucketId" }) });

export const BucketListQuery = PaginationQuery;

export const BucketListResponse = Type.Object({
  buckets: Type.Array(BucketDetail),
  count: Type.Integer({ description: "Buckets in this page" }),
  total: Type.Integer({ description: "Buckets in the account" }),
  remaining: Type.Integer({ description: "Buckets after this page" }),
  nextToken: Type.Optional(Type.String()),
});

export const BucketCreateBody = Type.Object({ name: Name });
export const BucketResponse = Type.Object({ bucket: BucketDetail });

export const BucketUpdateBody = Type.Object({ newName: Name });
export const BucketUpdateResponse = Type.Object({
  bucket: Type.Object({ bucketId: Type.Integer(), name: Type.String() }),
});
