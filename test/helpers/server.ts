import fs from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { ApiInstance } from "../../src/api/context.js";
import { type AppOptions, buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config/index.js";
import { newUuid } from "../../src/core/ids.js";
import { createAccount } from "../../src/services/accounts.js";

// The SDK's ESM build uses directory imports that Node rejects: load its CommonJS build.
const require = createRequire(import.meta.url);
const sdk = require("groundx") as typeof import("groundx");
export const { GroundXClient, GroundXError } = sdk;
export type Client = InstanceType<typeof GroundXClient>;

export interface TestServer {
  readonly app: ApiInstance;
  /** Root URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The bootstrap account's key. */
  readonly apiKey: string;
  readonly dataDir: string;
  /** An official SDK client for `apiKey` (or another key), without retries. */
  client(apiKey?: string): Client;
  /** Plain fetch against `/api/v1` + path with a key (default: the bootstrap key). */
  api(
    pathAndQuery: string,
    init?: RequestInit & { apiKey?: string | null; json?: unknown },
  ): Promise<Response>;
  /** A second account, for isolation tests. */
  newAccount(email?: string): Promise<{ apiKey: string; client: Client }>;
  close(): Promise<void>;
}

/** Start the real app on an ephemeral port with a fresh data directory. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: Omit<AppOptions, "logLevel"> = {},
): Promise<TestServer> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openground-test-"));
  const apiKey = newUuid();
  // A real port up front, so the URLs the server hands out (OPENGROUND_PUBLIC_URL) are right.
  const port = await freePort();
  const config = loadConfig({
    OPENGROUND_DATA_DIR: dataDir,
    OPENGROUND_API_KEY: apiKey,
    HOST: "127.0.0.1",
    PORT: String(port),
    ...env,
  });
  const app = await buildApp(config, { ...options, logLevel: "silent" });
  await app.listen({ port, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${port}`;

  const client = (key = apiKey): Client =>
    new GroundXClient({ apiKey: key, environment: `${url}/api`, maxRetries: 0, timeoutInSeconds: 10 });

  return {
    app,
    url,
    apiKey,
    dataDir,
    client,
    api: (pathAndQuery, init = {}) => {
      const { apiKey: key = apiKey, json, headers, ...rest } = init;
      const allHeaders = new Headers(headers);
      if (key !== null) allHeaders.set("x-api-key", key);
      if (json !== undefined) allHeaders.set("content-type", "application/json");
      return fetch(`${url}/api/v1${pathAndQuery}`, {
        ...rest,
        headers: allHeaders,
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
    },
    newAccount: async (email = `user-${newUuid().slice(0, 8)}@example.com`) => {
      const created = await createAccount(app.openground.context.store, { email, name: "Other User" });
      return { apiKey: created.apiKey, client: client(created.apiKey) };
    },
    close: async () => {
      await app.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Run an SDK call expected to fail; return its HTTP status and body. */
export async function sdkError(
  call: Promise<unknown>,
): Promise<{ status: number | undefined; body: unknown }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof GroundXError) return { status: error.statusCode, body: error.body };
    throw error;
  }
  throw new Error("expected the SDK call to fail");
}
