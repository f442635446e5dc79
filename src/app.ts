import { randomUUID } from "node:crypto";
import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify from "fastify";
import type { ApiContext, ApiInstance } from "./api/context.js";
import { registerAuth } from "./api/plugins/auth.js";
import { registerBodyParsing } from "./api/plugins/body-parsing.js";
import { registerErrorHandling } from "./api/plugins/error-handler.js";
import { apiKeyRoutes } from "./api/routes/api-keys/routes.js";
import { bucketRoutes } from "./api/routes/buckets/routes.js";
import { customerRoutes } from "./api/routes/customer/routes.js";
import { documentRoutes } from "./api/routes/documents/routes.js";
import { fileRoutes } from "./api/routes/files/routes.js";
import { groupRoutes } from "./api/routes/groups/routes.js";
import { healthRoutes } from "./api/routes/health/routes.js";
import { ingestRoutes } from "./api/routes/ingest/routes.js";
import { searchRoutes } from "./api/routes/search/routes.js";
import { uploadRoutes } from "./api/routes/upload/routes.js";
import { workflowRoutes } from "./api/routes/workflows/routes.js";
import { registerValidation } from "./api/validation.js";
import type { Config } from "./config/index.js";
import { CallbackNotifier } from "./ingest/notifier.js";
import { PageImages } from "./ingest/page-images.js";
import { IngestPipeline } from "./ingest/pipeline.js";
import { ParserPool } from "./ingest/sandbox/pool.js";
import { IngestService } from "./ingest/service.js";
import { HostedUrls } from "./ingest/urls.js";
import { CallbackSender, safeFetch } from "./net/index.js";
import { embeddingSetup, LazyEmbedder } from "./search/embedding.js";
import { SearchService } from "./search/search.js";
import { type BootstrapResult, ensureBootstrapAccount } from "./services/accounts.js";
import { BucketService } from "./services/buckets.js";
import { databaseCheck, diskCheck, HealthMonitor, workerCheck } from "./services/health.js";
import { createStores, type Stores } from "./store/index.js";

export interface AppOptions {
  /** Use these stores instead of opening the configured ones (they are closed with the app). */
  readonly stores?: Stores;
  /** Run the ingestion workers in this process (default true). */
  readonly workers?: boolean;
  /** Injectable clock. */
  readonly now?: () => Date;
  /** Override the log level of the configuration (tests use "silent"). */
  readonly logLevel?: Config["logLevel"];
}

export interface Openground {
  readonly context: ApiContext;
  /** What start-up did about the bootstrap account (main prints a generated key once). */
  readonly bootstrap: BootstrapResult;
}

declare module "fastify" {
  interface FastifyInstance {
    openground: Openground;
  }
}

export const API_PREFIX = "/api/v1";

/** A page image that takes longer than this to render fails (a runaway PDF page). */
const PAGE_RENDER_TIMEOUT_MS = 60_000;

/**
 * The composition root: opens the stores, wires services and routes, and returns
 * a fastify instance that has not started listening (tests call `inject()` or
 * `listen({ port: 0 })`; `main.ts` listens on the configured port).
 */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<ApiInstance> {
  const embedding = embeddingSetup(config.embedding);
  const stores = options.stores ?? createStores(config, embedding?.model);
  const store = stores.metadata;
  const now = options.now ?? (() => new Date());
  const urls = new HostedUrls(config.publicUrl);
  const app = Fastify({
    logger: { level: options.logLevel ?? config.logLevel },
    bodyLimit: config.maxJsonBodyBytes,
    requestIdHeader: "x-request-id",
    genReqId: () => randomUUID(),
    // Long ids must reach the error handler as a 400, not die in the router as a 414.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
  }).withTypeProvider<TypeBoxTypeProvider>();
  const logger = app.log;
  const embedder =
    embedding && stores.vectors
      ? new LazyEmbedder(embedding, logger.child({ component: "embedder" }))
      : undefined;

  const callbacks = new CallbackSender({
    allowPrivateNetwork: config.allowPrivateNetwork,
    logger: logger.child({ component: "callbacks" }),
  });
  const notifier = new CallbackNotifier(stores.documents, callbacks, urls);
  const parser = new ParserPool({
    size: config.ingest.workers,
    timeoutMs: config.ingest.parseTimeoutMs,
    maxMemoryMb: config.ingest.parserMemoryMb,
  });
  // Page images render in a pool of their own, so a page view never waits behind a long parse.
  const renderer = new ParserPool({
    size: 1,
    timeoutMs: PAGE_RENDER_TIMEOUT_MS,
    maxMemoryMb: config.ingest.parserMemoryMb,
  });
  const pipeline = new IngestPipeline({
    documents: stores.documents,
    queue: stores.queue,
    blobs: stores.blobs,
    parser,
    urls,
    config: config.ingest,
    log: logger.child({ component: "ingest" }),
    download: (url, signal) =>
      safeFetch(url, {
        allowPrivateNetwork: config.allowPrivateNetwork,
        timeoutMs: config.ingest.fetchTimeoutMs,
        maxBytes: config.ingest.maxFileBytes,
        signal,
        userAgent: "openground-ingest/1",
      }),
    recordUsage: (accountId, metric, amount) => store.recordUsage(accountId, metric, amount, now()),
    onDocumentSettled: (processId, documentId) => notifier.documentSettled(processId, documentId),
    onProcessChanged: (processId) => notifier.processChanged(processId),
    ...(embedder
      ? { embedder: { modelId: embedder.modelId, embed: (texts) => embedder.embed(texts, "document") } }
      : {}),
  });
  const ingest = new IngestService({
    documents: stores.documents,
    metadata: store,
    blobs: stores.blobs,
    urls,
    notifier,
    wake: () => pipeline.notify(),
  });
  const buckets = new BucketService(store).onDelete((accountId, bucketId) =>
    ingest.deleteBucketDocuments(accountId, bucketId),
  );

  const health = new HealthMonitor()
    .register("database", databaseCheck(store))
    .register("ingest", databaseCheck(store))
    .register("ingest", diskCheck(config.dataDir))
    .register("ingest", workerCheck(pipeline, options.workers !== false))
    .register("search", databaseCheck(store));
  const context: ApiContext = {
    config,
    store,
    health,
    buckets,
    documents: stores.documents,
    blobs: stores.blobs,
    urls,
    pageImages: new PageImages({ blobs: stores.blobs, render: (input) => renderer.render(input) }),
    ingest,
    search: new SearchService({
      index: stores.search,
      commonTermShare: config.search.commonTermShare,
      log: logger.child({ component: "search" }),
      ...(embedder && stores.vectors
        ? {
            dense: {
              vectors: stores.vectors,
              embedQuery: async (query) => {
                const [vector] = await embedder.embed([query], "query");
                if (!vector) throw new Error("the embedder returned no vector");
                return vector;
              },
            },
          }
        : {}),
    }),
    now,
  };

  app.addHook("onClose", async () => {
    await pipeline.stop();
    await parser.close();
    await renderer.close();
    await embedder?.close();
    // Give callbacks in flight a moment; they never block shutdown for long.
    await Promise.race([notifier.idle(), new Promise((resolve) => setTimeout(resolve, 2000))]);
    await stores.close();
  });
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  const bootstrap = await ensureBootstrapAccount(store, config.apiKey);
  app.decorate("openground", { context, bootstrap });

  registerValidation(app);
  registerBodyParsing(app);
  registerErrorHandling(app);
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "Openground",
        description: "Self-hosted retrieval-augmented generation that speaks the GroundX REST API",
        version: "0.1.0",
      },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { ApiKey: { type: "apiKey", in: "header", name: "X-API-Key" } } },
      security: [{ ApiKey: [] }],
    },
  });

  app.get("/health", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (api) => {
      registerAuth(api, store);
      for (const routes of [
        bucketRoutes,
        groupRoutes,
        workflowRoutes,
        customerRoutes,
        apiKeyRoutes,
        healthRoutes,
        documentRoutes,
        searchRoutes,
      ]) {
        await routes(api, context);
      }
      // Multipart parsing is registered inside the ingest routes' own scope only.
      await api.register(async (scope) => ingestRoutes(scope, context));
    },
    { prefix: API_PREFIX },
  );
  await app.register(async (files) => fileRoutes(files, context));
  await app.register(async (uploads) => uploadRoutes(uploads, context));

  if (options.workers !== false) pipeline.start();

  return app;
}
