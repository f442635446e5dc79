/**
 * Outbound ingest callbacks (CONTRACT.md D6, §13): POST JSON to the caller's `callbackUrl`,
 * 10 s timeout, 3 attempts with exponential backoff, never blocking ingestion.
 *
 * - Uses safeFetch, so callbacks obey the same address policy as remote ingest
 *   (OPENGROUND_ALLOW_PRIVATE_NETWORK) with DNS pinning; POST never follows redirects (a 3xx is a
 *   non-retryable failure, like most webhook senders).
 * - Retried: network errors, timeouts, 5xx, 429. Not retried: other 4xx, 3xx, bad URLs, blocked
 *   addresses (those cannot get better by retrying).
 * - `send` never throws; `sendInBackground` never rejects; `idle()` waits for background sends
 *   (graceful shutdown, tests).
 * - The response body is ignored (read up to a small cap, then dropped).
 */
import { describeUrl, FetchError, type FetchErrorCode, safeFetch } from "./safe-fetch.js";

export interface CallbackLogger {
  warn(obj: object, msg: string): void;
}

export interface CallbackSenderOptions {
  /** OPENGROUND_ALLOW_PRIVATE_NETWORK. */
  allowPrivateNetwork: boolean;
  /** Per attempt. Default 10 000 ms (D6). */
  timeoutMs?: number;
  /** Total attempts including the first. Default 3 (D6). */
  attempts?: number;
  /** Wait before the 2nd attempt; doubles for each further attempt. Default 1000 ms. */
  backoffMs?: number;
  logger?: CallbackLogger;
}

export interface CallbackResult {
  delivered: boolean;
  /** Attempts made (0 when the payload could not even be serialised). */
  attempts: number;
  /** HTTP status of the last answer, when one was received. */
  status?: number;
  /** Why the last attempt failed (human-readable), when not delivered. */
  error?: string;
}

const USER_AGENT = "openground-callback/1";
/** The receiver's answer is ignored; do not buffer more than this of it. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const NEVER_RETRY: ReadonlySet<FetchErrorCode> = new Set(["BAD_URL", "BLOCKED_ADDRESS", "ABORTED"]);

function isRetryable(err: unknown): boolean {
  if (!(err instanceof FetchError)) return true;
  if (NEVER_RETRY.has(err.code)) return false;
  if (err.code === "HTTP_STATUS") {
    const status = err.status ?? 0;
    return status >= 500 || status === 429;
  }
  // NETWORK, TIMEOUT, TOO_LARGE / BAD_RESPONSE on a non-2xx (not reachable: non-2xx is HTTP_STATUS).
  return err.code === "NETWORK" || err.code === "TIMEOUT";
}

function safeTarget(url: string): string {
  try {
    return describeUrl(new URL(url));
  } catch {
    return "(invalid URL)";
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class CallbackSender {
  private readonly allowPrivateNetwork: boolean;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly logger: CallbackLogger | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(options: CallbackSenderOptions) {
    this.allowPrivateNetwork = options.allowPrivateNetwork;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.attempts = Math.max(1, Math.floor(options.attempts ?? 3));
    this.backoffMs = Math.max(0, options.backoffMs ?? 1000);
    this.logger = options.logger;
  }

  /** Logging must never break delivery or create an unhandled rejection. */
  private warn(obj: object, msg: string): void {
    try {
      this.logger?.warn(obj, msg);
    } catch {
      // ignore logger failures
    }
  }

  /** POSTs `payload` as JSON to `url`, retrying transient failures. Never throws. */
  async send(url: string, payload: unknown): Promise<CallbackResult> {
    const target = safeTarget(url);
    let body: string;
    try {
      const json = JSON.stringify(payload);
      if (json === undefined) throw new Error("payload is not JSON-serialisable");
      body = json;
    } catch (err) {
      const error = `callback payload could not be serialised: ${err instanceof Error ? err.message : String(err)}`;
      this.warn({ target }, error);
      return { delivered: false, attempts: 0, error };
    }

    let last: CallbackResult = { delivered: false, attempts: 0 };
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        const res = await safeFetch(url, {
          allowPrivateNetwork: this.allowPrivateNetwork,
          timeoutMs: this.timeoutMs,
          maxBytes: MAX_RESPONSE_BYTES,
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          userAgent: USER_AGENT,
        });
        return { delivered: true, attempts: attempt, status: res.status };
      } catch (err) {
        const status = err instanceof FetchError ? err.status : undefined;
        // The receiver answered 2xx but its (ignored) body was too large or undecodable: delivered.
        if (status !== undefined && status >= 200 && status <= 299) {
          return { delivered: true, attempts: attempt, status };
        }
        const error = err instanceof Error ? err.message : String(err);
        last = { delivered: false, attempts: attempt, error };
        if (status !== undefined) last.status = status;
        const retry = attempt < this.attempts && isRetryable(err);
        const code = err instanceof FetchError ? err.code : "UNKNOWN";
        if (retry) {
          const delay = this.backoffMs * 2 ** (attempt - 1);
          this.warn(
            { target, attempt, attempts: this.attempts, code, status, retryInMs: delay },
            `callback attempt ${attempt} failed, retrying: ${error}`,
          );
          await sleep(delay);
        } else {
          this.warn(
            { target, attempt, attempts: this.attempts, code, status },
            `callback not delivered: ${error}`,
          );
          return last;
        }
      }
    }
    return last;
  }

  /** Fire-and-forget `send`: returns immediately, never rejects; tracked by `idle()`. */
  sendInBackground(url: string, payload: unknown): void {
    const task: Promise<void> = this.send(url, payload)
      .then(
        () => undefined,
        (err: unknown) => {
          // send() does not throw; this only guards against a bug turning into an unhandled rejection.
          this.warn({ target: safeTarget(url), err: String(err) }, "callback send crashed");
        },
      )
      .finally(() => {
        this.pending.delete(task);
      });
    this.pending.add(task);
  }

  /** Number of background sends still running. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Resolves once every background send (including ones started while waiting) has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.all([...this.pending]);
    }
  }
}
