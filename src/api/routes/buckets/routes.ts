import { decodeIdCursor, encodeNextToken, PAGE_SIZE } from "../../../core/pagination.js";
import { AppError } from "../../../errors/index.js";
import type { ApiContext, ApiInstance } from "../../context.js";
import { containerIdParam } from "../../params.js";
import { errorResponses, MessageResponse } from "../../schemas/common.js";
import { presentBucket } from "./presenter.js";
import {
  BucketCreateBody,
  BucketIdParams,
  BucketListQuery,
  BucketListResponse,
  BucketResponse,
  BucketUpdateBody,
  BucketUpdateResponse,
} from "./schema.js";

const tags = ["Buckets"];

/** CONTRACT.md §7. */
export async function bucketRoutes(app: ApiInstance, { store, buckets }: ApiContext): Promise<void> {
  app.get(
    "/bucket",
    {
      schema: {
        tags,
        summary: "List buckets",
        querystring: BucketListQuery,
        response: { 200: BucketListResponse, ...errorResponses },
      },
    },
    async (request) => {
      const scope = { route: "bucket.list", accountId: request.account.id };
      const afterId = decodeIdCursor(request.query.nextToken, scope);
      const page = await store.listBuckets(request.account.id, {
        afterId,
        limit: request.query.n ?? PAGE_SIZE.default,
      });
      const last = page.items.at(-1);
      return {
        buckets: page.items.map(presentBucket),
        count: page.items.length,
        total: page.total,
        remaining: page.remaining,
        ...(page.remaining > 0 && last ? { nextToken: encodeNextToken(scope, last.id) } : {}),
      };
    },
  );

  app.post(
    "/bucket",
    {
      schema: {
        tags,
        summary: "Create a bucket",
        body: BucketCreateBody,
        response: { 200: BucketResponse, ...errorResponses },
      },
    },
    async (request) => ({
      bucket: presentBucket(await store.createBucket(request.account.id, request.body.name.trim())),
    }),
  );

  app.get(
    "/bucket/:bucketId",
    {
      schema: {
        tags,
        summary: "Get a bucket",
        params: BucketIdParams,
        response: { 200: BucketResponse, ...errorResponses },
      },
    },
    async (request) => {
      const bucketId = containerIdParam(request.params.bucketId, "bucketId");
      const bucket = await store.getBucket(request.account.id, bucketId);
      if (!bucket) throw new AppError("BUCKET_NOT_FOUND", `bucketId ${bucketId} was not found`);
      return { bucket: presentBucket(bucket) };
    },
  );

  app.put(
    "/bucket/:bucketId",
    {
      schema: {
        tags,
        summary: "Rename a bucket",
        params: BucketIdParams,
        body: BucketUpdateBody,
        response: { 200: BucketUpdateResponse, ...errorResponses },
      },
    },
    async (request) => {
      const bucketId = containerIdParam(request.params.bucketId, "bucketId");
      const bucket = await store.renameBucket(request.account.id, bucketId, request.body.newName.trim());
      if (!bucket) throw new AppError("BUCKET_NOT_FOUND", `bucketId ${bucketId} was not found`);
      return { bucket: { bucketId: bucket.id, name: bucket.name } };
    },
  );

  app.delete(
    "/bucket/:bucketId",
    {
      schema: {
        tags,
        summary: "Delete a bucket and all of its documents",
        params: BucketIdParams,
        response: { 200: MessageResponse, ...errorResponses },
      },
    },
    async (request) => {
      const bucketId = containerIdParam(request.params.bucketId, "bucketId");
      if (!(await buckets.delete(request.account.id, bucketId))) {
        throw new AppError("BUCKET_NOT_FOUND", `bucketId ${bucketId} was not found`);
      }
      return { message: `Bucket ${bucketId} deleted` };
    },
  );
}
