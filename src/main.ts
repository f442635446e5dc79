import type { ApiInstance } from "./api/context.js";
import { buildApp } from "./app.js";
import type { Config } from "./config/index.js";

/**
 * Start the server on the configured address, print a generated bootstrap key
 * once, and shut down gracefully on SIGTERM/SIGINT (in-flight requests finish,
 * the database is closed). A second signal exits at once.
 */
export async function startServer(config: Config): Promise<ApiInstance> {
  const app = await buildApp(config);
  const { bootstrap } = app.openground;
  if (bootstrap.kind === "generated-key") {
    // Printed once, on the first start of an empty data directory; only its hash is stored.
    process.stdout.write(
      `\nCreated the first account (${bootstrap.account.email}). Its API key, shown only now:\n\n  ${bootstrap.apiKey}\n\n` +
        "Use it as the X-API-Key header. Set OPENGROUND_API_KEY to choose the key yourself.\n\n",
    );
  } else if (bootstrap.kind === "configured-key") {
    app.log.info({ email: bootstrap.account.email }, "created an account for OPENGROUND_API_KEY");
  }

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      app.log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal }, "shutting down");
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, "error during shutdown");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  await app.listen({ port: config.port, host: config.host });
  return app;
}
