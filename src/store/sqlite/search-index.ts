import { analyze } from "../../search/analyze.js";
import type { DocumentRecord } from "../contracts/document-store.js";
import type {
  CorpusStats,
  IndexedChunk,
  LexicalHit,
  LexicalQuery,
  Restriction,
  ScopeEntry,
  SearchIndex,
  SearchScope,
} from "../contracts/search-index.js";
import type { SqliteDatabase } from "./database.js";
import { type ChunkRow, type SqliteDocumentStore, toChunk } from "./document-store.js";
import { FIELD_WEIGHTS, type MemoryLexicalIndex, type MemoryLexicalOptions } from "./lexical-memory.js";
import { ReadThread } from "./read-thread.js";

export { FIELD_WEIGHTS };

/** The tokenizer of `chunks_fts` (migration 3); query terms are tokenized by FTS5 itself with it. */
const FTS_TOKENIZER = "porter unicode61 remove_diacritics 2";

/** Query terms whose index tokens are remembered (tokenizing is pure). */
const TOKEN_CACHE_SIZE = 10_000;

/** Rank-first probes ask for this many times the hits the scope's share predicts. */
const PROBE_HEADROOM = 1.5;
/** Beyond this probe, restricting first is cheaper (the scope is a small share of the index). */
const MAX_PROBE = 4000;

/** {@link SearchIndex} on SQLite FTS5, in the same database as the documents. */
export class SqliteSearchIndex implements SearchIndex {
  readonly #db: SqliteDatabase;
  readonly #documents: SqliteDocumentStore;
  readonly #thread: ReadThread | undefined;

  readonly #tokens = new Map<string, readonly string[]>();
  #tokenizerReady = false;
  /** What is known as of one version of the index (migrations 7, 8): its size, terms' frequencies, buckets' statistics. */
  #known:
    | {
        version: number;
        chunks: number;
        frequencies: Map<string, number>;
        buckets: Map<string, CorpusStats>;
      }
    | undefined;

  /**
   * @param options.file the database file: BM25 queries then run in a thread of
   *   their own on a read-only connection (omit for in-memory databases)
   * @param options.memoryLexical with a file: that thread keeps an in-memory BM25 index
   *   (lexical-memory.ts), started at once, and answers from it when it can; false: FTS5 only
   */
  constructor(
    db: SqliteDatabase,
    documents: SqliteDocumentStore,
    options: { file?: string; memoryLexical?: MemoryLexicalOptions | false } = {},
  ) {
    this.#db = db;
    this.#documents = documents;
    const memoryLexical = options.memoryLexical === false ? undefined : (options.memoryLexical ?? {});
    this.#thread = options.file
      ? new ReadThread({ file: options.file, ...(memoryLexical ? { memoryLexical } : {}) })
      : undefined;
    // The in-memory index builds in the thread's spare time from the start.
    if (this.#thread && memoryLexical) void this.#thread.warm();
  }

  /**
   * Resolves once the read thread's in-memory BM25 index is built: true, or false when there is
   * none (no database file, disabled, too large) — lexical queries are answered by FTS5 until then.
   */
  async warm(): Promise<boolean> {
    return (await this.#thread?.warm()) ?? false;
  }

  async indexFrequencies(terms: readonly string[]): Promise<{ size: number; frequencies: number[] }> {
    return { size: this.#indexSize(), frequencies: this.#vocabularyFrequencies(terms) };
  }

  /** Statistics of complete documents in the buckets, remembered until a document or chunk changes. */
  async bucketStats(accountId: string, bucketIds: readonly number[]): Promise<CorpusStats> {
    const known = this.#current().buckets;
    const key = `${accountId}|${bucketIds.join(",")}`;
    let stats = known.get(key);
    if (!stats) {
      stats = this.#db
        .prepare(
          `SELECT count(*) AS documents, coalesce(sum(chunk_count), 0) AS chunks, coalesce(max(updated), '') AS latest
           FROM documents INDEXED BY documents_bucket_stats
           WHERE account_id = ? AND status = 'complete' AND bucket_id IN (SELECT value FROM json_each(?))`,
        )
        .get(accountId, JSON.stringify(bucketIds)) as CorpusStats;
      if (known.size >= TOKEN_CACHE_SIZE) known.clear();
      known.set(key, stats);
    }
    return stats;
  }

  async scopeEntries(accountId: string, scope: SearchScope): Promise<readonly ScopeEntry[]> {
    const rows = this.#db
      .prepare(
        scope.kind === "documents"
          ? `SELECT id, bucket_id, chunk_count, updated, filter FROM documents WHERE account_id = ? AND status = 'complete'
             AND id IN (SELECT value FROM json_each(?))`
          : `SELECT id, bucket_id, chunk_count, updated, filter FROM documents WHERE account_id = ? AND status = 'complete'
             AND bucket_id IN (SELECT value FROM json_each(?))`,
      )
      .all(accountId, JSON.stringify(scope.kind === "documents" ? scope.documentIds : scope.bucketIds)) as {
      id: string;
      bucket_id: number;
      chunk_count: number;
      updated: string;
      filter: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      bucketId: r.bucket_id,
      chunkCount: r.chunk_count,
      updated: r.updated,
      filter: r.filter === null ? undefined : (JSON.parse(r.filter) as Record<string, unknown>),
    }));
  }

  async documents(accountId: string, documentIds: readonly string[]): Promise<readonly DocumentRecord[]> {
    return this.#documents.getDocuments(accountId, documentIds);
  }

  /**
   * BM25 top `limit` in scope, in the index's read thread when it has one: from its in-memory
   * index when that can answer, else by FTS5 ({@link lexicalOn}).
   */
  async lexical(
    accountId: string,
    query: LexicalQuery,
    restriction: Restriction,
    limit: number,
  ): Promise<readonly LexicalHit[]> {
    const threaded = await this.#thread?.lexical(accountId, query, restriction, limit);
    return threaded ?? lexicalOn(this.#db, accountId, query.expression, restriction, limit);
  }

  /** Stop the read thread (the connection is the caller's). */
  async close(): Promise<void> {
    await this.#thread?.close();
  }

  /**
   * Document frequencies in scope. When the scope is the whole index (every
   * indexed chunk belongs to a complete document in it), FTS5 counts alone are
   * exact and skip the joins.
   */
  async documentFrequencies(
    accountId: string,
    terms: readonly string[],
    restriction: Restriction,
  ): Promise<number[]> {
    if (restriction.chunks !== undefined && restriction.chunks === this.#indexSize()) {
      return this.#vocabularyFrequencies(terms);
    }
    const threaded = await this.#thread?.frequencies(accountId, terms, restriction);
    return threaded ?? documentFrequenciesOn(this.#db, accountId, terms, restriction);
  }

  /**
   * Rows of the full-text index (chunks exist only for complete documents), as
   * counted by the triggers of migration 7; what is remembered of the index is
   * dropped when their version moves (a write of any connection).
   */
  #indexSize(): number {
    return this.#current().chunks;
  }

  #current(): { chunks: number; frequencies: Map<string, number>; buckets: Map<string, CorpusStats> } {
    const { chunks, version } = indexStateOn(this.#db);
    if (this.#known?.version !== version) {
      this.#known = { version, chunks, frequencies: new Map(), buckets: new Map() };
    }
    return this.#known;
  }

  /**
   * Index-wide document frequency of each FTS term from the fts5vocab table.
   * A term that FTS5 tokenizes to several tokens (a CJK phrase) is counted by
   * a MATCH instead.
   */
  #vocabularyFrequencies(terms: readonly string[]): number[] {
    const known = this.#current().frequencies;
    const missing = terms.filter((term) => !known.has(term));
    if (missing.length > 0) {
      const tokens = this.#indexTokens(missing);
      const vocabulary = this.#db.prepare("SELECT doc FROM chunks_fts_vocab WHERE term = ?").pluck();
      const count = this.#db.prepare("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?").pluck();
      missing.forEach((term, i) => {
        const list = tokens[i] ?? [];
        const frequency =
          list.length === 0
            ? 0
            : list.length === 1
              ? ((vocabulary.get(list[0]) as number | undefined) ?? 0)
              : (count.get(term) as number);
        known.set(term, frequency);
      });
    }
    const frequencies = terms.map((term) => known.get(term) ?? 0);
    // Bounded: a long-lived server with no writes would otherwise keep every term it was asked.
    if (known.size > TOKEN_CACHE_SIZE) known.clear();
    return frequencies;
  }

  /**
   * The index tokens of FTS terms (quoted strings), as FTS5 itself makes them:
   * the terms are written to a temporary FTS5 table with the index's tokenizer
   * and read back through its vocabulary. (A JavaScript Porter stemmer differs
   * from FTS5's on edge cases, and a wrong stem would read as "absent".)
   */
  #indexTokens(terms: readonly string[]): (readonly string[])[] {
    const missing = [...new Set(terms.filter((t) => !this.#tokens.has(t)))];
    if (missing.length > 0) {
      if (!this.#tokenizerReady) {
        this.#db.exec(`
          CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_tokens USING fts5(t, tokenize = '${FTS_TOKENIZER}');
          CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_tokens_vocab USING fts5vocab(temp, query_tokens, instance);
        `);
        this.#tokenizerReady = true;
      }
      const found = new Map<number, string[]>();
      this.#db.transaction(() => {
        this.#db.prepare("DELETE FROM temp.query_tokens").run();
        const insert = this.#db.prepare("INSERT INTO temp.query_tokens (rowid, t) VALUES (?, ?)");
        // The FTS string '"a ""b"""' holds the text 'a "b"'.
        missing.forEach((term, i) => {
          insert.run(i + 1, term.replace(/^"|"$/g, "").replace(/""/g, '"'));
        });
        const rows = this.#db
          .prepare("SELECT doc, term FROM temp.query_tokens_vocab ORDER BY doc, offset")
          .all() as { doc: number; term: string }[];
        for (const row of rows) found.set(row.doc, [...(found.get(row.doc) ?? []), row.term]);
        this.#db.prepare("DELETE FROM temp.query_tokens").run();
      })();
      missing.forEach((term, i) => {
        this.#tokens.set(term, found.get(i + 1) ?? []);
      });
      while (this.#tokens.size > TOKEN_CACHE_SIZE) {
        const oldest = this.#tokens.keys().next().value;
        if (oldest === undefined) break;
        this.#tokens.delete(oldest);
      }
    }
    return terms.map((t) => this.#tokens.get(t) ?? []);
  }

  async chunkRowids(documentIds: readonly string[], limit: number): Promise<readonly number[]> {
    if (documentIds.length === 0) return [];
    const rows = this.#db
      .prepare("SELECT rowid FROM chunks WHERE document_id IN (SELECT value FROM json_each(?)) LIMIT ?")
      .all(JSON.stringify(documentIds), limit) as { rowid: number }[];
    return rows.map((r) => r.rowid);
  }

  async chunksByRowid(rowids: readonly number[]): Promise<readonly IndexedChunk[]> {
    if (rowids.length === 0) return [];
    const rows = this.#db
      .prepare("SELECT rowid, * FROM chunks WHERE rowid IN (SELECT value FROM json_each(?))")
      .all(JSON.stringify(rowids)) as (ChunkRow & { rowid: number; document_id: string })[];
    return rows.map((r) => ({ ...toChunk(r), rowid: r.rowid, documentId: r.document_id }));
  }
}

/**
 * BM25 top `limit` in scope, on a connection. Two plans, same results:
 * - rank first: the index-wide top `probe` (ranked inside FTS5, no joins),
 *   then restricted to the scope. Exact whenever at least `limit` of them are
 *   in scope or FTS5 ran out of matches; chosen when the scope is a large
 *   share of the index (probe = limit × index/scope, with headroom).
 * - restrict first: every match joined to its chunk and document, then
 *   ranked — the fallback, and the plan for small scopes.
 */
export function lexicalOn(
  db: SqliteDatabase,
  accountId: string,
  expression: string,
  restriction: Restriction,
  limit: number,
): LexicalHit[] {
  const byBuckets = restriction.bucketIds !== undefined;
  const ids = JSON.stringify(byBuckets ? restriction.bucketIds : restriction.documentIds);
  const scope = `d.account_id = @accountId AND d.status = 'complete'
         AND ${byBuckets ? "d.bucket_id" : "d.id"} IN (SELECT value FROM json_each(@ids))`;
  const probe = probeSize(restriction, limit, indexStateOn(db).chunks);
  if (probe !== undefined) {
    const top = db
      .prepare(
        `SELECT rowid, -bm25(chunks_fts, ${FIELD_WEIGHTS.join(", ")}) AS score FROM chunks_fts
         WHERE chunks_fts MATCH @expression ORDER BY score DESC, rowid LIMIT @probe`,
      )
      .all({ expression, probe }) as { rowid: number; score: number }[];
    const inScope = db
      .prepare(
        `SELECT c.rowid AS rowid, c.document_id AS documentId FROM chunks c JOIN documents d ON d.id = c.document_id
         WHERE c.rowid IN (SELECT value FROM json_each(@rowids)) AND ${scope}`,
      )
      .all({ rowids: JSON.stringify(top.map((t) => t.rowid)), accountId, ids }) as {
      rowid: number;
      documentId: string;
    }[];
    const documentOf = new Map(inScope.map((r) => [r.rowid, r.documentId]));
    const hits = top.flatMap((t) => {
      const documentId = documentOf.get(t.rowid);
      return documentId === undefined ? [] : [{ rowid: t.rowid, documentId, score: t.score }];
    });
    if (hits.length >= limit || top.length < probe) return hits.slice(0, limit);
  }
  return db
    .prepare(
      `SELECT f.rowid AS rowid, c.document_id AS documentId, -bm25(chunks_fts, ${FIELD_WEIGHTS.join(", ")}) AS score
       FROM chunks_fts f JOIN chunks c ON c.rowid = f.rowid JOIN documents d ON d.id = c.document_id
       WHERE chunks_fts MATCH @expression AND ${scope}
       ORDER BY score DESC, f.rowid LIMIT @limit`,
    )
    .all({ expression, accountId, ids, limit }) as LexicalHit[];
}

/**
 * For each FTS term (a quoted string), how many of the account's complete chunks in `restriction`
 * contain it: counted from the in-memory index when it is given and current (single-token terms),
 * else by FTS5 MATCH joined to the scope — which walks every posting of a common term.
 */
export function documentFrequenciesOn(
  db: SqliteDatabase,
  accountId: string,
  terms: readonly string[],
  restriction: Restriction,
  memory?: MemoryLexicalIndex,
): number[] {
  const tokens = terms.map((term) => analyze(term.replace(/^"|"$/g, "").replace(/""/g, '"')));
  const single = tokens.map((t) => (t.length === 1 ? (t[0] as string) : undefined));
  const counted = memory?.documentFrequencies(
    accountId,
    single.filter((t): t is string => t !== undefined),
    restriction,
  );
  const byBuckets = restriction.bucketIds !== undefined;
  const ids = JSON.stringify(byBuckets ? restriction.bucketIds : restriction.documentIds);
  let statement: ReturnType<SqliteDatabase["prepare"]> | undefined;
  let next = 0;
  return terms.map((term, i) => {
    if (counted && single[i] !== undefined) return counted[next++] as number;
    statement ??= db.prepare(
      `SELECT count(*) AS n FROM chunks_fts f JOIN chunks c ON c.rowid = f.rowid JOIN documents d ON d.id = c.document_id
       WHERE chunks_fts MATCH @term AND d.account_id = @accountId AND d.status = 'complete'
         AND ${byBuckets ? "d.bucket_id" : "d.id"} IN (SELECT value FROM json_each(@ids))`,
    );
    return (statement.get({ term, accountId, ids }) as { n: number }).n;
  });
}

/** The indexed chunk count and the index's version (migration 7's triggers keep both). */
function indexStateOn(db: SqliteDatabase): { chunks: number; version: number } {
  const state = db.prepare("SELECT chunks, version FROM search_index_state WHERE id = 1").get() as
    | { chunks: number; version: number }
    | undefined;
  return state ?? { chunks: 0, version: -1 };
}

/** How many index-wide top hits to rank first, or undefined when restricting first is cheaper. */
function probeSize(restriction: Restriction, limit: number, indexSize: number): number | undefined {
  const scoped = restriction.chunks;
  if (scoped === undefined || scoped === 0) return undefined;
  const probe = Math.ceil((limit * indexSize * PROBE_HEADROOM) / scoped);
  return probe <= MAX_PROBE ? probe : undefined;
}
