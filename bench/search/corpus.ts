/**
 * The synthetic search corpus: SciFact sentences recombined into ~10-chunk documents, written
 * through the store contracts exactly as the ingestion pipeline writes a document (see
 * `IngestPipeline.#ingest` in src/ingest/pipeline.ts): original blob, ingest process + documents,
 * startDocument, recordOriginal, processDocument (parse → chunk → enrich → X-Ray, the function the
 * sandboxed parser runs), one vector per chunk from the real embedder, X-Ray blob, and
 * completeDocument with the vectors (chunks rows, chunks_fts rows, vec0 rows, status complete).
 * What is skipped: the HTTP request, the job queue and the sandbox thread around processDocument,
 * and the content-hash caches of parse artifacts and vectors (they only speed up re-ingestion).
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { Config } from "../../src/config/index.js";
import { newUuid } from "../../src/core/ids.js";
import { countTokens } from "../../src/ingest/chunk/index.js";
import { sentenceSpans } from "../../src/ingest/chunk/segment.js";
import { stopwordsFor } from "../../src/ingest/enrich/stopwords.js";
import { chunkIdPrefix, storedChunks } from "../../src/ingest/pipeline.js";
import { processDocument } from "../../src/ingest/process.js";
import { DEFAULT_PARSE_LIMITS } from "../../src/ingest/types.js";
import { blobKeys, HostedUrls } from "../../src/ingest/urls.js";
import { createThreadedEmbedder, type Embedder, type EmbedderSpec } from "../../src/search/embed/index.js";
import { documentSpecs, embeddingSetup, pooledEmbedder } from "../../src/search/embedding.js";
import { ensureBootstrapAccount } from "../../src/services/accounts.js";
import { hashApiKey } from "../../src/services/api-keys.js";
import type { DocumentRecord, NewDocument } from "../../src/store/contracts/document-store.js";
import { createStores, databasePath, type Stores } from "../../src/store/index.js";
import { SCIFACT_DIR } from "../retrieval/scifact.js";

/** Bump when the generator changes: an existing corpus of another version is rebuilt. */
export const CORPUS_VERSION = 1;
export const CHUNKS_PER_DOCUMENT = 10;
/** Paragraph (= chunk) size in countTokens units: above half the chunker's target, so none merge. */
const MIN_TOKENS = 160;
const MAX_TOKENS = 250;
/** Documents per ingest process (the HTTP API allows 50 per request). */
const BATCH = 20;
export const MARKER_FILE = "bench-search.json";
/** Embedding threads during the build (OPENGROUND_BENCH_EMBED_WORKERS). */
const EMBED_WORKERS = Math.max(1, Number(process.env.OPENGROUND_BENCH_EMBED_WORKERS ?? 2));

export interface CorpusMarker {
  readonly version: number;
  readonly seed: number;
  readonly targetChunks: number;
  readonly apiKey: string;
  readonly accountId: string;
  readonly bucketId: number;
  /**
   * Tokens of each chunk the corpus vectors were embedded from, when not the model's 256
   * (`--embed-max-tokens`: a faster build on machines without AVX-512; search cost is the same).
   */
  readonly embedMaxTokens?: number;
  state: "building" | "complete";
  documents?: number;
  chunks?: number;
  buildSeconds?: number;
  embedSeconds?: number;
  builtAt?: string;
}

export function readMarker(dataDir: string): CorpusMarker | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, MARKER_FILE), "utf8")) as CorpusMarker;
  } catch {
    return undefined;
  }
}

function writeMarker(dataDir: string, marker: CorpusMarker): void {
  fs.writeFileSync(path.join(dataDir, MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
}

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed for item `index` of a run seeded with `seed`. */
function subSeed(seed: number, index: number, attempt = 0): number {
  const hash = createHash("sha256").update(`${seed}:${index}:${attempt}`).digest();
  return hash.readUInt32LE(0);
}

interface Abstract {
  readonly title: string;
  /** Its sentences, in order (only prose-like ones). */
  readonly sentences: readonly { readonly text: string; readonly tokens: number }[];
}

export interface SentencePool {
  readonly abstracts: readonly Abstract[];
  readonly sentenceCount: number;
  /** Per abstract, the topic words of its title (words shared by a handful of abstracts). */
  readonly titleTopics: readonly (readonly string[])[];
  /** Topic word → the abstracts whose text holds it. */
  readonly topics: ReadonlyMap<string, readonly number[]>;
}

/** A topic word is shared by this many abstracts: enough to draw a document from, few enough to be on topic. */
const TOPIC_MIN = 8;
const TOPIC_MAX = 150;
const WORD = /[\p{L}][\p{L}\p{N}-]{3,}/gu;

/** SciFact abstracts split into sentences (deterministic: corpus order). */
export function loadSentencePool(dir = SCIFACT_DIR): SentencePool {
  const lines = fs.readFileSync(path.join(dir, "corpus.jsonl"), "utf8").split("\n");
  const abstracts: Abstract[] = [];
  let sentenceCount = 0;
  for (const line of lines) {
    if (line.trim() === "") continue;
    const doc = JSON.parse(line) as { title: string; text: string };
    const text = doc.text.replace(/\s+/g, " ").trim();
    const sentences = sentenceSpans(text, 0, text.length)
      .map((s) => text.slice(s.start, s.end))
      .filter((s) => /^[\p{Lu}\p{N}]/u.test(s) && /[.!?]$/.test(s))
      .map((s) => ({ text: s, tokens: countTokens(s) }))
      .filter((s) => s.tokens >= 8 && s.tokens <= 90);
    if (sentences.length < 2 || doc.title.trim() === "") continue;
    abstracts.push({ title: doc.title.trim(), sentences });
    sentenceCount += sentences.length;
  }
  const stopwords = stopwordsFor("eng");
  const words = (text: string) =>
    [...new Set(text.toLowerCase().match(WORD) ?? [])].filter((w) => !stopwords.has(w));
  const byWord = new Map<string, number[]>();
  abstracts.forEach((a, i) => {
    for (const w of words(a.sentences.map((s) => s.text).join(" "))) {
      const list = byWord.get(w);
      if (list) list.push(i);
      else byWord.set(w, [i]);
    }
  });
  const topics = new Map(
    [...byWord].filter(([, list]) => list.length >= TOPIC_MIN && list.length <= TOPIC_MAX),
  );
  const titleTopics = abstracts.map((a) => words(a.title).filter((w) => topics.has(w)));
  return { abstracts, sentenceCount, titleTopics, topics };
}

export interface GeneratedDocument {
  readonly index: number;
  readonly fileName: string;
  readonly text: string;
  readonly paragraphs: number;
}

const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

/**
 * One paragraph of MIN_TOKENS…MAX_TOKENS tokens: runs of 1–3 consecutive sentences from
 * abstracts of the document's topic (so it reads as scientific prose on one subject, and no two
 * paragraphs repeat).
 */
function paragraph(rng: () => number, pool: SentencePool, topic: readonly number[]): string {
  const target = MIN_TOKENS + 10 + Math.floor(rng() * (MAX_TOKENS - MIN_TOKENS - 20));
  const parts: string[] = [];
  let tokens = 0;
  for (let guard = 0; tokens < target && guard < 50; guard++) {
    const abstract = pool.abstracts[pick(rng, topic)] as Abstract;
    const run = 1 + Math.floor(rng() * 3);
    let at = Math.floor(rng() * abstract.sentences.length);
    for (let i = 0; i < run && at < abstract.sentences.length && tokens < target; i++, at++) {
      const sentence = abstract.sentences[at];
      if (!sentence) break;
      if (tokens + sentence.tokens > MAX_TOKENS) {
        if (tokens >= MIN_TOKENS) return parts.join(" ");
        break;
      }
      parts.push(sentence.text);
      tokens += sentence.tokens;
    }
  }
  return parts.join(" ");
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/g, "");
}

/**
 * Document `index` of the corpus: the title of a random SciFact abstract as heading, then
 * `paragraphs` paragraphs recombined from the abstracts that share a topic word of that title
 * (e.g. every abstract mentioning "thrombosis"); any abstracts when the title has no such word.
 */
export function generateDocument(
  pool: SentencePool,
  seed: number,
  index: number,
  paragraphs: number,
  attempt = 0,
): GeneratedDocument {
  const rng = prng(subSeed(seed, index, attempt));
  const seedAbstract = Math.floor(rng() * pool.abstracts.length);
  const title = (pool.abstracts[seedAbstract] as Abstract).title;
  const words = pool.titleTopics[seedAbstract] ?? [];
  const topic =
    words.length > 0
      ? (pool.topics.get(pick(rng, words)) ?? [seedAbstract])
      : pool.abstracts.map((_, i) => i);
  const body: string[] = [];
  for (let i = 0; i < paragraphs; i++) {
    let text = paragraph(rng, pool, topic);
    // Paragraphs must stay above half the chunker's target so that none merge, and differ.
    for (let retry = 0; (countTokens(text) < MIN_TOKENS || body.includes(text)) && retry < 20; retry++) {
      text = paragraph(rng, pool, topic);
    }
    body.push(text);
  }
  const fileName = `d${String(index).padStart(6, "0")}-${slug(title)}.txt`;
  return { index, fileName, text: `# ${title}\n\n${body.join("\n\n")}\n`, paragraphs };
}

/** The document index encoded in a generated file name. */
function indexOf(fileName: string): number | undefined {
  const match = /^d(\d{6})-/.exec(fileName);
  return match?.[1] ? Number(match[1]) : undefined;
}

interface Prepared {
  readonly generated: GeneratedDocument;
  readonly bytes: Uint8Array;
  readonly result: Awaited<ReturnType<typeof processDocument>>;
}

/** processDocument as the pipeline runs it (txt, full enrichment, artifact chunk-id prefix). */
async function prepare(pool: SentencePool, seed: number, index: number, paragraphs: number) {
  for (let attempt = 0; ; attempt++) {
    const generated = generateDocument(pool, seed, index, paragraphs, attempt);
    const bytes = new TextEncoder().encode(generated.text);
    const result = await processDocument({
      bytes,
      fileName: generated.fileName,
      format: "txt",
      processLevel: "full",
      limits: DEFAULT_PARSE_LIMITS,
      chunkIdPrefix: "000000",
    });
    // Exactly one chunk per paragraph, so the corpus has exactly the asked number of chunks.
    if (result.xray.chunks.length === paragraphs || attempt >= 20) return { generated, bytes, result };
  }
}

export interface BuildOptions {
  readonly config: Config;
  readonly seed: number;
  readonly targetChunks: number;
  readonly apiKey: string;
  /** Embed only each chunk's first N tokens (default: the model's maximum). */
  readonly embedMaxTokens?: number;
  readonly log: (line: string) => void;
}

export interface BuildResult {
  readonly marker: CorpusMarker;
  /** True when this call wrote documents (false when the corpus was already complete). */
  readonly built: boolean;
}

/**
 * Build (or resume building) the corpus in `config.dataDir`. The caller decides whether an
 * existing complete corpus is reused; this function always brings it to `targetChunks`.
 */
export async function buildCorpus(options: BuildOptions): Promise<BuildResult> {
  const { config, seed, targetChunks, log } = options;
  const setup = embeddingSetup(config.embedding);
  if (!setup) throw new Error("the benchmark needs an embedder (OPENGROUND_EMBEDDER must not be none)");
  fs.mkdirSync(config.dataDir, { recursive: true });
  const stores = createStores(config, setup.model);
  if (!stores.vectors) throw new Error("the stores have no vector index");
  let embedders: Embedder[] = [];
  try {
    let marker = readMarker(config.dataDir);
    if (
      !marker ||
      marker.version !== CORPUS_VERSION ||
      marker.seed !== seed ||
      marker.embedMaxTokens !== options.embedMaxTokens
    ) {
      await ensureBootstrapAccount(stores.metadata, options.apiKey);
      const found = await stores.metadata.findAccountByKeyHash(hashApiKey(options.apiKey));
      if (!found) throw new Error("the bootstrap account was not created");
      const bucket = await stores.metadata.createBucket(found.account.id, "bench-search");
      marker = {
        version: CORPUS_VERSION,
        seed,
        targetChunks,
        apiKey: options.apiKey,
        accountId: found.account.id,
        bucketId: bucket.id,
        ...(options.embedMaxTokens ? { embedMaxTokens: options.embedMaxTokens } : {}),
        state: "building",
      };
    } else {
      marker = { ...marker, targetChunks, state: "building" };
    }
    writeMarker(config.dataDir, marker);
    const { accountId, bucketId } = marker;

    // Resume: keep complete documents, remove any a crash left half-written.
    const existing = await stores.documents.getDocuments(
      accountId,
      await stores.documents.documentIdsInBucket(accountId, bucketId),
    );
    const done = new Set<number>();
    const broken: DocumentRecord[] = [];
    for (const d of existing) {
      const index = indexOf(d.fileName);
      if (d.status === "complete" && index !== undefined) done.add(index);
      else broken.push(d);
    }
    if (broken.length > 0) {
      await stores.documents.createDeleteProcess(
        accountId,
        { id: newUuid(), kind: "delete" },
        broken.map((d) => d.id),
        () => ({}),
        [],
      );
      for (const d of broken) await stores.blobs.deletePrefix(blobKeys.documentPrefix(d.id));
    }
    const documentCount = Math.ceil(targetChunks / CHUNKS_PER_DOCUMENT);
    const todo: number[] = [];
    for (let i = 0; i < documentCount; i++) if (!done.has(i)) todo.push(i);
    if (done.size > 0) log(`resuming: ${done.size} documents already complete, ${todo.length} to go`);
    const paragraphsOf = (i: number) => Math.min(CHUNKS_PER_DOCUMENT, targetChunks - i * CHUNKS_PER_DOCUMENT);

    const started = performance.now();
    let embedMs = 0;
    let chunksWritten = 0;
    let mismatched = 0;
    let duplicates = 0;
    const seen = new Set<string>();
    if (todo.length > 0) {
      log(`loading SciFact sentences from ${SCIFACT_DIR}`);
      const pool = loadSentencePool();
      log(`${pool.abstracts.length} abstracts, ${pool.sentenceCount} sentences`);
      // The server's model and variant, pooled as the server pools its document embedder
      // (single-threaded copies; on a 2-core box about 4x faster than one thread pool of two, which
      // spins under load; the vectors are bit-identical).
      const spec: EmbedderSpec =
        setup.spec.provider === "minilm-onnx" && options.embedMaxTokens
          ? { ...setup.spec, maxTokens: options.embedMaxTokens }
          : setup.spec;
      embedders = await Promise.all(
        documentSpecs(spec, EMBED_WORKERS).map((member) => createThreadedEmbedder(member)),
      );
      const embedder = pooledEmbedder(embedders);
      const urls = new HostedUrls(config.publicUrl);
      const batches: number[][] = [];
      for (let i = 0; i < todo.length; i += BATCH) batches.push(todo.slice(i, i + BATCH));

      const prepareBatch = async (indexes: readonly number[]) => {
        const out: Prepared[] = [];
        for (const i of indexes) out.push(await prepare(pool, seed, i, paragraphsOf(i)));
        return out;
      };
      const embedBatch = async (prepared: readonly Prepared[]) => {
        const texts = prepared.flatMap((p) =>
          p.result.xray.chunks.map((c) => (c.text.trim() === "" ? c.suggestedText : c.text)),
        );
        const t0 = performance.now();
        const vectors = await embedder.embed(texts, "document");
        embedMs += performance.now() - t0;
        return vectors;
      };

      let next = batches[0] ? await prepareBatch(batches[0]) : [];
      let lastLog = performance.now();
      for (let b = 0; b < batches.length; b++) {
        const prepared = next;
        // Embed this batch (worker thread) while the main thread parses the next one.
        const embedding = embedBatch(prepared);
        const following = batches[b + 1];
        next = following ? await prepareBatch(following) : [];
        const vectors = await embedding;
        chunksWritten += await writeBatch(stores, urls, accountId, bucketId, prepared, vectors);
        mismatched += prepared.filter((p) => p.result.xray.chunks.length !== p.generated.paragraphs).length;
        for (const p of prepared) {
          for (const c of p.result.xray.chunks) {
            const key = createHash("sha1").update(c.text).digest("base64");
            if (seen.has(key)) duplicates++;
            else seen.add(key);
          }
        }
        if (performance.now() - lastLog > 15_000 || b === batches.length - 1) {
          lastLog = performance.now();
          const seconds = (performance.now() - started) / 1000;
          const rate = chunksWritten / seconds;
          const total = todo.reduce((sum, i) => sum + paragraphsOf(i), 0);
          log(
            `  ${chunksWritten}/${total} chunks, ${seconds.toFixed(0)} s, ${rate.toFixed(0)} chunks/s, ` +
              `eta ${((total - chunksWritten) / Math.max(rate, 1e-9)).toFixed(0)} s`,
          );
        }
      }
    }
    const buildSeconds = (performance.now() - started) / 1000;
    if (todo.length > 0) log(`duplicate chunk texts in this pass: ${duplicates}`);
    if (mismatched > 0) log(`warning: ${mismatched} documents did not chunk into one chunk per paragraph`);
    const totals = countBucket(config, bucketId);
    marker = {
      ...marker,
      state: "complete",
      documents: totals.documents,
      chunks: totals.chunks,
      // A resumed build reports the time of its last pass only.
      buildSeconds: todo.length > 0 ? buildSeconds : (marker.buildSeconds ?? buildSeconds),
      embedSeconds: todo.length > 0 ? embedMs / 1000 : marker.embedSeconds,
      builtAt: new Date().toISOString(),
    };
    writeMarker(config.dataDir, marker);
    return { marker, built: todo.length > 0 };
  } finally {
    await Promise.all(embedders.map((e) => e.close()));
    await stores.close();
  }
}

/** Write one batch as the pipeline would: originals, one ingest process, then each document completed. */
async function writeBatch(
  stores: Stores,
  urls: HostedUrls,
  accountId: string,
  bucketId: number,
  prepared: readonly Prepared[],
  vectors: readonly Float32Array[],
): Promise<number> {
  const documents: NewDocument[] = prepared.map((p) => ({
    id: newUuid(),
    bucketId,
    fileName: p.generated.fileName,
    declaredType: "txt",
    processLevel: "full",
    filter: undefined,
    searchData: undefined,
    urlToken: randomBytes(18).toString("base64url"),
    fileBytes: p.bytes.byteLength,
    contentHash: createHash("sha256").update(p.bytes).digest("hex"),
  }));
  for (const [i, d] of documents.entries()) {
    const p = prepared[i] as Prepared;
    await stores.blobs.put(blobKeys.original(d.id), p.bytes);
  }
  await stores.documents.createIngestProcess(accountId, { id: newUuid(), kind: "ingest" }, documents, []);
  let offset = 0;
  let written = 0;
  for (const [i, d] of documents.entries()) {
    const { result } = prepared[i] as Prepared;
    const own = vectors.slice(offset, offset + result.xray.chunks.length);
    offset += result.xray.chunks.length;
    if (!(await stores.documents.startDocument(d.id))) throw new Error(`could not start ${d.id}`);
    await stores.documents.recordOriginal(d.id, {
      fileBytes: d.fileBytes ?? 0,
      contentHash: d.contentHash ?? "",
      fileType: "txt",
    });
    const record = await stores.documents.getDocumentById(d.id);
    if (!record) throw new Error(`document ${d.id} vanished`);
    // As IngestPipeline.#documentXRay: the document's own chunk ids, file name and source URL.
    const prefix = chunkIdPrefix(d.id);
    const { fileName: _cached, fileType, language, ...rest } = result.xray;
    const xray = {
      fileName: record.fileName,
      fileType,
      language,
      sourceUrl: urls.original(record),
      ...rest,
      chunks: result.xray.chunks.map((chunk, index) => ({ ...chunk, chunk: `${prefix}-${index}` })),
    };
    await stores.blobs.put(blobKeys.xray(d.id), JSON.stringify(xray));
    const chunks = storedChunks(xray);
    const completed = await stores.documents.completeDocument(
      d.id,
      {
        language: xray.language,
        tokens: result.tokens,
        fileType: "txt",
        fileSummary: xray.fileSummary,
        fileKeywords: xray.fileKeywords,
      },
      chunks,
      { title: record.fileName, keywords: xray.fileKeywords ?? "" },
      own,
    );
    if (!completed) throw new Error(`could not complete ${d.id}`);
    await stores.metadata.recordUsage(accountId, "fileTokens", result.tokens, new Date());
    written += chunks.length;
  }
  return written;
}

/** Complete documents and their chunks in the bucket (a read-only connection of its own). */
export function countBucket(config: Pick<Config, "dataDir">, bucketId: number) {
  const db = openReadOnly(config);
  try {
    const row = db
      .prepare(
        `SELECT count(DISTINCT d.id) AS documents, count(c.rowid) AS chunks FROM documents d
         LEFT JOIN chunks c ON c.document_id = d.id WHERE d.bucket_id = ? AND d.status = 'complete'`,
      )
      .get(bucketId) as { documents: number; chunks: number };
    return row;
  } finally {
    db.close();
  }
}

/** A read-only connection to the corpus database. */
export function openReadOnly(config: Pick<Config, "dataDir">): Database.Database {
  return new Database(databasePath(config), { readonly: true, fileMustExist: true });
}
