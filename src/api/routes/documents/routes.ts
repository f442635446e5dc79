import type { FastifyRequest } from "fastify";
import { isUuid } from "../../../core/ids.js";
import { decodeNextToken, encodeNextToken, PAGE_SIZE } from "../../../core/pagination.js";
import { AppError, invalid } from "../../../errors/index.js";
import { blobKeys } from "../../../ingest/urls.js";
import type { DocumentQuery, DocumentStatus } from "../../../store/contracts/document-store.js";
import type { ApiContext, ApiInstance } from "../../context.js";
import { httpUrlParam, resourceIdParam } from "../../params.js";
import { presentDocument } from "../../presenters/documents.js";
import { errorResponses } from "../../schemas/common.js";
import {
  DocumentIdParams,
  DocumentListQuery,
  DocumentListResponse,
  DocumentResponse,
  DocumentsDeleteQuery,
  DocumentUpdateBody,
  IngestResponse,
  LookupParams,
  type PROCESSING_STATUSES,
  XRayResponse,
} from "./schema.js";

const tags = ["Documents"];

/** ProcessingStatus filter → Openground's statuses (D10: training/generating are processing). */
const STATUS_FILTER: Record<(typeof PROCESSING_STATUSES)[number], readonly DocumentStatus[]> = {
  queued: ["queued"],
  training: ["processing"],
  generating: ["processing"],
  processing: ["processing"],
  error: ["error"],
  complete: ["complete"],
  cancelled: ["cancelled"],
  active: ["queued", "processing"],
  inactive: ["complete", "error", "cancelled"],
};

type ListQuery = {
  n?: number;
  filter?: string;
  sort?: "name" | "created";
  sortOrder?: "asc" | "desc";
  status?: (typeof PROCESSING_STATUSES)[number];
  nextToken?: string;
};

/** A document id from the path: a UUID, else 400 (D2). */
export function documentIdParam(raw: string): string {
  if (!isUuid(raw)) throw new AppError("MALFORMED_ID", `documentId: must be a UUID (got "${raw}")`);
  return raw.toLowerCase();
}

/** CONTRACT.md §4.4–§4.11: reading, updating and deleting documents. */
export async function documentRoutes(app: ApiInstance, ctx: ApiContext): Promise<void> {
  const { documents, ingest, urls, metadata } = { ...ctx, metadata: ctx.store };

  /** One page of documents with count/total/remaining and a bound nextToken. */
  async function page(
    request: FastifyRequest,
    route: string,
    query: ListQuery,
    scope: Partial<DocumentQuery>,
  ) {
    const sort = query.sort ?? "created";
    const order = query.sortOrder ?? (sort === "name" ? "asc" : "desc");
    const tokenScope = {
      route,
      accountId: request.account.id,
      params: { filter: query.filter, sort, order, status: query.status, scope: JSON.stringify(scope) },
    };
    let after: readonly [string, string] | undefined;
    if (query.nextToken) {
      const cursor = decodeNextToken(query.nextToken, tokenScope);
      if (!Array.isArray(cursor) || cursor.length !== 2 || !cursor.every((c) => typeof c === "string")) {
        throw new AppError("INVALID_NEXT_TOKEN", "nextToken: is not a token issued by this server");
      }
      after = [cursor[0] as string, cursor[1] as string];
    }
    const result = await documents.listDocuments(request.account.id, {
      ...scope,
      ...(query.filter ? { fileNameContains: query.filter } : {}),
      ...(query.status ? { statuses: STATUS_FILTER[query.status] } : {}),
      sort,
      order,
      limit: query.n ?? PAGE_SIZE.default,
      ...(after ? { after } : {}),
    });
    const last = result.items.at(-1);
    const cursor = last ? [sort === "name" ? last.fileName : last.created.toISOString(), last.id] : undefined;
    return {
      documents: result.items.map((d) => presentDocument(d, urls)),
      count: result.items.length,
      total: result.total,
      remaining: result.remaining,
      ...(result.remaining > 0 && cursor ? { nextToken: encodeNextToken(tokenScope, cursor) } : {}),
    };
  }

  app.get(
    "/ingest/documents",
    {
      schema: {
        tags,
        summary: "List the account's documents",
        querystring: DocumentListQuery,
        response: { 200: DocumentListResponse, ...errorResponses },
      },
    },
    async (request) => page(request, "documents.list", request.query, {}),
  );

  app.get(
    "/ingest/documents/:id",
    {
      schema: {
        tags,
        summary: "Documents of a process, bucket or group",
        params: LookupParams,
        querystring: DocumentListQuery,
        response: { 200: DocumentListResponse, ...errorResponses },
      },
    },
    async (request) => {
      const id = resourceIdParam(request.params.id, "id");
      const accountId = request.account.id;
      if (id.kind === "uuid") {
        if (!(await documents.getProcess(accountId, id.value))) {
          throw new AppError("PROCESS_NOT_FOUND", `id: no process ${id.value} in this account`);
        }
        return page(request, "documents.lookup", request.query, { processId: id.value });
      }
      const kind = await metadata.resolveContainer(accountId, id.value);
      if (kind === "bucket")
        return page(request, "documents.lookup", request.query, { bucketIds: [id.value] });
      if (kind === "group") {
        const group = await metadata.getGroup(accountId, id.value);
        const bucketIds = group?.buckets.map((b) => b.id) ?? [];
        return page(request, "documents.lookup", request.query, { bucketIds });
      }
      throw new AppError("CONTAINER_NOT_FOUND", `id: no bucket or group ${id.value} in this account`);
    },
  );

  app.get(
    "/ingest/document/:documentId",
    {
      schema: {
        tags,
        summary: "Get a document",
        params: DocumentIdParams,
        response: { 200: DocumentResponse, ...errorResponses },
      },
    },
    async (request) => {
      const documentId = documentIdParam(request.params.documentId);
      const document = await documents.getDocument(request.account.id, documentId);
      if (!document) throw new AppError("DOCUMENT_NOT_FOUND", `documentId ${documentId} was not found`);
      return { document: presentDocument(document, urls) };
    },
  );

  app.put(
    "/ingest/documents",
    {
      schema: {
        tags,
        summary: "Replace fileName, filter or searchData of documents (re-indexed without re-parsing)",
        body: DocumentUpdateBody,
        response: { 200: IngestResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { documents: changes, callbackUrl, callbackData } = request.body;
      if (changes.length > ctx.config.ingest.maxDocumentsPerRequest) {
        throw invalid(
          "documents",
          `at most ${ctx.config.ingest.maxDocumentsPerRequest} documents per request`,
        );
      }
      changes.forEach((c, i) => {
        if (!isUuid(c.documentId)) throw invalid(`documents[${i}].documentId`, "must be a UUID");
      });
      const callback = callbackUrl ? { callbackUrl: checkCallbackUrl(callbackUrl), callbackData } : {};
      const process = await ingest.update(
        request.account.id,
        changes.map((c) => ({ ...c, documentId: c.documentId.toLowerCase() })),
        callback,
      );
      return { ingest: { processId: process.id, status: "queued" } };
    },
  );

  app.delete(
    "/ingest/documents",
    {
      schema: {
        tags,
        summary: "Delete documents (documentIds repeated and/or comma-separated)",
        querystring: DocumentsDeleteQuery,
        response: { 200: IngestResponse, ...errorResponses },
      },
    },
    async (request) => {
      const raw = request.query.documentIds;
      const ids = [
        ...new Set((Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(",")).map((v) => v.trim())),
      ].filter((v) => v !== "");
      if (ids.length === 0) throw invalid("documentIds", "is required");
      const bad = ids.find((id) => !isUuid(id));
      if (bad) throw invalid("documentIds", `"${bad}" is not a UUID`);
      const process = await ingest.delete(
        request.account.id,
        ids.map((id) => id.toLowerCase()),
      );
      return { ingest: { processId: process.id, status: "queued" } };
    },
  );

  app.delete(
    "/ingest/document/:documentId",
    {
      schema: {
        tags,
        summary: "Delete a document",
        params: DocumentIdParams,
        response: { 200: IngestResponse, ...errorResponses },
      },
    },
    async (request) => {
      const process = await ingest.delete(request.account.id, [documentIdParam(request.params.documentId)]);
      return { ingest: { processId: process.id, status: "queued" } };
    },
  );

  app.get(
    "/ingest/document/xray/:documentId",
    {
      schema: {
        tags,
        summary: "The document's X-Ray (bare JSON, §5)",
        params: DocumentIdParams,
        response: { 200: XRayResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const documentId = documentIdParam(request.params.documentId);
      const document = await documents.getDocument(request.account.id, documentId);
      if (!document) throw new AppError("DOCUMENT_NOT_FOUND", `documentId ${documentId} was not found`);
      const xray =
        document.status === "complete" ? await ctx.blobs.get(blobKeys.xray(documentId)) : undefined;
      if (!xray) {
        throw new AppError(
          "XRAY_NOT_READY",
          `documentId ${documentId} has no X-Ray: its status is ${document.status}`,
        );
      }
      return reply.type("application/json").send(Buffer.from(xray));
    },
  );

  app.get(
    "/ingest/document/extract/:documentId",
    {
      schema: {
        tags,
        summary: "Extraction results of an extract workflow",
        params: DocumentIdParams,
        response: { 200: XRayResponse, ...errorResponses },
      },
    },
    async (request) => {
      const documentId = documentIdParam(request.params.documentId);
      if (!(await documents.getDocument(request.account.id, documentId))) {
        throw new AppError("DOCUMENT_NOT_FOUND", `documentId ${documentId} was not found`);
      }
      // No extract workflow has run on this document, so there is no extraction output (§4.11).
      throw new AppError("EXTRACT_NOT_FOUND");
    },
  );
}

/** A callback URL must be an absolute http(s) URL; where it points is checked when it is called. */
export function checkCallbackUrl(raw: string, field = "callbackUrl"): string {
  return httpUrlParam(raw, field).toString();
}
