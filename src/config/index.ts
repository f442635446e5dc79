import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type { ParserOptions } from "../ingest/types.js";

/**
 * Openground's configuration, parsed once at start-up from the environment.
 * This module is the only place that reads `process.env` (STYLE.md habit 16):
 * everything else receives a frozen `Config`.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the data directory (SQLite database, stored files). */
  readonly dataDir: string;
  /** Bootstrap API key: an account with this key exists after start-up. */
  readonly apiKey: string | undefined;
  /** Base of every URL the server hands out (no trailing slash). */
  readonly publicUrl: string;
  /** Allow outbound fetches (remote ingest, crawl, callbacks) to private addresses. */
  readonly allowPrivateNetwork: boolean;
  readonly logLevel: LogLevel;
  /** Optional per-period caps reported as the `max` of the customer meters. */
  readonly quotas: { readonly fileTokens: number | undefined; readonly searches: number | undefined };
  /** Largest accepted JSON request body, in bytes. */
  readonly maxJsonBodyBytes: number;
  /** Ingestion: concurrency and limits (CONTRACT.md D13). */
  readonly ingest: IngestConfig;
  /** Dense retrieval: which embedder, if any. */
  readonly embedding: EmbeddingConfig;
  readonly search: SearchConfig;
  /** Presigned upload service for the Python SDK's `upload_api` (CONTRACT.md §14.3). */
  readonly uploads: UploadConfig;
}

export interface UploadConfig {
  /** Accept `GET /upload/file` without an API key (the Python SDK sends none by default). */
  readonly anonymous: boolean;
  /** Seconds a presigned upload stays usable until its bytes arrive. */
  readonly ttlSeconds: number;
  /** Seconds stored upload bytes are kept and served at their hosted URL. */
  readonly retentionSeconds: number;
}

export interface SearchConfig {
  /**
   * When FTS5 answers the lexical arm (the in-memory index is not built, disabled, or the query
   * holds a phrase), terms in more than this share of the index are left out of its query
   * (`OPENGROUND_SEARCH_COMMON_TERM_PERCENT`, default 20): lower is faster on big indexes, 100
   * walks every term.
   */
  readonly commonTermShare: number;
  /**
   * Largest index (in chunks) kept in memory for BM25 (`OPENGROUND_SEARCH_MEMORY_CHUNKS`, default
   * 1,000,000; about 2 KB of memory per chunk; 0: FTS5 answers every lexical query).
   */
  readonly memoryChunks: number;
}

export const EMBEDDERS = ["minilm", "minilm-fp32", "minilm-wasm", "openai", "onnx-dir", "none"] as const;

export interface EmbeddingConfig {
  /** `minilm` (default): all-MiniLM-L6-v2 int8 on onnxruntime, shipped in an npm package. */
  readonly provider: (typeof EMBEDDERS)[number];
  /** openai: base URL (before /embeddings) and model. */
  readonly url: string | undefined;
  readonly model: string | undefined;
  readonly apiKey: string | undefined;
  /** openai / onnx-dir: vector width (required for them). */
  readonly dimensions: number | undefined;
  /** onnx-dir: directory with model.onnx and tokenizer.json. */
  readonly dir: string | undefined;
}

export interface IngestConfig {
  /** Documents processed at once (and parser threads). */
  readonly workers: number;
  /** Largest file, local upload or remote download, in bytes. */
  readonly maxFileBytes: number;
  /** Documents per ingest request. */
  readonly maxDocumentsPerRequest: number;
  /** Pages per document. */
  readonly maxPages: number;
  /** Wall-clock limit for parsing one document. */
  readonly parseTimeoutMs: number;
  /** Heap cap of each parser thread, in MB. */
  readonly parserMemoryMb: number;
  /** Limit for one remote download. */
  readonly fetchTimeoutMs: number;
  /** Website crawls (D12): largest depth and page cap a request may ask for. */
  readonly crawlMaxDepth: number;
  readonly crawlMaxCap: number;
  /** Pause between two requests of a crawl (robots.txt may ask for more). */
  readonly crawlDelayMs: number;
  /** OCR languages and LibreOffice, passed to the parsers with every document. */
  readonly parsers: ParserOptions;
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Thrown by {@link loadConfig} with every problem found, one per line. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parse and validate the configuration. Collects every problem before failing so
 * an operator fixes them all in one go.
 *
 * @example
 *   const config = loadConfig(process.env);
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };

  const port = parseInteger(read("PORT"), 8080, "PORT", 0, 65535, problems);
  const host = read("HOST") ?? "0.0.0.0";
  const dataDir = path.resolve(cwd, read("OPENGROUND_DATA_DIR") ?? "./data");

  const apiKey = read("OPENGROUND_API_KEY");
  if (apiKey !== undefined && !/^[\x21-\x7e]{8,256}$/.test(apiKey)) {
    problems.push("OPENGROUND_API_KEY must be 8 to 256 printable characters without spaces");
  }

  const allowPrivateNetwork = parseBoolean(
    read("OPENGROUND_ALLOW_PRIVATE_NETWORK"),
    false,
    "OPENGROUND_ALLOW_PRIVATE_NETWORK",
    problems,
  );

  const logLevel = (read("OPENGROUND_LOG_LEVEL") ?? "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`OPENGROUND_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);
  }

  const publicHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  let publicUrl = `http://${publicHost.includes(":") ? `[${publicHost}]` : publicHost}:${port}`;
  const rawPublicUrl = read("OPENGROUND_PUBLIC_URL");
  if (rawPublicUrl !== undefined) {
    const parsed = parseHttpUrl(rawPublicUrl);
    if (parsed === undefined) {
      problems.push("OPENGROUND_PUBLIC_URL must be an absolute http(s) URL");
    } else {
      publicUrl = parsed.replace(/\/+$/, "");
    }
  }

  const fileTokens = parseOptionalInteger(
    read("OPENGROUND_QUOTA_FILE_TOKENS"),
    "OPENGROUND_QUOTA_FILE_TOKENS",
    problems,
  );
  const searches = parseOptionalInteger(
    read("OPENGROUND_QUOTA_SEARCHES"),
    "OPENGROUND_QUOTA_SEARCHES",
    problems,
  );
  const maxJsonBodyBytes = parseInteger(
    read("OPENGROUND_MAX_JSON_BYTES"),
    10 * 1024 * 1024,
    "OPENGROUND_MAX_JSON_BYTES",
    1024,
    1024 * 1024 * 1024,
    problems,
  );

  const int = (name: string, fallback: number, min: number, max: number) =>
    parseInteger(read(name), fallback, name, min, max, problems);
  const ingest: IngestConfig = Object.freeze({
    workers: int("OPENGROUND_WORKERS", Math.max(1, os.availableParallelism()), 1, 256),
    maxFileBytes: int("OPENGROUND_MAX_FILE_BYTES", 100 * 1024 * 1024, 1024, 16 * 1024 ** 3),
    maxDocumentsPerRequest: int("OPENGROUND_MAX_DOCUMENTS_PER_REQUEST", 50, 1, 10_000),
    maxPages: int("OPENGROUND_MAX_PAGES", 2000, 1, 1_000_000),
    parseTimeoutMs: int("OPENGROUND_PARSE_TIMEOUT_MS", 300_000, 100, 24 * 3_600_000),
    parserMemoryMb: int("OPENGROUND_PARSER_MEMORY_MB", 1024, 64, 65_536),
    fetchTimeoutMs: int("OPENGROUND_FETCH_TIMEOUT_MS", 120_000, 100, 3_600_000),
    crawlMaxDepth: int("OPENGROUND_CRAWL_MAX_DEPTH", 8, 0, 100),
    crawlMaxCap: int("OPENGROUND_CRAWL_MAX_CAP", 2000, 1, 1_000_000),
    crawlDelayMs: int("OPENGROUND_CRAWL_DELAY_MS", 250, 0, 60_000),
    parsers: Object.freeze({
      ocrLanguages: parseOcrLanguages(read("OPENGROUND_OCR_LANGUAGES"), problems),
      libreoffice: parseLibreOffice(read("OPENGROUND_LIBREOFFICE"), problems),
      libreofficeTimeoutMs: int("OPENGROUND_LIBREOFFICE_TIMEOUT_MS", 120_000, 1000, 3_600_000),
    }),
  });

  const provider = (read("OPENGROUND_EMBEDDER") ?? "minilm") as EmbeddingConfig["provider"];
  if (!EMBEDDERS.includes(provider))
    problems.push(`OPENGROUND_EMBEDDER must be one of ${EMBEDDERS.join(", ")}`);
  const embedding: EmbeddingConfig = Object.freeze({
    provider,
    url: read("OPENGROUND_EMBEDDER_URL"),
    model: read("OPENGROUND_EMBEDDER_MODEL"),
    apiKey: read("OPENGROUND_EMBEDDER_API_KEY"),
    dimensions: parseOptionalInteger(
      read("OPENGROUND_EMBEDDER_DIMENSIONS"),
      "OPENGROUND_EMBEDDER_DIMENSIONS",
      problems,
    ),
    dir: read("OPENGROUND_EMBEDDER_DIR"),
  });
  if (provider === "openai" && (!embedding.url || !embedding.model || !embedding.dimensions)) {
    problems.push(
      "OPENGROUND_EMBEDDER=openai needs OPENGROUND_EMBEDDER_URL, OPENGROUND_EMBEDDER_MODEL and OPENGROUND_EMBEDDER_DIMENSIONS",
    );
  }
  if (provider === "onnx-dir" && (!embedding.dir || !embedding.dimensions)) {
    problems.push(
      "OPENGROUND_EMBEDDER=onnx-dir needs OPENGROUND_EMBEDDER_DIR and OPENGROUND_EMBEDDER_DIMENSIONS",
    );
  }

  const uploads: UploadConfig = Object.freeze({
    anonymous: parseBoolean(
      read("OPENGROUND_ANONYMOUS_UPLOADS"),
      false,
      "OPENGROUND_ANONYMOUS_UPLOADS",
      problems,
    ),
    ttlSeconds: int("OPENGROUND_UPLOAD_TTL_SECONDS", 3600, 1, 30 * 86_400),
    retentionSeconds: int("OPENGROUND_UPLOAD_RETENTION_SECONDS", 7 * 86_400, 1, 3650 * 86_400),
  });

  const search: SearchConfig = Object.freeze({
    commonTermShare: int("OPENGROUND_SEARCH_COMMON_TERM_PERCENT", 20, 1, 100) / 100,
    memoryChunks: int("OPENGROUND_SEARCH_MEMORY_CHUNKS", 1_000_000, 0, 1_000_000_000),
  });

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    port,
    host,
    dataDir,
    apiKey,
    publicUrl,
    allowPrivateNetwork,
    logLevel,
    quotas: Object.freeze({ fileTokens, searches }),
    maxJsonBodyBytes,
    ingest,
    embedding,
    search,
    uploads,
  });
}

const requireFromHere = createRequire(import.meta.url);

/**
 * OCR languages: tesseract codes separated by commas or "+" ("eng+deu"), each
 * with its npm data package installed (`@tesseract.js-data/<code>`): nothing is
 * ever downloaded.
 */
function parseOcrLanguages(raw: string | undefined, problems: string[]): readonly string[] {
  const codes = (raw ?? "eng").split(/[\s,+]+/).filter(Boolean);
  if (codes.length === 0) problems.push("OPENGROUND_OCR_LANGUAGES must name at least one language, e.g. eng");
  for (const code of codes) {
    if (!/^[a-z]{3}(_[a-z]{2,6})?$/.test(code)) {
      problems.push(
        `OPENGROUND_OCR_LANGUAGES: "${code}" is not a tesseract language code (e.g. eng, deu, chi_sim)`,
      );
      continue;
    }
    try {
      requireFromHere.resolve(`@tesseract.js-data/${code}/package.json`);
    } catch {
      problems.push(
        `OPENGROUND_OCR_LANGUAGES: no OCR data for "${code}": install the npm package @tesseract.js-data/${code}`,
      );
    }
  }
  return Object.freeze(codes);
}

/** LibreOffice: "auto" (on PATH when installed), "off", or an absolute path to soffice. */
function parseLibreOffice(raw: string | undefined, problems: string[]): string {
  const value = (raw ?? "auto").trim();
  if (/^(auto|off)$/.test(value)) return value;
  if (!path.isAbsolute(value)) {
    problems.push("OPENGROUND_LIBREOFFICE must be auto, off or the absolute path of the soffice executable");
    return "off";
  }
  try {
    accessSync(value, constants.X_OK);
  } catch {
    problems.push(`OPENGROUND_LIBREOFFICE: ${value} is not an executable file`);
  }
  return value;
}

function parseInteger(
  raw: string | undefined,
  fallback: number,
  name: string,
  min: number,
  max: number,
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
    return fallback;
  }
  return Number(raw);
}

function parseOptionalInteger(raw: string | undefined, name: string, problems: string[]): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    problems.push(`${name} must be a non-negative integer (got "${raw}")`);
    return undefined;
  }
  return Number(raw);
}

function parseBoolean(raw: string | undefined, fallback: boolean, name: string, problems: string[]): boolean {
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  problems.push(`${name} must be true or false (got "${raw}")`);
  return fallback;
}

function parseHttpUrl(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    if (url.search || url.hash) return undefined;
    return url.toString();
  } catch {
    return undefined;
  }
}
