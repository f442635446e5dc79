/**
 * A small typed HTTP client for the GroundX REST API (CONTRACT.md §1), used by the CLI. It works
 * against an Openground server or hosted GroundX alike; it has no runtime dependency on the SDK.
 */
import type {
  BucketListResponse,
  BucketResponse,
  DocumentListResponse,
  IngestResponse,
  RemoteDocument,
  SearchResponse,
  WebsiteSource,
} from "./types.js";

/** A failure the CLI reports as `openground: <message>` (no stack trace) with exit code 1. */
export class ClientError extends Error {
  override readonly name: string = "ClientError";
}

/** A non-2xx answer: the server's `message` and the HTTP status. */
export class HttpError extends ClientError {
  override readonly name: string = "HttpError";
  constructor(
    readonly status: number,
    readonly apiMessage: string,
    readonly body: unknown,
  ) {
    super(`${apiMessage} (HTTP ${status})`);
  }
}

/** The server could not be reached (refused, unknown host, timeout, TLS...). */
export class NetworkError extends ClientError {
  override readonly name: string = "NetworkError";
}

export const DEFAULT_URL = "http://localhost:8080";

/**
 * `http://host:port`, `http://host:port/api` and `http://host:port/api/v1` (with or without a
 * trailing slash) all become `http://host:port/api/v1`; a URL without a scheme gets `http://`.
 */
export function normaliseBaseUrl(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed === "") throw new ClientError("the server URL is empty (--url or OPENGROUND_URL)");
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ClientError(`"${raw}" is not a valid server URL (expected e.g. http://localhost:8080)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ClientError(`"${raw}" is not an http(s) URL`);
  }
  let pathname = url.pathname.replace(/\/+$/, "");
  if (/\/api\/v1$/i.test(pathname)) pathname = pathname.replace(/\/api\/v1$/i, "/api/v1");
  else if (/\/api$/i.test(pathname)) pathname = `${pathname.slice(0, -4)}/api/v1`;
  else pathname = `${pathname}/api/v1`;
  return `${url.origin}${pathname}`;
}

export interface HttpClientOptions {
  /** Any accepted form (see normaliseBaseUrl). */
  readonly url: string;
  readonly apiKey: string;
  /** Per-request timeout (default 60 s; uploads get at least 5 minutes). */
  readonly timeoutMs?: number;
  /** Retries of GET requests answered 429 or 5xx (default 3). */
  readonly retries?: number;
  /** Base delay of the exponential retry backoff (default 500 ms). */
  readonly retryDelayMs?: number;
  readonly fetch?: typeof fetch;
}

type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** A JSON body. */
  readonly json?: unknown;
  /** A multipart body. */
  readonly form?: FormData;
  readonly timeoutMs?: number;
}

const UPLOAD_TIMEOUT_MS = 5 * 60_000;
const MAX_RETRY_WAIT_MS = 30_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Typed access to the routes the CLI uses. */
export class HttpClient {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: HttpClientOptions) {
    this.baseUrl = normaliseBaseUrl(options.url);
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retries = options.retries ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.fetchImpl = options.fetch ?? fetch;
  }

  // --- buckets (§7) ---

  listBuckets(page: { n?: number; nextToken?: string } = {}): Promise<BucketListResponse> {
    return this.request<BucketListResponse>("GET", "/bucket", { query: page });
  }

  async createBucket(name: string): Promise<BucketResponse> {
    return expectKey(await this.request<BucketResponse>("POST", "/bucket", { json: { name } }), "bucket");
  }

  // --- ingest (§4) ---

  async ingestLocal(form: FormData): Promise<IngestResponse> {
    const answer = await this.request<IngestResponse>("POST", "/ingest/documents/local", {
      form,
      timeoutMs: Math.max(this.timeoutMs, UPLOAD_TIMEOUT_MS),
    });
    return expectKey(answer, "ingest");
  }

  async ingestRemote(documents: readonly RemoteDocument[]): Promise<IngestResponse> {
    const answer = await this.request<IngestResponse>("POST", "/ingest/documents/remote", {
      json: { documents },
    });
    return expectKey(answer, "ingest");
  }

  async crawlWebsite(website: WebsiteSource): Promise<IngestResponse> {
    const answer = await this.request<IngestResponse>("POST", "/ingest/documents/website", {
      json: { websites: [website] },
    });
    return expectKey(answer, "ingest");
  }

  async processStatus(processId: string): Promise<IngestResponse> {
    const answer = await this.request<IngestResponse>("GET", `/ingest/${encodeURIComponent(processId)}`);
    return expectKey(answer, "ingest");
  }

  /** Documents of a process, bucket or group (§4.7), one page. */
  lookupDocuments(
    id: string | number,
    page: { n?: number; nextToken?: string; status?: string } = {},
  ): Promise<DocumentListResponse> {
    return this.request<DocumentListResponse>("GET", `/ingest/documents/${encodeURIComponent(String(id))}`, {
      query: page,
    });
  }

  // --- search (§6) ---

  async search(
    id: string | number,
    body: { query: string; relevance?: number },
    query: { n?: number; verbosity?: number; nextToken?: string } = {},
  ): Promise<SearchResponse> {
    const answer = await this.request<SearchResponse>("POST", `/search/${encodeURIComponent(String(id))}`, {
      json: body,
      query,
    });
    return expectKey(answer, "search");
  }

  // --- transport ---

  /** One API call; `path` is relative to `/api/v1`. Only GETs are retried (429/5xx). */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = this.urlFor(path, options.query);
    const headers: Record<string, string> = { "X-API-Key": this.apiKey, Accept: "application/json" };
    let body: string | FormData | undefined;
    if (options.form) body = options.form;
    else if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const retries = method === "GET" ? this.retries : 0;

    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new NetworkError(describeNetworkError(error, this.baseUrl, timeoutMs));
      }
      const retryable = response.status === 429 || response.status >= 500;
      if (retryable && attempt < retries) {
        await response.body?.cancel().catch(() => undefined);
        await sleep(retryWait(response, attempt, this.retryDelayMs));
        continue;
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        throw new NetworkError(describeNetworkError(error, this.baseUrl, timeoutMs));
      }
      const parsed = parseJson(text);
      if (!response.ok) {
        throw new HttpError(response.status, errorMessage(parsed, text, response), parsed);
      }
      if (parsed === undefined) {
        throw new ClientError(
          `${method} ${url} answered HTTP ${response.status} without a JSON body: is ${this.baseUrl} a GroundX API?`,
        );
      }
      return parsed as T;
    }
  }

  private urlFor(path: string, query: Readonly<Record<string, QueryValue>> = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.append(key, String(value));
    }
    const search = params.toString();
    return `${this.baseUrl}${path.startsWith("/") ? path : `/${path}`}${search ? `?${search}` : ""}`;
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The answer must carry its envelope key (§1.3), or it is not a GroundX answer. */
function expectKey<T extends object>(answer: T, key: string): T {
  if (!isRecord(answer) || !(key in answer)) {
    throw new ClientError(`unexpected answer from the server: no "${key}" in ${JSON.stringify(answer)}`);
  }
  return answer;
}

/** `{"message"}` (D1), a nested `error.message`, a short text body, or the status text. */
function errorMessage(parsed: unknown, text: string, response: Response): string {
  if (isRecord(parsed)) {
    if (typeof parsed.message === "string" && parsed.message) return parsed.message;
    const nested = parsed.error;
    if (isRecord(nested) && typeof nested.message === "string" && nested.message) return nested.message;
    if (typeof nested === "string" && nested) return nested;
  }
  const plain = text.trim();
  if (plain && plain.length <= 300 && !plain.startsWith("<")) return plain;
  return response.statusText || "request failed";
}

/** Retry-After (seconds or HTTP date), else exponential backoff; capped. */
function retryWait(response: Response, attempt: number, baseMs: number): number {
  const header = response.headers.get("retry-after");
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_WAIT_MS);
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.min(Math.max(date - Date.now(), 0), MAX_RETRY_WAIT_MS);
  }
  return Math.min(baseMs * 2 ** attempt, MAX_RETRY_WAIT_MS);
}

const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the server",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed by the server",
};

function errorCode(error: unknown): string | undefined {
  if (!isRecord(error) && !(error instanceof Error)) return undefined;
  const record = error as unknown as Record<string, unknown>;
  if (typeof record.code === "string") return record.code;
  // Several addresses tried (IPv4 and IPv6): an AggregateError of per-address errors.
  if (Array.isArray(record.errors)) {
    for (const inner of record.errors) {
      const code = errorCode(inner);
      if (code) return code;
    }
  }
  return undefined;
}

/** "cannot reach http://…: connection refused" and the like. */
export function describeNetworkError(error: unknown, baseUrl: string, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `no answer from ${baseUrl} within ${Math.round(timeoutMs / 1000)} s`;
  }
  const cause = error instanceof Error ? error.cause : undefined;
  const code = errorCode(cause) ?? errorCode(error);
  if (code && NETWORK_REASONS[code]) return `cannot reach ${baseUrl}: ${NETWORK_REASONS[code]}`;
  const detail =
    cause instanceof Error && cause.message
      ? cause.message
      : error instanceof Error
        ? error.message
        : String(error);
  return `cannot reach ${baseUrl}: ${code ? `${code} ` : ""}${detail}`.trim();
}
