/**
 * Search latency at 100,000 chunks: `npx tsx bench/search/run.ts [--dir DIR] [--rebuild] [--chunks N]`.
 *
 * Builds (once) a synthetic corpus of SciFact sentences recombined into 10-chunk documents in one
 * bucket (bench/search/corpus.ts), then, in this process: starts the real app on it, warms up with
 * 20 queries and times 200 varied queries through `POST /api/v1/search/{bucketId}` (sequential
 * wall time per request), runs the same queries through `SearchService.search` for its per-stage
 * timings, and measures the floors on the same data: the raw FTS5 query, the query embedding and
 * the raw sqlite-vec KNN over the bucket partition. Prints latency percentiles, the stage
 * breakdown, the floors and the server's RSS. See bench/search/README.md.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import type { ApiInstance } from "../../src/api/context.js";
import { buildApp } from "../../src/app.js";
import { type Config, loadConfig } from "../../src/config/index.js";
import { newUuid } from "../../src/core/ids.js";
import { analyze, analyzeTerm } from "../../src/search/analyze.js";
import { createThreadedEmbedder } from "../../src/search/embed/index.js";
import { embeddingSetup, querySpec } from "../../src/search/embedding.js";
import { reciprocalRankFusion } from "../../src/search/fuse.js";
import {
  LONG_QUERY_WORDS,
  parseQuery,
  queryTerms,
  quoteTerm,
  selectLexicalTerms,
  toFtsExpression,
} from "../../src/search/query.js";
import type { VectorModel } from "../../src/store/contracts/vector-index.js";
import { createStores, databasePath, type Stores } from "../../src/store/index.js";
import { vectorTables } from "../../src/store/sqlite/vector-index.js";
import { freePort } from "../../test/helpers/server.js";
import { SCIFACT_DIR } from "../retrieval/scifact.js";
import {
  buildCorpus,
  CORPUS_VERSION,
  type CorpusMarker,
  countBucket,
  loadSentencePool,
  openReadOnly,
  prng,
  readMarker,
} from "./corpus.js";

const { values: args } = parseArgs({
  options: {
    dir: { type: "string" },
    rebuild: { type: "boolean", default: false },
    chunks: { type: "string" },
    seed: { type: "string" },
    "per-query": { type: "string", default: "true" },
    quiet: { type: "boolean", default: false },
    "embed-max-tokens": { type: "string" },
  },
});
const DATA_DIR = path.resolve(args.dir ?? process.env.OPENGROUND_BENCH_DIR ?? "/tmp/openground-bench-100k");
const TARGET_CHUNKS = Number(args.chunks ?? process.env.OPENGROUND_BENCH_CHUNKS ?? 100_000);
const SEED = Number(args.seed ?? 20_240_601);
const EMBED_MAX_TOKENS = args["embed-max-tokens"] ? Number(args["embed-max-tokens"]) : undefined;
const WARMUP = 20;
const MEASURED_CLAIMS = 170;
const PUBLIC_URL = "http://127.0.0.1:8080";
const TARGET_P50 = 50;
const MMAP_BYTES = 8 * 1024 ** 3;
const TARGET_P99 = 150;
const log = (line: string) => console.log(line);

// ---------------------------------------------------------------------------------------------
// Queries

type QueryClass = "claim" | "short" | "long";
interface BenchQuery {
  readonly text: string;
  readonly kind: QueryClass;
}

/** 1–2 word queries: rare and very common terms (the latter have the longest posting lists). */
const SHORT_QUERIES = [
  "apoptosis",
  "insulin resistance",
  "malaria",
  "BRCA1",
  "vitamin D",
  "gut microbiota",
  "stem cells",
  "obesity",
  "T cells",
  "tuberculosis",
  "cells",
  "patients",
  "expression",
  "mortality",
  "HIV",
  "autophagy",
  "breast cancer",
  "statins",
  "microRNA",
  "inflammation",
];

function shuffle<T>(items: readonly T[], rng: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function loadQueries(): { warmup: BenchQuery[]; measured: BenchQuery[] } {
  const rng = prng(SEED ^ 0x5eed);
  const claims = shuffle(
    fs
      .readFileSync(path.join(SCIFACT_DIR, "queries.test.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => (JSON.parse(l) as { text: string }).text),
    rng,
  );
  const warmup = claims.slice(0, WARMUP).map((text) => ({ text, kind: "claim" as const }));
  const measuredClaims = claims
    .slice(WARMUP, WARMUP + MEASURED_CLAIMS)
    .map((text) => ({ text, kind: "claim" as const }));
  // Long queries (> 30 words): consecutive sentences of a SciFact abstract, as a pasted passage.
  const pool = loadSentencePool();
  const long: BenchQuery[] = [];
  for (const abstract of shuffle(pool.abstracts, rng)) {
    if (long.length >= 10) break;
    const words: string[] = [];
    for (const s of abstract.sentences) {
      if (words.length > LONG_QUERY_WORDS + 5) break;
      words.push(...s.text.split(/\s+/));
    }
    if (words.length > LONG_QUERY_WORDS && words.length <= 90)
      long.push({ text: words.join(" "), kind: "long" });
  }
  const short = SHORT_QUERIES.map((text) => ({ text, kind: "short" as const }));
  return { warmup, measured: shuffle([...measuredClaims, ...short, ...long], rng) };
}

// ---------------------------------------------------------------------------------------------
// Statistics

interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles. */
function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  return {
    n: sorted.length,
    mean: sorted.reduce((a, b) => a + b, 0) / Math.max(sorted.length, 1),
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "-").padStart(8);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function row(label: string, s: Summary, extra = ""): string {
  return `${label.padEnd(46)}${ms(s.mean)}${ms(s.p50)}${ms(s.p95)}${ms(s.p99)}${ms(s.max)}  ${extra}`;
}
const HEADER = `${"".padEnd(46)}${"mean".padStart(8)}${"p50".padStart(8)}${"p95".padStart(8)}${"p99".padStart(8)}${"max".padStart(8)}`;

// ---------------------------------------------------------------------------------------------
// Corpus

function configFor(apiKey: string, port: number): Config {
  return loadConfig({
    OPENGROUND_DATA_DIR: DATA_DIR,
    OPENGROUND_API_KEY: apiKey,
    OPENGROUND_PUBLIC_URL: PUBLIC_URL,
    HOST: "127.0.0.1",
    PORT: String(port),
    OPENGROUND_LOG_LEVEL: "warn",
    // The shell's embedder and search settings (e.g. OPENGROUND_SEARCH_COMMON_TERM_PERCENT=10).
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        (e): e is [string, string] =>
          (e[0] === "OPENGROUND_EMBEDDER" || e[0].startsWith("OPENGROUND_SEARCH_")) && e[1] !== undefined,
      ),
    ),
  });
}

async function ensureCorpus(): Promise<{ marker: CorpusMarker; built: boolean }> {
  let marker = readMarker(DATA_DIR);
  const wipe = (why: string) => {
    log(`${why}: removing ${DATA_DIR}`);
    fs.rmSync(DATA_DIR, { recursive: true, force: true });
    marker = undefined;
  };
  if (args.rebuild && fs.existsSync(DATA_DIR)) wipe("--rebuild");
  else if (!marker && fs.existsSync(databasePath({ dataDir: DATA_DIR }))) wipe("not a benchmark corpus");
  else if (
    marker &&
    (marker.version !== CORPUS_VERSION ||
      marker.seed !== SEED ||
      marker.targetChunks !== TARGET_CHUNKS ||
      marker.embedMaxTokens !== EMBED_MAX_TOKENS)
  ) {
    wipe(
      `the corpus there has other parameters (v${marker.version}, ${marker.targetChunks} chunks, ` +
        `vectors of ${marker.embedMaxTokens ?? "all"} tokens)`,
    );
  }
  if (marker?.state === "complete") {
    const counted = countBucket({ dataDir: DATA_DIR }, marker.bucketId);
    if (counted.chunks === TARGET_CHUNKS) {
      log(
        `reusing the corpus in ${DATA_DIR}: ${counted.documents} documents, ${counted.chunks} chunks` +
          (marker.embedMaxTokens ? `, vectors of each chunk's first ${marker.embedMaxTokens} tokens` : ""),
      );
      return { marker, built: false };
    }
    wipe(`the corpus holds ${counted.chunks} chunks, not ${TARGET_CHUNKS}`);
  }
  const apiKey = marker?.apiKey ?? newUuid();
  log(`building ${TARGET_CHUNKS} chunks into ${DATA_DIR} (seed ${SEED})`);
  const result = await buildCorpus({
    config: configFor(apiKey, 0),
    seed: SEED,
    targetChunks: TARGET_CHUNKS,
    apiKey,
    ...(EMBED_MAX_TOKENS ? { embedMaxTokens: EMBED_MAX_TOKENS } : {}),
    log,
  });
  log(
    `built: ${result.marker.documents} documents, ${result.marker.chunks} chunks in ` +
      `${result.marker.buildSeconds?.toFixed(1)} s (embedding ${result.marker.embedSeconds?.toFixed(1)} s)`,
  );
  return result;
}

// ---------------------------------------------------------------------------------------------
// Measurement

interface QueryResult {
  readonly query: BenchQuery;
  httpMs: number;
  bytes: number;
  hits: number;
  topScore: number | undefined;
  directMs: number;
  timings: Readonly<Record<string, number>>;
  /** Raw FTS5 with the server's selected terms (the floor), and with every query term (plain BM25). */
  ftsMs: number;
  ftsAllTermsMs: number;
  ftsRows: number;
  embedMs: number;
  knnMs: number;
  /** Diagnostics: raw per-term FTS5 counts (no joins), and analyze() over the ranked candidates. */
  dfMs: number;
  analyzeMs: number;
  candidates: number;
  /** The FTS5 floor again on a connection with the database memory-mapped (PRAGMA mmap_size). */
  ftsMmapMs: number;
  /** Share of the exact top 200 / top 20 (the floor's KNN) that the server's vector index returns. */
  recall200: number;
  recall20: number;
  /** The SearchIndex / VectorIndex calls of a search, timed one by one. */
  components: Record<string, number>;
}

class RssSampler {
  peak = 0;
  #timer: NodeJS.Timeout | undefined;
  start(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
    this.#timer = setInterval(() => {
      this.peak = Math.max(this.peak, process.memoryUsage.rss());
    }, 10);
    this.#timer.unref();
  }
  stop(): void {
    clearInterval(this.#timer);
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }
}

interface RunningApp {
  readonly app: ApiInstance;
  readonly stores: Stores;
  readonly port: number;
  readonly startupMs: number;
  /** Whether the in-memory BM25 index was built, and when (ms from the start of startApp). */
  readonly memoryIndex: boolean;
  readonly memoryIndexMs: number;
}

/** The real app on the corpus, listening on a free port; its stores are opened here so their calls can be timed. */
async function startApp(marker: CorpusMarker): Promise<RunningApp> {
  const port = await freePort();
  const config = configFor(marker.apiKey, port);
  const setup = embeddingSetup(config.embedding);
  if (!setup) throw new Error("the benchmark needs an embedder");
  const started = performance.now();
  const stores = createStores(config, setup.model);
  const app = await buildApp(config, { stores });
  await app.listen({ port, host: "127.0.0.1" });
  const startupMs = performance.now() - started;
  // The lexical arm's in-memory BM25 index builds in its read thread from the start; measure once it is.
  const memoryIndex = await stores.search.warm();
  const memoryIndexMs = performance.now() - started;
  return { app, stores, port, startupMs, memoryIndex, memoryIndexMs };
}

const newResult = (query: BenchQuery): QueryResult => ({
  query,
  httpMs: Number.NaN,
  bytes: 0,
  hits: 0,
  topScore: undefined,
  directMs: Number.NaN,
  timings: {},
  ftsMs: Number.NaN,
  ftsAllTermsMs: Number.NaN,
  ftsRows: 0,
  embedMs: Number.NaN,
  knnMs: Number.NaN,
  dfMs: Number.NaN,
  analyzeMs: Number.NaN,
  candidates: 0,
  ftsMmapMs: Number.NaN,
  recall200: Number.NaN,
  recall20: Number.NaN,
  components: {},
});

async function main(): Promise<void> {
  const { marker, built } = await ensureCorpus();
  const { warmup, measured } = loadQueries();
  const results = measured.map(newResult);
  const rssBeforeApp = process.memoryUsage.rss();
  const loadBefore = os.loadavg()[0] ?? 0;
  const config = configFor(marker.apiKey, 0);
  const setup = embeddingSetup(config.embedding);
  if (!setup) throw new Error("the benchmark needs an embedder");
  const scope = { kind: "buckets" as const, bucketIds: [marker.bucketId] };

  // 1. HTTP, on a freshly started server: warm-up, then the 200 queries one after the other.
  //    Every measured query is new to the server (SearchService caches document frequencies).
  let running = await startApp(marker);
  const startupMs = running.startupMs;
  const sampler = new RssSampler();
  sampler.start();
  const searchUrl = `http://127.0.0.1:${running.port}/api/v1/search/${marker.bucketId}`;
  const http = async (text: string) => {
    const started = performance.now();
    const response = await fetch(searchUrl, {
      method: "POST",
      headers: { "x-api-key": marker.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ query: text }),
    });
    const raw = await response.text();
    const body = JSON.parse(raw) as { search?: { count: number; score?: number } };
    const elapsed = performance.now() - started;
    if (!response.ok || !body.search) throw new Error(`search failed: ${response.status} ${raw}`);
    return { ms: elapsed, hits: body.search.count, score: body.search.score, bytes: raw.length };
  };
  let runSeconds = 0;
  let httpFloor: number[] = [];
  let rssAfterWarmup = 0;
  let rssAfterRun = 0;
  let heapAfterRun = 0;
  try {
    const warmStarted = performance.now();
    const firstQuery = await http(warmup[0]?.text ?? "warm up");
    for (const q of warmup.slice(1)) await http(q.text);
    const warmupMs = performance.now() - warmStarted;
    rssAfterWarmup = process.memoryUsage.rss();
    log(
      `server up in ${startupMs.toFixed(0)} ms; in-memory BM25 index ${running.memoryIndex ? `built at ${running.memoryIndexMs.toFixed(0)} ms` : "NOT built (FTS5 answers)"}; ` +
        `first query ${firstQuery.ms.toFixed(0)} ms (model load); warm-up ${warmupMs.toFixed(0)} ms`,
    );
    const runStarted = performance.now();
    for (const r of results) {
      const response = await http(r.query.text);
      r.httpMs = response.ms;
      r.bytes = response.bytes;
      r.hits = response.hits;
      r.topScore = response.score;
    }
    runSeconds = (performance.now() - runStarted) / 1000;
    rssAfterRun = process.memoryUsage.rss();
    heapAfterRun = process.memoryUsage().heapUsed;

    // The HTTP floor: an authenticated request that does almost nothing.
    const bucketUrl = `http://127.0.0.1:${running.port}/api/v1/bucket/${marker.bucketId}`;
    const getBucket = async () => {
      const started = performance.now();
      const response = await fetch(bucketUrl, { headers: { "x-api-key": marker.apiKey } });
      await response.json();
      if (!response.ok) throw new Error(`GET bucket failed: ${response.status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < WARMUP; i++) await getBucket();
    httpFloor = [];
    for (let i = 0; i < measured.length; i++) httpFloor.push(await getBucket());
  } finally {
    sampler.stop();
    await running.app.close();
  }
  const rssPeak = sampler.peak;

  // 2. The same queries through SearchService.search on a second fresh server (so that no query
  //    profits from its HTTP run's cached frequencies), for the per-stage timings.
  running = await startApp(marker);
  const { app, stores } = running;
  try {
    const search = app.openground.context.search;
    const direct = (text: string, relevance = 10) =>
      search.search({ accountId: marker.accountId, scope, query: text.trim(), relevance, mode: "hybrid" });
    for (const q of warmup) await direct(q.text);
    for (const r of results) {
      const started = performance.now();
      const outcome = await direct(r.query.text);
      r.directMs = performance.now() - started;
      r.timings = outcome.timings;
    }
    const rssAfterDirect = process.memoryUsage.rss();

    // The ranker's candidates (relevance 0 keeps them all): how long analyze() alone takes on them.
    for (const r of results) {
      const outcome = await direct(r.query.text, 0);
      const texts = outcome.hits.map((h) =>
        h.chunk.text.trim() === "" ? h.chunk.suggestedText : h.chunk.text,
      );
      const started = performance.now();
      for (const text of texts) analyze(text);
      r.analyzeMs = performance.now() - started;
      r.candidates = texts.length;
    }

    // 3. Floors on the same data, on a connection of their own.
    const db = openReadOnly(config);
    const fts = db.prepare(
      "SELECT rowid, bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT 200",
    );
    const count = db.prepare("SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?");
    const knn = exactKnnTable(db, setup.model, marker.bucketId);
    /** The terms the server searches (long queries condensed to their rarest terms by document frequency). */
    const termsOf = (text: string) => {
      const first = parseQuery(text);
      if (first.wordCount <= LONG_QUERY_WORDS) return first.terms;
      const frequency = new Map(
        queryTerms(text)
          .slice(0, 128)
          .map((t) => [t.text, (count.get(quoteTerm(t)) as { n: number }).n] as const),
      );
      return parseQuery(text, (t) => frequency.get(t) ?? 0).terms;
    };
    const termLists = results.map((r) => termsOf(r.query.text));
    const expressions = termLists.map((terms) => toFtsExpression(terms));
    // The terms the server's lexical arm walks: the same selection by index-wide frequency.
    const indexSize = (db.prepare("SELECT count(*) AS n FROM chunks").get() as { n: number }).n;
    const selectedLists = termLists.map((terms) =>
      terms.length <= 1
        ? terms
        : selectLexicalTerms(
            terms,
            terms.map((t) => (count.get(quoteTerm(t)) as { n: number }).n),
            indexSize,
          ),
    );
    const selectedExpressions = selectedLists.map((terms) => toFtsExpression(terms));
    for (const q of warmup) {
      const e = toFtsExpression(termsOf(q.text));
      if (e) fts.all(e);
    }
    results.forEach((r, i) => {
      const expression = expressions[i];
      if (!expression) return;
      let started = performance.now();
      r.ftsRows = fts.all(expression).length;
      r.ftsAllTermsMs = performance.now() - started;
      started = performance.now();
      fts.all(selectedExpressions[i] ?? expression);
      r.ftsMs = performance.now() - started;
    });

    // Diagnostic: the document frequency of every term, counted by FTS5 alone (the ranker's
    // documentFrequencies counts the same matches joined to chunks and documents).
    results.forEach((r, i) => {
      const quoted = (termLists[i] ?? []).map(quoteTerm);
      const started = performance.now();
      for (const term of quoted) count.get(term);
      r.dfMs = performance.now() - started;
    });

    const rssBeforeEmbedder = process.memoryUsage.rss();
    const embedder = await createThreadedEmbedder(querySpec(setup.spec));
    const vectors: Float32Array[] = [];
    try {
      for (const q of warmup) await embedder.embed([q.text], "query");
      for (const r of results) {
        const started = performance.now();
        const [vector] = await embedder.embed([r.query.text], "query");
        r.embedMs = performance.now() - started;
        if (!vector) throw new Error("no vector");
        vectors.push(vector);
      }
    } finally {
      await embedder.close();
    }
    const blob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    for (const v of vectors.slice(0, WARMUP)) knn.all(blob(v));
    const exactTop: number[][] = [];
    results.forEach((r, i) => {
      const vector = vectors[i] as Float32Array;
      const started = performance.now();
      const rows = knn.all(blob(vector)) as { rowid: number }[];
      r.knnMs = performance.now() - started;
      exactTop.push(rows.map((row) => row.rowid));
    });

    // Components: the calls SearchService.search makes, one by one, on the server's own stores
    // (same connection, same SQL, no frequency cache), with the query vector precomputed.
    const stats = await stores.search.bucketStats(marker.accountId, [marker.bucketId]);
    const restriction = { bucketIds: [marker.bucketId], chunks: stats.chunks };
    const vectorIndex = stores.vectors;
    if (!vectorIndex) throw new Error("no vector index");
    for (const [i, r] of results.entries()) {
      const c: Record<string, number> = {};
      const time = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
        const started = performance.now();
        const out = await work();
        c[name] = performance.now() - started;
        return out;
      };
      const vector = vectors[i] as Float32Array;
      const terms = termLists[i] ?? [];
      const expression = selectedExpressions[i];
      await time("scope: bucketStats", () => stores.search.bucketStats(marker.accountId, [marker.bucketId]));
      if (parseQuery(r.query.text).wordCount > LONG_QUERY_WORDS) {
        const candidates = queryTerms(r.query.text).slice(0, 128).map(quoteTerm);
        await time("parse: documentFrequencies (≤128 terms)", () =>
          stores.search.documentFrequencies(marker.accountId, candidates, restriction),
        );
      }
      if (terms.length > 1) {
        await time("select: indexFrequencies (vocabulary)", () =>
          stores.search.indexFrequencies(terms.map(quoteTerm)),
        );
      }
      const lexical = expression
        ? await time("lexical: in-memory BM25 (every term; FTS5 if it cannot)", () =>
            stores.search.lexical(
              marker.accountId,
              { expression, terms: terms.map(analyzeTerm) },
              restriction,
              200,
            ),
          )
        : [];
      const near = await time("dense: nearestInBuckets (sketch scan + exact rescoring)", () =>
        vectorIndex.nearestInBuckets(vector, [marker.bucketId], 200),
      );
      const exact = exactTop[i] ?? [];
      const returned = new Set(near.map((h) => h.rowid));
      r.recall200 = exact.filter((rowid) => returned.has(rowid)).length / Math.max(exact.length, 1);
      const top20 = new Set(near.slice(0, 20).map((h) => h.rowid));
      r.recall20 =
        exact.slice(0, 20).filter((rowid) => top20.has(rowid)).length /
        Math.max(Math.min(20, exact.length), 1);
      const rowids = reciprocalRankFusion([
        { name: "bm25", weight: 1, items: lexical.map((h) => ({ id: String(h.rowid), score: h.score })) },
        { name: "dense", weight: 1, items: near.map((h) => ({ id: String(h.rowid), score: h.similarity })) },
      ])
        .slice(0, 120)
        .map((f) => Number(f.id));
      await time("features: documentFrequencies (uncached)", () =>
        stores.search.documentFrequencies(marker.accountId, terms.map(quoteTerm), restriction),
      );
      const chunks = await time("features: chunksByRowid (120)", () => stores.search.chunksByRowid(rowids));
      await time("features: similarities (120)", () => vectorIndex.similarities(vector, rowids));
      await time("rest: documents of the candidates", () =>
        stores.search.documents(marker.accountId, [...new Set(chunks.map((ch) => ch.documentId))]),
      );
      r.components = c;
    }

    // The FTS5 floor again with the database memory-mapped instead of read through SQLite's 2 MB page cache.
    const mapped = openReadOnly(config);
    mapped.pragma(`mmap_size = ${MMAP_BYTES}`);
    const ftsMapped = mapped.prepare(
      "SELECT rowid, bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT 200",
    );
    results.forEach((r, i) => {
      const expression = expressions[i];
      if (expression) {
        const started = performance.now();
        ftsMapped.all(expression);
        r.ftsMmapMs = performance.now() - started;
      }
    });
    mapped.close();
    db.close();

    report({
      httpFloor,
      load: [loadBefore, os.loadavg()[0] ?? 0],
      marker,
      built,
      results,
      runSeconds,
      startupMs,
      rss: {
        beforeApp: rssBeforeApp,
        afterWarmup: rssAfterWarmup,
        afterRun: rssAfterRun,
        afterDirect: rssAfterDirect,
        peak: rssPeak,
        lifetimePeak: process.resourceUsage().maxRSS * 1024,
        heapAfterRun,
        beforeFloorEmbedder: rssBeforeEmbedder,
      },
      dbBytes: fileSize(databasePath(config)) + fileSize(`${databasePath(config)}-wal`),
    });
  } finally {
    await app.close();
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Report

/** The stages SearchService reports today; any other timing it returns is shown after them. */
const KNOWN_STAGES = ["scope", "parse", "lexical", "dense", "features"];

function report(input: {
  httpFloor: readonly number[];
  load: readonly number[];
  marker: CorpusMarker;
  built: boolean;
  results: readonly QueryResult[];
  runSeconds: number;
  startupMs: number;
  rss: Record<string, number>;
  dbBytes: number;
}): void {
  const { marker, results, rss } = input;
  const stage = (name: string) => results.map((r) => r.timings[name] ?? 0);
  const STAGES = [...new Set([...KNOWN_STAGES, ...results.flatMap((r) => Object.keys(r.timings))])];
  const rest = results.map((r) => r.directMs - STAGES.reduce((sum, s) => sum + (r.timings[s] ?? 0), 0));
  const http = summarize(results.map((r) => r.httpMs));
  const directTotal = summarize(results.map((r) => r.directMs));

  if (args["per-query"] !== "false" && !args.quiet) {
    log("\nPer query (ms; stages from SearchService.search; floors measured separately):");
    log(
      `${"#".padStart(4)} ${"class".padEnd(6)}${"http".padStart(8)}${"direct".padStart(8)}${"scope".padStart(8)}` +
        `${"parse".padStart(8)}${"lexical".padStart(8)}${"dense".padStart(8)}${"feat".padStart(8)}` +
        `${"fts".padStart(8)}${"embed".padStart(8)}${"knn".padStart(8)}${"df".padStart(8)}${"analyze".padStart(8)}${"ftsRows".padStart(8)}${"hits".padStart(6)}${"top".padStart(7)}  query`,
    );
    results.forEach((r, i) => {
      const t = (name: string) => ms(r.timings[name] ?? Number.NaN);
      const text = r.query.text.length > 70 ? `${r.query.text.slice(0, 67)}...` : r.query.text;
      log(
        `${String(i + 1).padStart(4)} ${r.query.kind.padEnd(6)}${ms(r.httpMs)}${ms(r.directMs)}${t("scope")}` +
          `${t("parse")}${t("lexical")}${t("dense")}${t("features")}${ms(r.ftsMs)}${ms(r.embedMs)}${ms(r.knnMs)}` +
          `${ms(r.dfMs)}${ms(r.analyzeMs)}` +
          `${String(r.ftsRows).padStart(8)}${String(r.hits).padStart(6)}${(r.topScore?.toFixed(0) ?? "-").padStart(7)}  ${text}`,
      );
    });
  }

  log(
    `\nCorpus: ${marker.documents} documents, ${marker.chunks} chunks in bucket ${marker.bucketId} (${DATA_DIR}); ` +
      `database ${mb(input.dbBytes)}`,
  );
  log(
    `Build: ${marker.buildSeconds?.toFixed(1)} s, of which embedding ${marker.embedSeconds?.toFixed(1)} s ` +
      `(${((marker.chunks ?? 0) / (marker.buildSeconds ?? 1)).toFixed(0)} chunks/s)` +
      `${input.built ? "" : ` — reused, built ${marker.builtAt}`}`,
  );
  log(
    `Queries: ${results.length} measured (${results.filter((r) => r.query.kind === "claim").length} SciFact claims, ` +
      `${results.filter((r) => r.query.kind === "short").length} short, ${results.filter((r) => r.query.kind === "long").length} long > ${LONG_QUERY_WORDS} words), ` +
      `sequential, after ${WARMUP} warm-up queries; ${input.runSeconds.toFixed(1)} s`,
  );
  log(
    `Machine: ${os.availableParallelism()} cores, 1-minute load average ${input.load.map((l) => l.toFixed(2)).join(" → ")} ` +
      "(other processes share the CPU: compare runs at similar load)",
  );
  log(`\nLatency (ms)\n${HEADER}`);
  log(row("POST /api/v1/search/{bucketId} (HTTP)", http));
  for (const kind of ["claim", "short", "long"] as const) {
    log(
      row(`  ${kind} queries`, summarize(results.filter((r) => r.query.kind === kind).map((r) => r.httpMs))),
    );
  }
  log(row("SearchService.search (no HTTP)", directTotal));
  for (const name of STAGES) log(row(`  stage ${name}`, summarize(stage(name))));
  log(row("  rest (ranking, documents, fusion)", summarize(rest)));
  log(
    row(
      "HTTP overhead (http - direct, paired)",
      summarize(results.map((r) => r.httpMs - r.directMs)),
      `(responses of ${(summarize(results.map((r) => r.bytes)).mean / 1024).toFixed(0)} KB on average)`,
    ),
  );
  log("Floors (same data, same process)");
  log(
    row(
      "  raw FTS5 MATCH … ORDER BY rank LIMIT 200, selected terms",
      summarize(results.filter((r) => Number.isFinite(r.ftsMs)).map((r) => r.ftsMs)),
    ),
  );
  log(
    row(
      "  raw FTS5, every query term (plain BM25)",
      summarize(results.filter((r) => Number.isFinite(r.ftsAllTermsMs)).map((r) => r.ftsAllTermsMs)),
    ),
  );
  log(row("  query embedding (worker thread)", summarize(results.map((r) => r.embedMs))));
  log(row("  exact KNN k=200 (sqlite-vec vec0, in memory)", summarize(results.map((r) => r.knnMs))));
  log(row("  embedding + KNN", summarize(results.map((r) => r.embedMs + r.knnMs))));
  log(row("  FTS + embedding + KNN", summarize(results.map((r) => (r.ftsMs || 0) + r.embedMs + r.knnMs))));
  log(row("  GET /api/v1/bucket/{id} (HTTP + auth floor)", summarize(input.httpFloor)));
  log("Diagnostics");
  log(
    row(
      "  raw FTS5, every query term, database mmapped",
      summarize(results.filter((r) => Number.isFinite(r.ftsMmapMs)).map((r) => r.ftsMmapMs)),
    ),
  );
  log(
    `  recall of the server's vector index against the exact KNN: top 200 ${mean(results.map((r) => r.recall200)).toFixed(3)}, top 20 ${mean(results.map((r) => r.recall20)).toFixed(3)}`,
  );
  log(row("  raw FTS5 count(*) per query term, summed", summarize(results.map((r) => r.dfMs))));
  log(
    row(
      "  analyze() of the ranked candidates",
      summarize(results.map((r) => r.analyzeMs)),
      `(${summarize(results.map((r) => r.candidates)).mean.toFixed(0)} candidates on average)`,
    ),
  );
  log("Components (the store calls of a search, one by one, on the server's connection)");
  const componentNames = [...new Set(results.flatMap((r) => Object.keys(r.components)))];
  for (const name of componentNames) {
    const values = results.flatMap((r) =>
      r.components[name] === undefined ? [] : [r.components[name] as number],
    );
    log(
      row(`  ${name}`, summarize(values), values.length < results.length ? `(${values.length} queries)` : ""),
    );
  }

  const directMean = directTotal.mean || 1;
  log("\nWhere SearchService.search spends its time (share of the mean):");
  for (const name of STAGES) {
    const mean = summarize(stage(name)).mean;
    log(
      `  ${name.padEnd(10)} ${mean.toFixed(1).padStart(7)} ms  ${((100 * mean) / directMean).toFixed(0).padStart(3)} %`,
    );
  }
  const restMean = summarize(rest).mean;
  log(
    `  ${"rest".padEnd(10)} ${restMean.toFixed(1).padStart(7)} ms  ${((100 * restMean) / directMean).toFixed(0).padStart(3)} %`,
  );
  for (const kind of ["claim", "short", "long"] as const) {
    const of = results.filter((r) => r.query.kind === kind);
    const parts = STAGES.map((s) => `${s} ${summarize(of.map((r) => r.timings[s] ?? 0)).mean.toFixed(1)}`);
    log(
      `  ${kind.padEnd(6)} mean: ${parts.join(", ")}  (total ${summarize(of.map((r) => r.directMs)).mean.toFixed(1)})`,
    );
  }

  log(
    "\nServer RSS (one process: HTTP server, SQLite, the embedder's worker thread, and the benchmark client)",
  );
  log(
    `  before the app started         ${mb(rss.beforeApp ?? 0)}${input.built ? " (includes leftovers of the build)" : ""}`,
  );
  log(`  after warm-up                  ${mb(rss.afterWarmup ?? 0)}`);
  log(
    `  after the 200 HTTP queries     ${mb(rss.afterRun ?? 0)}  (JS heap used ${mb(rss.heapAfterRun ?? 0)})`,
  );
  log(`  peak sampled during the HTTP run ${mb(rss.peak ?? 0)}`);
  log(`  after the stage pass (a second app in this process) ${mb(rss.afterDirect ?? 0)}`);
  log(
    `  process lifetime peak (maxRSS) ${mb(rss.lifetimePeak ?? 0)}  (includes the floors' embedder and mmapped database${input.built ? ", and the build" : ""})`,
  );

  const pass = http.p50 <= TARGET_P50 && http.p99 <= TARGET_P99;
  log(
    `\nTarget p50 ≤ ${TARGET_P50} ms, p99 ≤ ${TARGET_P99} ms (HTTP, including query embedding): ` +
      `p50 ${http.p50.toFixed(1)}, p99 ${http.p99.toFixed(1)} → ${pass ? "MET" : "NOT MET"}`,
  );
  const round = (s: Summary) => ({
    mean: +s.mean.toFixed(2),
    p50: +s.p50.toFixed(2),
    p95: +s.p95.toFixed(2),
    p99: +s.p99.toFixed(2),
    max: +s.max.toFixed(2),
  });
  log(
    JSON.stringify({
      chunks: marker.chunks,
      documents: marker.documents,
      buildSeconds: marker.buildSeconds,
      http: round(http),
      direct: round(directTotal),
      stages: Object.fromEntries(STAGES.map((s) => [s, round(summarize(stage(s)))])),
      floors: {
        fts: round(summarize(results.filter((r) => Number.isFinite(r.ftsMs)).map((r) => r.ftsMs))),
        ftsAllTerms: round(
          summarize(results.filter((r) => Number.isFinite(r.ftsAllTermsMs)).map((r) => r.ftsAllTermsMs)),
        ),
        embed: round(summarize(results.map((r) => r.embedMs))),
        knn: round(summarize(results.map((r) => r.knnMs))),
      },
      httpFloor: round(summarize(input.httpFloor)),
      components: Object.fromEntries(
        [...new Set(results.flatMap((r) => Object.keys(r.components)))].map((name) => [
          name,
          round(
            summarize(
              results.flatMap((r) =>
                r.components[name] === undefined ? [] : [r.components[name] as number],
              ),
            ),
          ),
        ]),
      ),
      diagnostics: {
        ftsMmap: round(
          summarize(results.filter((r) => Number.isFinite(r.ftsMmapMs)).map((r) => r.ftsMmapMs)),
        ),
        vectorRecall200: mean(results.map((r) => r.recall200)),
        vectorRecall20: mean(results.map((r) => r.recall20)),
        rawTermCounts: round(summarize(results.map((r) => r.dfMs))),
        analyzeCandidates: round(summarize(results.map((r) => r.analyzeMs))),
      },
      rssMb: Object.fromEntries(Object.entries(rss).map(([k, v]) => [k, Math.round(v / 1024 / 1024)])),
      met: pass,
      load: input.load,
    }),
  );
}

/** Mean of the finite values. */
function mean(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.reduce((a, b) => a + b, 0) / Math.max(finite.length, 1);
}

/**
 * The exact-KNN floor: every vector of the bucket copied into an in-memory sqlite-vec vec0
 * table (float32, cosine; the store this server used before its sketch index), queried for the
 * top 200 — a brute-force scan in C with no disk reads.
 */
function exactKnnTable(db: Database.Database, model: VectorModel, bucketId: number): Database.Statement {
  const memory = new Database(":memory:");
  (createRequire(import.meta.url)("sqlite-vec") as { load(db: Database.Database): void }).load(memory);
  memory.exec(
    `CREATE VIRTUAL TABLE knn USING vec0(embedding float[${model.dimensions}] distance_metric=cosine)`,
  );
  const insert = memory.prepare("INSERT INTO knn (rowid, embedding) VALUES (?, ?)");
  const rows = db
    .prepare(`SELECT rowid, embedding FROM ${vectorTables(model).vectors} WHERE bucket_id = ?`)
    .raw()
    .iterate(bucketId) as IterableIterator<[number, Buffer]>;
  memory.transaction(() => {
    for (const [rowid, embedding] of rows) insert.run(BigInt(rowid), embedding);
  })();
  return memory.prepare("SELECT rowid, distance FROM knn WHERE embedding MATCH ? AND k = 200");
}

await main();
