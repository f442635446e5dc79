import { isUuid } from "../../../core/ids.js";
import { decodeNextToken, encodeNextToken, PAGE_SIZE } from "../../../core/pagination.js";
import { AppError, invalid } from "../../../errors/index.js";
import type { SearchScope } from "../../../store/contracts/search-index.js";
import type { ApiContext, ApiInstance } from "../../context.js";
import { resourceIdParam } from "../../params.js";
import { errorResponses } from "../../schemas/common.js";
import { presentHit, presentSearchText } from "./presenter.js";
import {
  SearchContentBody,
  SearchDocumentsBody,
  SearchIdParams,
  SearchQuerystring,
  SearchResponse,
} from "./schema.js";

const tags = ["Search"];
export const DEFAULT_RELEVANCE = 10;

interface SearchInput {
  query: string | null;
  filter?: unknown;
  relevance?: number | null;
  n?: number | null;
  verbosity?: number | null;
  nextToken?: string | null;
  mode?: "hybrid" | "lexical" | "dense" | null;
}

/** CONTRACT.md §6: search a bucket, a group, a document or a list of documents. */
export async function searchRoutes(app: ApiInstance, ctx: ApiContext): Promise<void> {
  const { store, documents, urls, search } = ctx;

  async function run(
    accountId: string,
    scope: SearchScope,
    scopeKey: string,
    body: SearchInput,
    querystring: { n?: number; nextToken?: string; verbosity?: number },
  ) {
    const query = typeof body.query === "string" ? body.query.trim() : "";
    if (query === "") throw invalid("query", "is required and must not be blank");
    if (query.length > 20_000) throw invalid("query", "must be at most 20,000 characters");
    // The query string wins over the same parameters in the body (§6.1).
    const n = querystring.n ?? body.n ?? PAGE_SIZE.default;
    const verbosity = querystring.verbosity ?? body.verbosity ?? 1;
    const nextToken = querystring.nextToken ?? body.nextToken ?? undefined;
    const relevance = body.relevance ?? DEFAULT_RELEVANCE;
    const filter = body.filter === null ? undefined : body.filter;

    const tokenScope = {
      route: "search",
      accountId,
      params: {
        scope: scopeKey,
        query,
        filter: JSON.stringify(filter ?? null),
        relevance,
        mode: body.mode ?? "hybrid",
      },
    };
    let offset = 0;
    if (nextToken) {
      const cursor = decodeNextToken(nextToken, tokenScope);
      if (typeof cursor !== "number" || !Number.isSafeInteger(cursor) || cursor < 0) {
        throw new AppError("INVALID_NEXT_TOKEN", "nextToken: is not a token issued by this server");
      }
      offset = cursor;
    }

    const outcome = await search.search({
      accountId,
      scope,
      query,
      filter,
      relevance,
      mode: body.mode ?? "hybrid",
    });
    await store.recordUsage(accountId, "searches", 1, ctx.now());
    const page = outcome.hits.slice(offset, offset + n);
    const next = offset + page.length;
    return {
      search: {
        query,
        ...(outcome.searchQuery !== undefined ? { searchQuery: outcome.searchQuery } : {}),
        count: page.length,
        ...(page[0] ? { score: page[0].score } : {}),
        text: presentSearchText(page),
        ...(verbosity >= 1 ? { results: page.map((hit) => presentHit(hit, urls, verbosity)) } : {}),
        ...(next < outcome.hits.length ? { nextToken: encodeNextToken(tokenScope, next) } : {}),
      },
    };
  }

  app.post(
    "/search/documents",
    {
      config: { keepNulls: true },
      schema: {
        tags,
        summary: "Search a list of documents",
        querystring: SearchQuerystring,
        body: SearchDocumentsBody,
        response: { 200: SearchResponse, ...errorResponses },
      },
    },
    async (request) => {
      const ids = [...new Set(request.body.documentIds.map((id) => id.toLowerCase()))];
      const bad = ids.find((id) => !isUuid(id));
      if (bad) throw invalid("documentIds", `"${bad}" is not a UUID`);
      const owned = await documents.getDocuments(request.account.id, ids);
      if (owned.length !== ids.length) {
        const known = new Set(owned.map((d) => d.id));
        throw new AppError(
          "DOCUMENT_NOT_FOUND",
          `documentId ${ids.find((id) => !known.has(id))} was not found`,
        );
      }
      return run(
        request.account.id,
        { kind: "documents", documentIds: ids },
        `documents:${[...ids].sort().join(",")}`,
        request.body,
        request.query,
      );
    },
  );

  app.post(
    "/search/:id",
    {
      config: { keepNulls: true },
      schema: {
        tags,
        summary: "Search a bucket, a group or one document",
        params: SearchIdParams,
        querystring: SearchQuerystring,
        body: SearchContentBody,
        response: { 200: SearchResponse, ...errorResponses },
      },
    },
    async (request) => {
      const accountId = request.account.id;
      const id = resourceIdParam(request.params.id, "id");
      let scope: SearchScope;
      if (id.kind === "uuid") {
        if (!(await documents.getDocument(accountId, id.value))) {
          throw new AppError("DOCUMENT_NOT_FOUND", `id: no document ${id.value} in this account`);
        }
        scope = { kind: "documents", documentIds: [id.value] };
      } else {
        const kind = await store.resolveContainer(accountId, id.value);
        if (kind === "bucket") scope = { kind: "buckets", bucketIds: [id.value] };
        else if (kind === "group") {
          const group = await store.getGroup(accountId, id.value);
          scope = { kind: "buckets", bucketIds: group?.buckets.map((b) => b.id) ?? [] };
        } else
          throw new AppError(
            "CONTAINER_NOT_FOUND",
            `id: no bucket, group or document ${id.value} in this account`,
          );
      }
      return run(accountId, scope, `${id.kind}:${id.value}`, request.body, request.query);
    },
  );
}
