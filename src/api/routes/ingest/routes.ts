import multipart from "@fastify/multipart";
import { isUuid } from "../../../core/ids.js";
import { AppError, invalid } from "../../../errors/index.js";
import { deriveProcessStatus } from "../../../ingest/process-status.js";
import type { ApiContext, ApiInstance } from "../../context.js";
import { httpUrlParam } from "../../params.js";
import { presentIngestStatus, presentIngestStatusLight } from "../../presenters/documents.js";
import { errorResponses } from "../../schemas/common.js";
import { checkCallbackUrl } from "../documents/routes.js";
import { readJsonDocuments, readMultipartDocuments, typeFromFileName } from "./local.js";
import {
  CopyBody,
  CRAWL_DEFAULTS,
  canonicalType,
  IngestResponse,
  ProcessesQuery,
  ProcessesResponse,
  ProcessIdParams,
  RemoteIngestBody,
  WebsiteCrawlBody,
} from "./schema.js";

const tags = ["Ingest"];

/** Last path segment of a URL, decoded, as the default file name of a remote document. */
function fileNameFromUrl(url: URL): string {
  const last = url.pathname.split("/").filter(Boolean).at(-1);
  try {
    return last ? decodeURIComponent(last) : url.hostname;
  } catch {
    return last ?? url.hostname;
  }
}

function processIdParam(raw: string): string {
  if (!isUuid(raw)) throw new AppError("MALFORMED_ID", `processId: must be a UUID (got "${raw}")`);
  return raw.toLowerCase();
}

/** CONTRACT.md §4.1, §4.2, §4.12–§4.15: submitting work and following processes. */
export async function ingestRoutes(app: ApiInstance, ctx: ApiContext): Promise<void> {
  const { ingest, documents, urls, config } = ctx;
  const limits = config.ingest;

  await app.register(multipart, {
    limits: {
      fileSize: limits.maxFileBytes,
      // Metadata may come as file parts too (the TS SDK sends data.json): two files per document.
      files: limits.maxDocumentsPerRequest * 2 + 2,
      fields: limits.maxDocumentsPerRequest * 2 + 10,
      fieldSize: 1024 * 1024,
      parts: limits.maxDocumentsPerRequest * 2 + 10,
    },
  });

  app.post(
    "/ingest/documents/remote",
    {
      schema: {
        tags,
        summary: "Ingest documents the server downloads from URLs",
        body: RemoteIngestBody,
        response: { 200: IngestResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { documents: items, callbackUrl, callbackData } = request.body;
      if (items.length > limits.maxDocumentsPerRequest) {
        throw invalid("documents", `at most ${limits.maxDocumentsPerRequest} documents per request`);
      }
      const inputs = items.map((item, i) => {
        const url = httpUrlParam(item.sourceUrl, `documents[${i}].sourceUrl`);
        const fileName = item.fileName ?? fileNameFromUrl(url);
        return {
          bucketId: item.bucketId,
          fileName,
          declaredType: canonicalType(item.fileType) ?? typeFromFileName(fileName),
          processLevel: item.processLevel ?? "full",
          filter: item.filter,
          searchData: item.searchData,
          source: { kind: "remote" as const, url: url.toString() },
        };
      });
      const callback = callbackUrl ? { callbackUrl: checkCallbackUrl(callbackUrl), callbackData } : {};
      const process = await ingest.ingest(request.account.id, inputs, callback);
      return { ingest: { processId: process.id, status: "queued" } };
    },
  );

  app.post(
    "/ingest/documents/local",
    {
      // The JSON form carries base64 files: allow the configured file size in base64 (×4/3) plus slack.
      bodyLimit: Math.ceil(limits.maxFileBytes * 1.4) + 1024 * 1024,
      schema: {
        tags,
        summary:
          "Ingest uploaded files: multipart blob/metadata pairs, or a JSON array of { blob: base64, metadata }",
        response: { 200: IngestResponse, ...errorResponses },
      },
    },
    async (request) => {
      const {
        documents: inputs,
        callbackUrl,
        callbackData,
      } = request.isMultipart()
        ? await readMultipartDocuments(request, limits.maxDocumentsPerRequest)
        : {
            documents: readJsonDocuments(request.body, limits.maxDocumentsPerRequest, limits.maxFileBytes),
            callbackUrl: undefined,
            callbackData: undefined,
          };
      // D6: callbacks also for local multipart ingest when callbackUrl is sent as a form field.
      const callback = callbackUrl ? { callbackUrl: checkCallbackUrl(callbackUrl), callbackData } : {};
      const process = await ingest.ingest(request.account.id, inputs, callback);
      return { ingest: { processId: process.id, status: "queued" } };
    },
  );

  app.post(
    "/ingest/documents/website",
    {
      schema: {
        tags,
        summary: "Crawl websites: every HTML page of the same host, within depth and cap, becomes a document",
        body: WebsiteCrawlBody,
        response: { 200: IngestResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { websites, callbackUrl, callbackData } = request.body;
      if (websites.length > limits.maxDocumentsPerRequest) {
        throw invalid("websites", `at most ${limits.maxDocumentsPerRequest} websites per request`);
      }
      const sites = websites.map((site, i) => {
        const url = httpUrlParam(site.sourceUrl, `websites[${i}].sourceUrl`);
        const depth = site.depth ?? CRAWL_DEFAULTS.depth;
        const cap = site.cap ?? CRAWL_DEFAULTS.cap;
        if (depth > limits.crawlMaxDepth)
          throw invalid(`websites[${i}].depth`, `must be at most ${limits.crawlMaxDepth}`);
        if (cap > limits.crawlMaxCap)
          throw invalid(`websites[${i}].cap`, `must be at most ${limits.crawlMaxCap}`);
        return {
          bucketId: site.bucketId,
          sourceUrl: url.toString(),
          depth,
          cap,
          searchData: site.searchData,
        };
      });
      const callback = callbackUrl ? { callbackUrl: checkCallbackUrl(callbackUrl), callbackData } : {};
      const process = await ingest.crawl(request.account.id, sites, callback);
      return { ingest: { processId: process.id, status: "queued" } };
    },
  );

  app.post(
    "/ingest/copy",
    {
      schema: {
        tags,
        summary: "Copy documents into another bucket (parse results are reused)",
        body: CopyBody,
        response: { 200: IngestResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { toBucket, documentIds, fromBucket } = request.body;
      if (!documentIds && fromBucket === undefined)
        throw invalid("documentIds", "documentIds or fromBucket is required");
      const ids = documentIds?.map((id, i) => {
        if (!isUuid(id)) throw invalid(`documentIds[${i}]`, "must be a UUID");
        return id.toLowerCase();
      });
      const process = await ingest.copy(request.account.id, toBucket, ids, fromBucket);
      return { ingest: { processId: process.id, status: "queued" } };
    },
  );

  app.get(
    "/ingest",
    {
      schema: {
        tags,
        summary: "Ingest processes, newest first",
        querystring: ProcessesQuery,
        response: { 200: ProcessesResponse, ...errorResponses },
      },
    },
    async (request) => {
      const n = request.query.n ?? 20;
      const wanted = request.query.status;
      const matches = (status: string) =>
        wanted === undefined ||
        status === wanted ||
        (wanted === "active" && (status === "queued" || status === "processing")) ||
        (wanted === "inactive" && (status === "complete" || status === "error" || status === "cancelled")) ||
        ((wanted === "training" || wanted === "generating") && status === "processing");
      const out: Awaited<ReturnType<typeof presentIngestStatusLight>>[] = [];
      let before: number | undefined;
      // Scan newest first in batches until n match (status is derived, so it cannot be a SQL filter).
      for (let scanned = 0; out.length < n && scanned < 10_000; ) {
        const batch = await documents.listProcesses(request.account.id, 200, before);
        if (batch.length === 0) break;
        for (const process of batch) {
          const light = await presentIngestStatusLight(process, documents);
          if (matches(light.status)) out.push(light);
          if (out.length === n) break;
        }
        scanned += batch.length;
        before = batch.at(-1)?.seq;
      }
      return { processes: out };
    },
  );

  app.get(
    "/ingest/:processId",
    {
      schema: {
        tags,
        summary: "Status of a process with its five progress buckets",
        params: ProcessIdParams,
        response: { 200: IngestResponse, ...errorResponses },
      },
    },
    async (request) => {
      const processId = processIdParam(request.params.processId);
      const process = await documents.getProcess(request.account.id, processId);
      if (!process) throw new AppError("PROCESS_NOT_FOUND", `processId ${processId} was not found`);
      return { ingest: await presentIngestStatus(process, documents, urls) };
    },
  );

  app.delete(
    "/ingest/:processId",
    {
      schema: {
        tags,
        summary: "Cancel a process: documents not yet finished are cancelled",
        params: ProcessIdParams,
        response: { 200: IngestResponse, ...errorResponses },
      },
    },
    async (request) => {
      const processId = processIdParam(request.params.processId);
      const existing = await documents.getProcess(request.account.id, processId);
      if (!existing) throw new AppError("PROCESS_NOT_FOUND", `processId ${processId} was not found`);
      const items = await documents.processItems(processId);
      // Cancelling a finished process returns its status unchanged (§4.15).
      const status = deriveProcessStatus(
        existing.cancelled,
        items.map((i) => i.status),
        existing.pendingWork,
      );
      const process =
        status === "complete" || status === "error"
          ? existing
          : await ingest.cancel(request.account.id, processId);
      return { ingest: await presentIngestStatus(process, documents, urls) };
    },
  );
}
