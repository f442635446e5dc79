import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { isUuid, newUuid } from "../../../core/ids.js";
import { AppError } from "../../../errors/index.js";
import { hashApiKey } from "../../../services/api-keys.js";
import { databasePath } from "../../../store/index.js";
import { openDatabase } from "../../../store/sqlite/database.js";
import type { ApiContext, ApiInstance } from "../../context.js";
import { checkFileName, contentTypeFor } from "./names.js";
import { SqliteUploadStore, type UploadRecord, type UploadStore, uploadBlobKey } from "./store.js";
import { UploadSweeper } from "./sweep.js";

export const UPLOAD_PATH = "/upload/file";

const PresignQuery = Type.Object({
  name: Type.Optional(Type.String()),
  type: Type.Optional(Type.String()),
});
const TargetParams = Type.Object({ id: Type.String(), token: Type.String() });
const HostedParams = Type.Object({ id: Type.String(), token: Type.String(), name: Type.String() });

const NO_KEY_MESSAGE =
  "GET /upload/file needs an API key: send X-API-Key (with the Python SDK, put the key in the URL: " +
  'upload_api="http://key:<API key>@host:port/upload/file"), or let the operator enable ' +
  "anonymous uploads with OPENGROUND_ANONYMOUS_UPLOADS=true";
const NOT_FOUND_MESSAGE = "No upload with this id and token, or it has expired";

/**
 * The API key of a presign request, if one was sent: `X-API-Key`, or HTTP Basic
 * credentials (the password, else the user name), which is what Python `requests`
 * sends for an `upload_api` URL of the form `http://key:KEY@host/upload/file`, or a
 * Bearer token.
 */
function apiKeyOf(headers: IncomingHttpHeaders): string | undefined {
  const header = headers["x-api-key"];
  const direct = (Array.isArray(header) ? header[0] : header)?.trim();
  if (direct) return direct;
  const authorization = headers.authorization?.trim() ?? "";
  const [scheme = "", credentials = ""] = authorization.split(/\s+/, 2);
  if (scheme.toLowerCase() === "bearer" && credentials) return credentials;
  if (scheme.toLowerCase() === "basic" && credentials) {
    const decoded = Buffer.from(credentials, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? "" : decoded.slice(colon + 1);
    // `http://key:KEY@host/...` (requests sends user info only when the URL has a password) or `KEY:`.
    const key = (password || user).trim();
    return key || undefined;
  }
  return undefined;
}

function tokensEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

const tooLarge = (maxBytes: number) =>
  new AppError(
    "PAYLOAD_TOO_LARGE",
    `body: the file is larger than the upload limit of ${maxBytes} bytes (OPENGROUND_MAX_FILE_BYTES)`,
  );

/**
 * Read a request body into memory, refusing it with a 413 as soon as it exceeds
 * `maxBytes` (the rest is discarded; the error handler closes the connection).
 */
function readBody(stream: Readable, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: AppError) => {
      if (settled) return;
      settled = true;
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.off("close", onClose);
      // Late errors of an abandoned request must not become unhandled.
      stream.on("error", () => {});
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      size += bytes.byteLength;
      if (size > maxBytes) {
        settle(tooLarge(maxBytes));
        stream.resume();
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => settle();
    const onError = (error: Error) =>
      settle(new AppError("VALIDATION_FAILED", `body: the upload was interrupted (${error.message})`));
    const onClose = () => settle(new AppError("VALIDATION_FAILED", "body: the upload was interrupted"));
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
    stream.on("close", onClose);
  });
}

/**
 * The presigned upload service of CONTRACT.md §14.3, so that the Python SDK's
 * `client.ingest(..., upload_api="http://HOST:PORT/upload/file")` ingests local
 * files unchanged:
 *
 * - `GET /upload/file?name=&type=` → `{ URL, Header: { "Content-Type": [mime],
 *   "Gx-Hosted-Url": [hosted] }, Method: "PUT" }`. The SDK sends no API key; one
 *   may be sent (X-API-Key, or Basic credentials from `http://key:KEY@host/...`) and
 *   binds the upload to its account; without one the request is refused unless
 *   OPENGROUND_ANONYMOUS_UPLOADS=true.
 * - `PUT /upload/file/:id/:token` stores the raw bytes (any Content-Type, at most
 *   OPENGROUND_MAX_FILE_BYTES) and answers `{ url }` with header `GX-HOSTED-URL`;
 *   a repeated PUT replaces the bytes (the SDK retries).
 * - `GET /upload/file/:id/:token/:name` serves the bytes to whoever holds the
 *   token (D14) — remote ingest fetches them from there.
 *
 * Unknown id, wrong token and expiry all answer the same 404. Pending uploads
 * expire after OPENGROUND_UPLOAD_TTL_SECONDS, stored ones after
 * OPENGROUND_UPLOAD_RETENTION_SECONDS; a sweeper deletes them.
 *
 * Register in a scope of its own: it replaces the body parsers of its scope.
 */
export async function uploadRoutes(app: ApiInstance, context: ApiContext): Promise<void> {
  const { config, store, blobs, now } = context;
  const { ttlSeconds, retentionSeconds, anonymous } = config.uploads;
  const maxBytes = config.ingest.maxFileBytes;
  const base = `${config.publicUrl.replace(/\/+$/, "")}${UPLOAD_PATH}`;
  // The upload table lives in the embedded database; the metadata store does not expose it,
  // so this plugin keeps a connection of its own (WAL: readers and the other writer coexist).
  const uploads: UploadStore = new SqliteUploadStore(openDatabase(databasePath(config)));
  const sweeper = new UploadSweeper({
    uploads,
    blobs,
    now,
    everyMs: Math.max(1000, Math.min(60_000, Math.min(ttlSeconds, retentionSeconds) * 1000)),
    log: app.log.child({ component: "uploads" }),
  });
  sweeper.start();
  app.addHook("onClose", async () => {
    await sweeper.close();
    await uploads.close();
  });
  app.addHook("onRequest", async () => sweeper.maybeSweep());

  // Raw bodies of any type (JSON files included): the PUT route reads the stream itself.
  const payloads = new WeakMap<FastifyRequest, Readable>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (request, payload, done) => {
    payloads.set(request, payload);
    done(null, undefined);
  });

  const targetUrl = (record: Pick<UploadRecord, "id" | "token">) => `${base}/${record.id}/${record.token}`;
  const hostedUrl = (record: Pick<UploadRecord, "id" | "token" | "fileName">) =>
    `${targetUrl(record)}/${encodeURIComponent(record.fileName)}`;

  /** The live upload for an id and token, else the same 404 for every reason. */
  async function authorise(id: string, token: string): Promise<UploadRecord> {
    const record = isUuid(id) ? await uploads.get(id.toLowerCase()) : undefined;
    if (!record || !tokensEqual(record.token, token) || record.expires.getTime() <= now().getTime()) {
      throw new AppError("FILE_NOT_FOUND", NOT_FOUND_MESSAGE);
    }
    return record;
  }

  async function accountOf(request: FastifyRequest): Promise<string | undefined> {
    const key = apiKeyOf(request.headers);
    if (key === undefined) {
      if (anonymous) return undefined;
      throw new AppError("UNAUTHORIZED", NO_KEY_MESSAGE);
    }
    const found = key.length <= 512 ? await store.findAccountByKeyHash(hashApiKey(key)) : undefined;
    if (!found) throw new AppError("UNAUTHORIZED", "The API key is unknown or has been deleted");
    return found.account.id;
  }

  app.get(UPLOAD_PATH, { schema: { hide: true, querystring: PresignQuery } }, async (request) => {
    const accountId = await accountOf(request);
    const fileName = checkFileName(request.query.name);
    const contentType = contentTypeFor(request.query.type, fileName);
    const created = now();
    const record: UploadRecord = {
      id: newUuid(),
      token: randomBytes(32).toString("base64url"),
      accountId,
      fileName,
      contentType,
      status: "pending",
      bytes: 0,
      created,
      expires: new Date(created.getTime() + ttlSeconds * 1000),
    };
    await uploads.create(record);
    request.log.info({ uploadId: record.id, accountId: accountId ?? null }, "upload presigned");
    return {
      URL: targetUrl(record),
      Header: { "Content-Type": [contentType], "Gx-Hosted-Url": [hostedUrl(record)] },
      Method: "PUT",
    };
  });

  app.put(
    `${UPLOAD_PATH}/:id/:token`,
    { schema: { hide: true, params: TargetParams } },
    async (request, reply) => {
      const record = await authorise(request.params.id, request.params.token);
      const declared = Number(request.headers["content-length"] ?? 0);
      if (declared > maxBytes) throw tooLarge(maxBytes);
      const payload = payloads.get(request);
      const bytes = payload ? await readBody(payload, maxBytes) : Buffer.alloc(0);
      const key = uploadBlobKey(record.id);
      await blobs.put(key, bytes);
      const stored = now();
      const expires = new Date(stored.getTime() + retentionSeconds * 1000);
      if (!(await uploads.markStored(record.id, bytes.byteLength, expires, stored))) {
        // Expired (and possibly swept) while the bytes were arriving.
        await blobs.delete(key);
        throw new AppError("FILE_NOT_FOUND", NOT_FOUND_MESSAGE);
      }
      request.log.info({ uploadId: record.id, bytes: bytes.byteLength }, "upload stored");
      const url = hostedUrl(record);
      return reply.header("gx-hosted-url", url).send({ url });
    },
  );

  app.get(
    `${UPLOAD_PATH}/:id/:token/:name`,
    { schema: { hide: true, params: HostedParams } },
    async (request, reply) => {
      const record = await authorise(request.params.id, request.params.token);
      const file = record.status === "stored" ? await blobs.open(uploadBlobKey(record.id)) : undefined;
      if (!file) throw new AppError("FILE_NOT_FOUND", NOT_FOUND_MESSAGE);
      return reply
        .type(record.contentType)
        .header("content-length", file.size)
        .header("content-disposition", `inline; filename*=UTF-8''${encodeURIComponent(record.fileName)}`)
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "sandbox")
        .header("cache-control", "private, no-store")
        .send(file.stream);
    },
  );
}
