import { Type } from "typebox";
import { PaginationQuery, Timestamp } from "../../schemas/common.js";
import { BucketDetail, Name } from "../buckets/schema.js";

export const GroupDetail = Type.Object(
  {
    groupId: Type.Integer(),
    name: Type.String(),
    buckets: Type.Array(BucketDetail),
    fileCount: Type.Integer({ description: "Documents in all member buckets" }),
    fileSize: Type.String({ description: "Total size of all member buckets" }),
    created: Timestamp,
    updated: Timestamp,
  },
  { $id: "GroupDetail" },
);

export const GroupIdParams = Type.Object({ groupId: Type.String() });
export const GroupBucketParams = Type.Object({ groupId: Type.String(), bucketId: Type.String() });

export const GroupListQuery = PaginationQuery;
export const GroupListResponse = Type.Object({
  groups: Type.Array(GroupDetail),
  count: Type.Integer(),
  total: Type.Integer(),
  remaining: Type.Integer(),
  nextToken: Type.Optional(Type.String()),
});

export const GroupCreateBody = Type.Object({
  name: Name,
  bucketName: Type.Optional({
    ...Name,
    description: "Also create a bucket with this name and add it to the group",
  }),
});
export const GroupUpdateBody = Type.Object({ newName: Name });
export const GroupResponse = Type.Object({ group: GroupDetail });
