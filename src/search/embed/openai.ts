/**
 * Any OpenAI-compatible embeddings endpoint (OpenAI, Azure-style proxies, vLLM, Ollama,
 * LM Studio, text-embeddings-inference…): POST {baseURL}/embeddings with {model, input}.
 */
import { type Embedder, EmbedError, type EmbedKind } from "./types.js";
import { l2normalize } from "./vector.js";

export interface OpenAIEmbedderOptions {
  /** e.g. "https://api.openai.com/v1" or "http://127.0.0.1:11434/v1"; `/embeddings` is appended. */
  readonly baseURL: string;
  readonly model: string;
  readonly apiKey?: string;
  /**
   * Vector width. When given it is also sent as `dimensions` (for models that can shorten
   * their output); when absent one probe request learns it.
   */
  readonly dimensions?: number;
  /** Texts per request (default 96). */
  readonly batchSize?: number;
  /** Per-request timeout in ms (default 60 000). */
  readonly timeoutMs?: number;
  /** Retries on 429, 5xx and network errors (default 2), with 0.5 s, 1 s… back-off or Retry-After (≤ 10 s). */
  readonly maxRetries?: number;
  /** Extra headers (e.g. an api-version or organisation header). */
  readonly headers?: Readonly<Record<string, string>>;
}

interface EmbeddingResponse {
  data?: { embedding?: unknown; index?: unknown }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function retryDelay(attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 10_000);
  return Math.min(500 * 2 ** attempt, 10_000);
}

export async function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Promise<Embedder> {
  let url: URL;
  try {
    url = new URL(`${options.baseURL.replace(/\/+$/, "")}/embeddings`);
  } catch {
    throw new EmbedError("EMBED_CONFIG", `invalid baseURL ${JSON.stringify(options.baseURL)}`);
  }
  if (!options.model) throw new EmbedError("EMBED_CONFIG", "model is required");
  const batchSize = options.batchSize ?? 96;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxRetries = options.maxRetries ?? 2;
  const where = `${url.origin}${url.pathname}`;
  const controller = new AbortController();
  let closed = false;

  const request = async (input: readonly string[]): Promise<Float32Array[]> => {
    const body = JSON.stringify({
      model: options.model,
      input,
      encoding_format: "float",
      ...(options.dimensions ? { dimensions: options.dimensions } : {}),
    });
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json",
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
            ...options.headers,
          },
          body,
          signal: AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]),
        });
      } catch (error) {
        if (closed) throw new EmbedError("EMBED_CLOSED", "the embedder was closed");
        const timedOut = (error as Error).name === "TimeoutError";
        if (attempt < maxRetries) {
          await sleep(retryDelay(attempt, null));
          continue;
        }
        throw timedOut
          ? new EmbedError("EMBED_TIMEOUT", `${where} did not answer within ${timeoutMs} ms`, {
              cause: error,
            })
          : new EmbedError("EMBED_NETWORK", `cannot reach ${where}: ${(error as Error).message}`, {
              cause: error,
            });
      }
      if (!response.ok) {
        const text = (await response.text().catch(() => "")).slice(0, 500);
        const retriable = response.status === 429 || response.status >= 500;
        if (retriable && attempt < maxRetries) {
          await sleep(retryDelay(attempt, response.headers.get("retry-after")));
          continue;
        }
        let detail = text;
        try {
          const parsed = JSON.parse(text) as { error?: { message?: unknown } | string };
          const message = typeof parsed.error === "string" ? parsed.error : parsed.error?.message;
          if (typeof message === "string") detail = message;
        } catch {
          // not JSON: keep the text
        }
        const hint =
          response.status === 401 || response.status === 403
            ? " (check the API key)"
            : response.status === 404
              ? " (check baseURL and model)"
              : "";
        throw new EmbedError(
          "EMBED_HTTP_STATUS",
          `${where} answered ${response.status}${hint}${detail ? `: ${detail}` : ""}`,
        );
      }
      let json: EmbeddingResponse;
      try {
        json = (await response.json()) as EmbeddingResponse;
      } catch (error) {
        throw new EmbedError("EMBED_BAD_RESPONSE", `${where} did not return JSON`, { cause: error });
      }
      return parseVectors(json, input.length, where);
    }
  };

  let dimensions = options.dimensions;
  if (dimensions === undefined) {
    const [probe] = await request(["dimension probe"]);
    dimensions = probe?.length ?? 0;
  }
  const width = dimensions;

  return {
    id: `openai:${options.model}${options.dimensions ? `:${options.dimensions}` : ""}`,
    dimensions: width,
    async embed(texts: readonly string[], _kind: EmbedKind): Promise<Float32Array[]> {
      if (closed) throw new EmbedError("EMBED_CLOSED", "the embedder is closed");
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        // Some servers reject empty strings: send a space instead.
        const batch = texts.slice(i, i + batchSize).map((t) => (t.length === 0 ? " " : t));
        for (const v of await request(batch)) {
          if (v.length !== width) {
            throw new EmbedError(
              "EMBED_BAD_RESPONSE",
              `${where} returned a ${v.length}-d vector, expected ${width}`,
            );
          }
          out.push(v);
        }
      }
      return out;
    },
    async close(): Promise<void> {
      closed = true;
      controller.abort();
    },
  };
}

function parseVectors(json: EmbeddingResponse, count: number, where: string): Float32Array[] {
  const data = json?.data;
  if (!Array.isArray(data) || data.length !== count) {
    throw new EmbedError(
      "EMBED_BAD_RESPONSE",
      `${where} returned ${Array.isArray(data) ? data.length : "no"} embeddings for ${count} inputs`,
    );
  }
  const out: Float32Array[] = new Array(count);
  data.forEach((item, position) => {
    const index = typeof item?.index === "number" ? item.index : position;
    const embedding = item?.embedding;
    if (
      !Array.isArray(embedding) ||
      embedding.length === 0 ||
      !embedding.every((x) => typeof x === "number" && Number.isFinite(x))
    ) {
      throw new EmbedError("EMBED_BAD_RESPONSE", `${where} returned a malformed embedding at index ${index}`);
    }
    if (index < 0 || index >= count || out[index] !== undefined) {
      throw new EmbedError(
        "EMBED_BAD_RESPONSE",
        `${where} returned an out-of-range or repeated index ${index}`,
      );
    }
    out[index] = l2normalize(Float32Array.from(embedding as number[]));
  });
  return out;
}
