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
import { groupRoutes } from "./api/routes/groups/routes.js";
import { healthRoutes } from "./api/routes/health/routes.js";
import { workflowRoutes } from "./api/routes/workflows/routes.js";
import { registerValidation } from "./api/validation.js";
import type { Config } from "./config/index.js";
import { type BootstrapResult, ensureBootstrapAccount } from "./services/accounts.js";
import { BucketService } from "./services/buckets.js";
import { databaseCheck, diskCheck, HealthMonitor } from "./services/health.js";
import type { MetadataStore } from "./store/contracts/metadata-store.js";
import { createStores } from "./store/index.js";

export interface AppOptions {
  /** Use this store instead of opening the configured one (it is closed with the app). */
  readonly store?: MetadataStore;
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

/**
 * The composition root: opens the stores, wires services and routes, and returns
 * a fastify instance that has not started listening (tests call `inject()` or
 * `listen({ port: 0 })`; `main.ts` listens on the configured port).
 */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<ApiInstance> {
  const store = options.store ?? createStores(config).metadata;
  const health = new HealthMonitor()
    .register("database", databaseCheck(store))
    .register("ingest", databaseCheck(store))
    .register("ingest", diskCheck(config.dataDir))
    .register("search", databaseCheck(store));
  const context: ApiContext = {
    config,
    store,
    health,
    buckets: new BucketService(store),
    now: options.now ?? (() => new Date()),
  };

  const app = Fastify({
    logger: { level: options.logLevel ?? config.logLevel },
    bodyLimit: config.maxJsonBodyBytes,
    requestIdHeader: "x-request-id",
    genReqId: () => randomUUID(),
    // Long ids must reach the error handler as a 400, not die in the router as a 414.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook("onClose", async () => store.close());
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
      ]) {
        await routes(api, context);
      }
    },
    { prefix: API_PREFIX },
  );

  return app;
}
