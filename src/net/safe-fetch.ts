/**
 * SSRF-safe HTTP client for the server's outbound fetches (remote ingest §4.1, crawl, callbacks §13).
 *
 * Guarantees:
 * - only http:/https: URLs without credentials;
 * - every hop (first URL and each redirect) is resolved with DNS and refused when ANY address
 *   is forbidden (see address.ts) unless `allowPrivateNetwork` is true;
 * - the socket connects to exactly the addresses that were checked: they are pinned through a
 *   custom `lookup` on the request, so DNS rebinding between check and connect is impossible,
 *   while the Host header, TLS SNI and certificate verification keep using the original hostname;
 * - one deadline covers DNS + connect + headers + body of all hops;
 * - the body is capped while streaming, on the wire bytes and on the decoded bytes (gzip,
 *   deflate, br), so a decompression bomb stops at the cap;
 * - errors are `FetchError`s with a stable `code` and a message fit for a document's
 *   statusMessage: it names the scheme, host and path of the URL, never its query string or
 *   credentials (presigned URLs carry secrets in the query).
 *
 * Redirects: followed manually for GET (at most `maxRedirects`, default 5). POST requests
 * (callbacks) never follow redirects: a 3xx answer to a POST is reported as HTTP_STATUS. This is
 * what webhook senders usually do (a redirect would either drop the body on 301/302/303 or
 * replay it to a host the operator did not configure on 307/308).
 */
import { lookup as dnsLookup } from "node:dns/promises";
import type { IncomingMessage } from "node:http";
import { request as httpRequest, STATUS_CODES } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { Transform, type TransformCallback, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { forbiddenReason } from "./address.js";

export type FetchErrorCode =
  | "BAD_URL"
  | "BLOCKED_ADDRESS"
  | "TOO_MANY_REDIRECTS"
  | "TIMEOUT"
  | "TOO_LARGE"
  | "HTTP_STATUS"
  | "NETWORK"
  /** The server answered with a body we cannot decode (unknown or corrupt content-encoding). */
  | "BAD_RESPONSE"
  /** The caller's `signal` aborted the fetch (e.g. the ingest process was cancelled). */
  | "ABORTED";

export class FetchError extends Error {
  readonly code: FetchErrorCode;
  /** HTTP status of the response being handled, when one was received (always set for HTTP_STATUS). */
  readonly status?: number;

  constructor(code: FetchErrorCode, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FetchError";
    this.code = code;
    if (options?.status !== undefined) this.status = options.status;
  }
}

/** Resolves a hostname to all its addresses (default: `dns.lookup` with `all: true`). */
export type Resolver = (hostname: string) => Promise<string[]>;

export interface SafeFetchOptions {
  /** OPENGROUND_ALLOW_PRIVATE_NETWORK: when false, private/loopback/link-local/… addresses are refused. */
  allowPrivateNetwork: boolean;
  /** Total budget for DNS, connect, headers and body of all hops. */
  timeoutMs: number;
  /** Cap on the body, on the wire and after content-decoding. */
  maxBytes: number;
  /** Default 5. Ignored for POST, which never follows redirects. */
  maxRedirects?: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  userAgent?: string;
  /** Cancels the fetch → FetchError("ABORTED"). */
  signal?: AbortSignal;
  /**
   * Replaces DNS resolution (custom resolvers, tests). Its answers are checked and pinned exactly
   * like `dns.lookup` answers, so it cannot be used to bypass the address policy.
   */
  resolve?: Resolver;
}

export interface SafeResponse {
  status: number;
  /** URL of the response after redirects. */
  finalUrl: string;
  /** Response headers, names lowercase; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Media type without parameters, lowercase ("application/pdf"), when the server sent one. */
  contentType?: string;
  /** From Content-Disposition, else the last path segment of finalUrl (percent-decoded). */
  fileName?: string;
  /** Decoded body. */
  bytes: Uint8Array;
}

/**
 * Test-only seam, NOT exported from index.ts. Production code calls `safeFetch`, which uses the
 * identity mapping. The mapping is applied to the address AFTER it passed the policy check and
 * is the address handed to the pinned `lookup`; so a test can say "the checked public address
 * 93.184.216.34 is routed to 127.0.0.1 where the test server listens" and exercise the very same
 * check → pin → connect path as production (there is no internet on CI machines).
 */
export interface UnsafeTestHooks {
  connectAddress: (checkedAddress: string) => string;
}

const DEFAULT_MAX_REDIRECTS = 5;
const DEFAULT_USER_AGENT = "openground/1";
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];

export function safeFetch(url: string, options: SafeFetchOptions): Promise<SafeResponse> {
  return fetchWithHooks(url, options, undefined);
}

/** See `UnsafeTestHooks`. Never use outside tests. */
export function unsafeFetchForTests(
  url: string,
  options: SafeFetchOptions,
  hooks: UnsafeTestHooks,
): Promise<SafeResponse> {
  return fetchWithHooks(url, options, hooks);
}

/** "https://host:port/path" — no credentials, query or fragment; shortened for messages. */
export function describeUrl(url: URL): string {
  const text = `${url.protocol}//${url.host}${url.pathname}`;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** "100 MB", "512 KB", "1000 bytes" — for limit messages. */
export function formatLimit(bytes: number): string {
  const mb = 1024 * 1024;
  if (bytes >= mb) return `${Number((bytes / mb).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}

function parseTarget(raw: string, context: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Do not echo the whole input (it may contain secrets); a short prefix is enough to spot it.
    const shown = raw.length > 60 ? `${raw.slice(0, 59)}…` : raw;
    throw new FetchError("BAD_URL", `${context}"${shown.replace(/[^\x20-\x7e]/g, "?")}" is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new FetchError(
      "BAD_URL",
      `${context}unsupported URL scheme "${url.protocol.slice(0, -1)}" (${url.host || "no host"}): only http and https URLs can be fetched`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new FetchError(
      "BAD_URL",
      `${context}URL for ${url.host} must not contain credentials (user:password@)`,
    );
  }
  if (url.hostname === "") throw new FetchError("BAD_URL", `${context}URL has no host`);
  return url;
}

/** URL hostnames keep IPv6 literals in brackets. */
function bareHost(url: URL): string {
  const h = url.hostname;
  return h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
}

const defaultResolver: Resolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => a.address);
};

interface Deadline {
  signal: AbortSignal;
  /** Throws TIMEOUT / ABORTED when the deadline or the caller's signal fired; otherwise returns. */
  check(): void;
}

function networkError(err: unknown, url: URL): FetchError {
  const e = err as NodeJS.ErrnoException;
  const host = url.host;
  const code = typeof e?.code === "string" ? e.code : "";
  let message: string;
  switch (code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
    case "EAI_NODATA":
    case "EAI_FAIL":
      message = `could not resolve host ${url.hostname} (${code})`;
      break;
    case "ECONNREFUSED":
      message = `connection to ${host} was refused`;
      break;
    case "ECONNRESET":
    case "EPIPE":
      message = `connection to ${host} was reset`;
      break;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      message = `${host} is unreachable (${code})`;
      break;
    case "ERR_STREAM_PREMATURE_CLOSE":
      message = `connection to ${host} closed before the whole body was received`;
      break;
    case "ETIMEDOUT":
      message = `connection to ${host} timed out`;
      break;
    case "HPE_INVALID_CONSTANT":
    case "HPE_INVALID_VERSION":
    case "HPE_INVALID_STATUS":
    case "HPE_INVALID_HEADER_TOKEN":
      message = `${host} did not answer with valid HTTP (${code})`;
      break;
    default:
      if (/CERT|TLS|SSL|UNABLE_TO_/.test(code) || (code === "EPROTO" && url.protocol === "https:")) {
        message = `TLS error connecting to ${host}: ${e.message}`;
      } else {
        message = `network error fetching ${describeUrl(url)}: ${e?.message ?? String(err)}${code ? ` (${code})` : ""}`;
      }
  }
  return new FetchError("NETWORK", message, { cause: err });
}

async function resolveChecked(
  url: URL,
  options: SafeFetchOptions,
  deadline: Deadline,
  context: string,
): Promise<string[]> {
  const host = bareHost(url);
  let addresses: string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    const resolver = options.resolve ?? defaultResolver;
    try {
      addresses = await raceAbort(resolver(host), deadline.signal);
    } catch (err) {
      deadline.check();
      throw networkError(err, url);
    }
    if (addresses.length === 0) {
      throw new FetchError("NETWORK", `could not resolve host ${url.hostname} (no addresses)`);
    }
  }
  if (!options.allowPrivateNetwork) {
    for (const address of addresses) {
      const reason = forbiddenReason(address);
      if (reason !== undefined) {
        const article = /^[aeiou]/.test(reason) ? "an" : "a";
        const what =
          isIP(host) !== 0
            ? `${host} is ${article} ${reason} address`
            : `${url.hostname} resolves to ${article} ${reason} address ${address}`;
        throw new FetchError(
          "BLOCKED_ADDRESS",
          `${context}${what}; the server does not fetch private, loopback or link-local addresses`,
        );
      }
    }
  }
  return addresses;
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/** A `lookup` that answers only with the already-checked addresses (DNS pinning). */
function pinnedLookup(addresses: readonly string[]): LookupFunction {
  const entries = addresses.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
  return (_hostname, lookupOptions, callback) => {
    const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
    const usable = wanted === 0 ? entries : entries.filter((e) => e.family === wanted);
    const first = usable[0];
    if (!first) {
      const err: NodeJS.ErrnoException = new Error("no pinned address of the requested family");
      err.code = "ENOTFOUND";
      process.nextTick(() => callback(err, "", 4));
      return;
    }
    if (lookupOptions.all) process.nextTick(() => callback(null, usable));
    else process.nextTick(() => callback(null, first.address, first.family));
  };
}

function sendRequest(
  url: URL,
  addresses: readonly string[],
  method: "GET" | "POST",
  headers: Record<string, string>,
  body: string | undefined,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const host = bareHost(url);
    const requestFn = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = requestFn(
      url,
      {
        method,
        headers,
        // A fresh agent per request: no pooled socket from an earlier resolution is reused.
        agent: false,
        lookup: pinnedLookup(addresses),
        signal,
        // SNI must be a hostname, never an IP literal; certificate checks use it too.
        ...(url.protocol === "https:" && isIP(host) === 0 ? { servername: host } : {}),
      },
      resolve,
    );
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

function headerRecord(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** Parses Content-Disposition for a file name (RFC 6266: filename* wins over filename). */
export function fileNameFromContentDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const extended = /(?:^|;)\s*filename\*\s*=\s*([^;]+)/i.exec(header);
  if (extended?.[1]) {
    const m = /^\s*([\w!#$%&+^`{}~-]+)'[^']*'(.*?)\s*$/.exec(extended[1]);
    if (m?.[2] !== undefined) {
      const charset = (m[1] ?? "").toLowerCase();
      try {
        const decoded =
          charset === "utf-8"
            ? decodeURIComponent(m[2])
            : // ISO-8859-1 (the only other charset RFC 5987 requires): bytes map to code points.
              m[2].replace(/%([0-9a-f]{2})/gi, (_s, hex: string) =>
                String.fromCharCode(Number.parseInt(hex, 16)),
              );
        const name = cleanFileName(decoded);
        if (name) return name;
      } catch {
        // fall through to filename=
      }
    }
  }
  const quoted = /(?:^|;)\s*filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
  if (quoted?.[1] !== undefined) return cleanFileName(quoted[1].replace(/\\(.)/g, "$1"));
  const token = /(?:^|;)\s*filename\s*=\s*([^;\s]+)/i.exec(header);
  if (token?.[1] !== undefined) return cleanFileName(token[1]);
  return undefined;
}

/** Last path segment, percent-decoded; undefined for "/" or a trailing slash. */
export function fileNameFromUrl(url: URL): string | undefined {
  const segment = url.pathname.split("/").pop() ?? "";
  if (segment === "") return undefined;
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // keep the raw segment
  }
  return cleanFileName(decoded);
}

/** Basename only, no control characters; undefined when nothing usable remains. */
function cleanFileName(name: string): string | undefined {
  const base = name.split(/[/\\]/).pop() ?? "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  if (cleaned === "" || cleaned === "." || cleaned === "..") return undefined;
  return cleaned;
}

function mediaType(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const type = header.split(";")[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

function decodersFor(encodingHeader: string | undefined, url: URL, status: number): Transform[] {
  if (!encodingHeader) return [];
  const codings = encodingHeader
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  // Codings are listed in the order they were applied; decode in reverse.
  return codings.reverse().map((coding) => {
    switch (coding) {
      case "gzip":
      case "x-gzip":
        return createGunzip();
      case "deflate":
        return createInflate();
      case "br":
        return createBrotliDecompress();
      default:
        throw new FetchError(
          "BAD_RESPONSE",
          `${describeUrl(url)} was sent with an unsupported content-encoding "${coding}"`,
          { status },
        );
    }
  });
}

async function readBody(
  res: IncomingMessage,
  url: URL,
  maxBytes: number,
  deadline: Deadline,
): Promise<Uint8Array> {
  const status = res.statusCode ?? 0;
  const tooLarge = (): FetchError =>
    new FetchError("TOO_LARGE", `${describeUrl(url)} is larger than ${formatLimit(maxBytes)}`, { status });

  const declared = Number(res.headers["content-length"]);
  if (res.headers["content-length"] !== undefined && Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw tooLarge();
  }

  let decoders: Transform[];
  try {
    decoders = decodersFor(res.headers["content-encoding"], url, status);
  } catch (err) {
    res.destroy();
    throw err;
  }

  let wireBytes = 0;
  const wireCounter = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) cb(tooLarge());
      else cb(null, chunk);
    },
  });
  const chunks: Buffer[] = [];
  let decodedBytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void) {
      decodedBytes += chunk.length;
      if (decodedBytes > maxBytes) {
        cb(tooLarge());
        return;
      }
      chunks.push(chunk);
      cb();
    },
  });

  try {
    await pipeline([res, wireCounter, ...decoders, sink], { signal: deadline.signal });
  } catch (err) {
    res.destroy();
    deadline.check();
    if (err instanceof FetchError) throw err;
    const code = (err as NodeJS.ErrnoException)?.code ?? "";
    if (code.startsWith("Z_") || code === "ERR_BROTLI_DECOMPRESSION_FAILED" || code.startsWith("ERR__")) {
      throw new FetchError("BAD_RESPONSE", `${describeUrl(url)} sent a corrupt compressed body (${code})`, {
        status,
        cause: err,
      });
    }
    throw networkError(err, url);
  }
  const body = Buffer.concat(chunks, decodedBytes);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

function makeDeadline(
  options: SafeFetchOptions,
  describe: () => string,
): { deadline: Deadline; dispose: () => void } {
  const controller = new AbortController();
  let reason: "timeout" | "aborted" | undefined;
  const timer = setTimeout(() => {
    reason = "timeout";
    controller.abort(new Error("timeout"));
  }, options.timeoutMs);
  const onCallerAbort = (): void => {
    reason ??= "aborted";
    controller.abort(new Error("aborted"));
  };
  if (options.signal?.aborted) onCallerAbort();
  else options.signal?.addEventListener("abort", onCallerAbort, { once: true });
  const deadline: Deadline = {
    signal: controller.signal,
    check() {
      if (reason === "timeout") {
        throw new FetchError("TIMEOUT", `${describe()} timed out after ${formatDuration(options.timeoutMs)}`);
      }
      if (reason === "aborted") throw new FetchError("ABORTED", `${describe()} was cancelled`);
    },
  };
  return {
    deadline,
    dispose: () => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onCallerAbort);
    },
  };
}

async function fetchWithHooks(
  rawUrl: string,
  options: SafeFetchOptions,
  hooks: UnsafeTestHooks | undefined,
): Promise<SafeResponse> {
  const method = options.method ?? "GET";
  const maxRedirects = method === "POST" ? 0 : (options.maxRedirects ?? DEFAULT_MAX_REDIRECTS);
  let url = parseTarget(rawUrl, "");
  const { deadline, dispose } = makeDeadline(options, () => `${method} ${describeUrl(url)}`);

  const baseHeaders: Record<string, string> = {
    "user-agent": options.userAgent ?? DEFAULT_USER_AGENT,
    "accept-encoding": "gzip, deflate, br",
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) baseHeaders[name.toLowerCase()] = value;
  if (options.body !== undefined && baseHeaders["content-length"] === undefined) {
    baseHeaders["content-length"] = String(Buffer.byteLength(options.body));
  }
  let headers = baseHeaders;

  try {
    deadline.check();
    for (let hop = 0; ; hop++) {
      const context = hop === 0 ? "" : "redirect refused: ";
      const checked = await resolveChecked(url, options, deadline, context);
      const connectTo = hooks ? checked.map((a) => hooks.connectAddress(a)) : checked;

      let res: IncomingMessage;
      try {
        res = await sendRequest(url, connectTo, method, headers, options.body, deadline.signal);
      } catch (err) {
        deadline.check();
        throw networkError(err, url);
      }
      const status = res.statusCode ?? 0;

      const location = res.headers.location;
      if (method === "GET" && REDIRECT_STATUSES.has(status) && location) {
        res.destroy();
        if (hop >= maxRedirects) {
          throw new FetchError(
            "TOO_MANY_REDIRECTS",
            `${method} ${describeUrl(url)} redirected more than ${maxRedirects} times`,
            { status },
          );
        }
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new FetchError("BAD_URL", `${describeUrl(url)} redirected to an invalid URL`, { status });
        }
        next = parseTarget(next.href, "redirect refused: ");
        if (next.origin !== url.origin) {
          headers = { ...headers };
          for (const name of CREDENTIAL_HEADERS) delete headers[name];
        }
        url = next;
        continue;
      }

      if (status < 200 || status > 299) {
        res.destroy();
        const text = res.statusMessage || STATUS_CODES[status] || "";
        throw new FetchError(
          "HTTP_STATUS",
          `${method} ${describeUrl(url)} answered ${status}${text ? ` ${text}` : ""}`,
          { status },
        );
      }

      const bytes = await readBody(res, url, options.maxBytes, deadline);
      const responseHeaders = headerRecord(res);
      const response: SafeResponse = { status, finalUrl: url.href, headers: responseHeaders, bytes };
      const contentType = mediaType(responseHeaders["content-type"]);
      if (contentType !== undefined) response.contentType = contentType;
      const fileName =
        fileNameFromContentDisposition(responseHeaders["content-disposition"]) ?? fileNameFromUrl(url);
      if (fileName !== undefined) response.fileName = fileName;
      return response;
    }
  } catch (err) {
    if (err instanceof FetchError) throw err;
    deadline.check();
    throw networkError(err, url);
  } finally {
    dispose();
  }
}
