import { decodeIdCursor, encodeNextToken, PAGE_SIZE } from "../../../core/pagination.js";
import { AppError } from "../../../errors/index.js";
import type { ApiContext, ApiInstance } from "../../context.js";
import { containerIdParam } from "../../params.js";
import { errorResponses, MessageResponse } from "../../schemas/common.js";
import { presentGroup } from "./presenter.js";
import {
  GroupBucketParams,
  GroupCreateBody,
  GroupIdParams,
  GroupListQuery,
  GroupListResponse,
  GroupResponse,
  GroupUpdateBody,
} from "./schema.js";

const tags = ["Groups"];
const groupNotFound = (id: number) => new AppError("GROUP_NOT_FOUND", `groupId ${id} was not found`);

/** CONTRACT.md §8. */
export async function groupRoutes(app: ApiInstance, { store }: ApiContext): Promise<void> {
  app.get(
    "/group",
    {
      schema: {
        tags,
        summary: "List groups",
        querystring: GroupListQuery,
        response: { 200: GroupListResponse, ...errorResponses },
      },
    },
    async (request) => {
      const scope = { route: "group.list", accountId: request.account.id };
      const afterId = decodeIdCursor(request.query.nextToken, scope);
      const page = await store.listGroups(request.account.id, {
        afterId,
        limit: request.query.n ?? PAGE_SIZE.default,
      });
      const last = page.items.at(-1);
      return {
        groups: page.items.map(presentGroup),
        count: page.items.length,
        total: page.total,
        remaining: page.remaining,
        ...(page.remaining > 0 && last ? { nextToken: encodeNextToken(scope, last.id) } : {}),
      };
    },
  );

  app.post(
    "/group",
    {
      schema: {
        tags,
        summary: "Create a group",
        body: GroupCreateBody,
        response: { 200: GroupResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { name, bucketName } = request.body;
      return {
        group: presentGroup(await store.createGroup(request.account.id, name.trim(), bucketName?.trim())),
      };
    },
  );

  app.get(
    "/group/:groupId",
    {
      schema: {
        tags,
        summary: "Get a group",
        params: GroupIdParams,
        response: { 200: GroupResponse, ...errorResponses },
      },
    },
    async (request) => {
      const groupId = containerIdParam(request.params.groupId, "groupId");
      const group = await store.getGroup(request.account.id, groupId);
      if (!group) throw groupNotFound(groupId);
      return { group: presentGroup(group) };
    },
  );

  app.put(
    "/group/:groupId",
    {
      schema: {
        tags,
        summary: "Rename a group",
        params: GroupIdParams,
        body: GroupUpdateBody,
        response: { 200: GroupResponse, ...errorResponses },
      },
    },
    async (request) => {
      const groupId = containerIdParam(request.params.groupId, "groupId");
      const group = await store.renameGroup(request.account.id, groupId, request.body.newName.trim());
      if (!group) throw groupNotFound(groupId);
      return { group: presentGroup(group) };
    },
  );

  app.delete(
    "/group/:groupId",
    {
      schema: {
        tags,
        summary: "Delete a group (its buckets are kept)",
        params: GroupIdParams,
        response: { 200: MessageResponse, ...errorResponses },
      },
    },
    async (request) => {
      const groupId = containerIdParam(request.params.groupId, "groupId");
      if (!(await store.deleteGroup(request.account.id, groupId))) throw groupNotFound(groupId);
      return { message: `Group ${groupId} deleted` };
    },
  );

  /** Check both ids before changing a membership, so each gets its own 404. */
  async function membershipIds(accountId: string, params: { groupId: string; bucketId: string }) {
    const groupId = containerIdParam(params.groupId, "groupId");
    const bucketId = containerIdParam(params.bucketId, "bucketId");
    if (!(await store.getGroup(accountId, groupId))) throw groupNotFound(groupId);
    if (!(await store.getBucket(accountId, bucketId))) {
      throw new AppError("BUCKET_NOT_FOUND", `bucketId ${bucketId} was not found`);
    }
    return { groupId, bucketId };
  }

  app.post(
    "/group/:groupId/bucket/:bucketId",
    {
      schema: {
        tags,
        summary: "Add a bucket to a group (idempotent)",
        params: GroupBucketParams,
        response: { 200: MessageResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { groupId, bucketId } = await membershipIds(request.account.id, request.params);
      await store.addBucketToGroup(request.account.id, groupId, bucketId);
      return { message: `Bucket ${bucketId} is in group ${groupId}` };
    },
  );

  app.delete(
    "/group/:groupId/bucket/:bucketId",
    {
      schema: {
        tags,
        summary: "Remove a bucket from a group (idempotent)",
        params: GroupBucketParams,
        response: { 200: MessageResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { groupId, bucketId } = await membershipIds(request.account.id, request.params);
      await store.removeBucketFromGroup(request.account.id, groupId, bucketId);
      return { message: `Bucket ${bucketId} is not in group ${groupId}` };
    },
  );
}
