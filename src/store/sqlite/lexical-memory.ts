/**
 * An in-memory BM25 index of the chunks' full-text fields, kept beside FTS5 by the search index's
 * read thread and answering the lexical arm whenever it is up to date.
 *
 * Why by hand: FTS5 answers a ranked OR query by decoding every posting (with its positions) of
 * every term through the SQLite VM, computing bm25() for each matching row and sorting them all —
 * tens of milliseconds on 100,000 chunks for a query with a few common terms. No maintained
 * library offers an incrementally updatable inverted index over typed arrays that can be
 * restricted per query to an account's buckets or documents (orama and minisearch keep objects
 * per posting and score whole collections). Here a query adds each posting's BM25 term score
 * into a typed-array accumulator and keeps the best in a bounded heap: a few milliseconds.
 *
 * Scores follow FTS5's bm25() with the same column weights: per term, f = Σ column weight ×
 * occurrences, D = the row's tokens over all columns, idf = ln((N − n + 0.5) / (n + 0.5)) floored
 * at 1e-6, k1 = 1.2, b = 0.75; N and n count the whole index, as FTS5 does. Tokens come from
 * search/analyze.ts (folded, Porter-stemmed, one token per CJK ideograph) for chunks and queries
 * alike. Query terms of several tokens (a CJK run, matched as a phrase) need positions, which are
 * not kept: those queries stay on FTS5.
 *
 * Kept current from the `search_changes` log (migration 9): each query first re-reads the chunks
 * logged since the last one. Built at start in slices (queries meanwhile run on FTS5).
 */

import type { Statement } from "better-sqlite3";
import { scanTokens, stem } from "../../search/analyze.js";
import type { LexicalHit, Restriction } from "../contracts/search-index.js";
import type { SqliteDatabase } from "./database.js";

/**
 * Column weights for BM25: chunk text, suggested text, section summary, file name, keywords.
 * Chosen once by hand (text dominates; a title hit counts more than a body hit), not tuned on any
 * benchmark's judgments. Used by FTS5's bm25() and by {@link MemoryLexicalIndex} alike.
 */
export const FIELD_WEIGHTS = [1.0, 0.4, 0.3, 1.2, 0.5] as const;

/** The weights in tenths: a posting's weighted frequency is an integer (stored as Uint16). */
const WEIGHT_TENTHS = FIELD_WEIGHTS.map((w) => Math.round(w * 10));
const MAX_WEIGHTED = 65_535;

/** FTS5's bm25() constants. */
const K1 = 1.2;
const B = 0.75;
const MIN_IDF = 1e-6;

export interface MemoryLexicalOptions {
  /** Above this many chunks the index is not built and FTS5 answers (memory: about 2 KB per chunk). */
  readonly maxChunks?: number;
  /** Chunks read per build step (default 100: ~15 ms, so queries never wait long behind a step). */
  readonly sliceRows?: number;
  /**
   * Logged changes a query applies before it runs (default 100: ~25 ms); beyond, the rest is
   * applied in steps and FTS5 answers meanwhile.
   */
  readonly changeBudget?: number;
}

export interface MemoryLexicalStatus {
  readonly state: "building" | "ready" | "too-large";
  readonly chunks: number;
  readonly terms: number;
  readonly postings: number;
}

interface Postings {
  slots: Int32Array;
  weights: Uint16Array;
  count: number;
}

interface ChunkRow {
  rowid: number;
  documentId: string;
  accountId: string;
  bucketId: number;
  status: string;
  text: string | null;
  suggested: string | null;
  section: string | null;
  title: string | null;
  keywords: string | null;
}

const ROW_COLUMNS = `c.rowid AS rowid, c.document_id AS documentId, d.account_id AS accountId,
  d.bucket_id AS bucketId, d.status AS status, f.text AS text, f.suggested AS suggested,
  f.section AS section, f.title AS title, f.keywords AS keywords
  FROM chunks c CROSS JOIN documents d ON d.id = c.document_id LEFT JOIN chunks_fts f ON f.rowid = c.rowid`;

function grow<T extends Int32Array | Uint16Array | Uint8Array | Float32Array | Float64Array>(
  array: T,
  needed: number,
): T {
  if (needed <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2, 16));
  next.set(array);
  return next;
}

export class MemoryLexicalIndex {
  readonly #db: SqliteDatabase;
  readonly #statements: Record<"version" | "changes" | "slice" | "rows", Statement<unknown[]>>;
  readonly #maxChunks: number;
  readonly #sliceRows: number;
  readonly #changeBudget: number;

  #state: MemoryLexicalStatus["state"] = "building";
  /** Build: the last chunk rowid read. */
  #cursor = 0;
  /** The last change of `search_changes` applied (or, while building, the last before the build began). */
  #seq = 0;
  /** The `search_index_state` version the index reflects; -1 until it has caught up once. */
  #version = -1;

  // Per slot (one per indexed chunk version; a re-indexed chunk gets a new slot, the old one dies).
  #slotRowid = new Float64Array(0);
  #slotDocument = new Int32Array(0);
  #slotLength = new Float32Array(0);
  #alive = new Uint8Array(0);
  #slots = 0;
  #live = 0;
  #totalLength = 0;
  readonly #slotOf = new Map<number, number>();

  // Documents and accounts as small integers.
  readonly #documentIndex = new Map<string, number>();
  #documentId: string[] = [];
  #documentBucket: number[] = [];
  #documentAccount: number[] = [];
  readonly #accountIndex = new Map<string, number>();

  readonly #termIndex = new Map<string, number>();
  /** Folded words to term ids (their stems'). */
  readonly #wordIds = new Map<string, number>();
  /** Scratch of #add: term ids of the chunk, and their weighted frequencies (zero between calls). */
  readonly #chunkTerms: number[] = [];
  #chunkWeights = new Float64Array(0);
  readonly #postings: Postings[] = [];
  #postingCount = 0;

  // Per-query buffers, reused.
  #scores = new Float64Array(0);
  #touched = new Int32Array(0);

  constructor(db: SqliteDatabase, options: MemoryLexicalOptions = {}) {
    this.#db = db;
    // Prepared once: sync() runs before every query.
    this.#statements = {
      version: db.prepare("SELECT version FROM search_index_state WHERE id = 1"),
      changes: db.prepare("SELECT seq, chunk FROM search_changes WHERE seq > ? ORDER BY seq LIMIT ?"),
      slice: db.prepare(`SELECT ${ROW_COLUMNS} WHERE c.rowid > ? ORDER BY c.rowid LIMIT ?`),
      rows: db.prepare(`SELECT ${ROW_COLUMNS} WHERE c.rowid IN (SELECT value FROM json_each(?))`),
    };
    this.#maxChunks = options.maxChunks ?? 1_000_000;
    this.#sliceRows = options.sliceRows ?? 100;
    this.#changeBudget = options.changeBudget ?? 100;
    this.#begin();
  }

  status(): MemoryLexicalStatus {
    return {
      state: this.#state,
      chunks: this.#live,
      terms: this.#termIndex.size,
      postings: this.#postingCount,
    };
  }

  /**
   * One slice of pending work: the build, or logged changes beyond a query's budget.
   * @returns whether more work remains (call again, e.g. on the next turn of the event loop)
   */
  step(): boolean {
    if (this.#state === "building") {
      this.#buildSlice();
      return true;
    }
    if (this.#state === "too-large") return false;
    return !this.sync();
  }

  /** Build the whole index now (tests, tools). */
  buildAll(): void {
    while (this.step()) {
      // the loop body is the step
    }
  }

  /**
   * Apply the changes logged since the last call (at most the change budget).
   * @returns whether the index is ready and reflects every committed change
   */
  sync(): boolean {
    if (this.#state !== "ready") return false;
    const version = (this.#statements.version.get() as { version: number } | undefined)?.version;
    if (version === undefined) return false;
    if (version === this.#version) return true;
    const changes = this.#statements.changes.all(this.#seq, this.#changeBudget + 1) as {
      seq: number;
      chunk: number;
    }[];
    if (changes.length > 0 && (changes[0] as { seq: number }).seq !== this.#seq + 1) {
      // Changes this index never saw were pruned from the log: start again.
      this.#reset();
      return false;
    }
    const batch = changes.slice(0, this.#changeBudget);
    this.#refresh([...new Set(batch.map((c) => c.chunk))]);
    if (batch.length > 0) this.#seq = (batch.at(-1) as { seq: number }).seq;
    if (changes.length > batch.length) return false;
    this.#version = version;
    if (this.#slots > 4096 && this.#slots - this.#live > this.#slots / 4) this.#compact();
    return true;
  }

  /**
   * BM25 top `limit` of the account's complete chunks in `restriction`, best first (ties by rowid),
   * or undefined when this index cannot answer: not built, behind the log, or a query term of several
   * tokens (a phrase).
   *
   * @param terms each query term as its analysed tokens (search/analyze.ts)
   */
  search(
    accountId: string,
    terms: readonly (readonly string[])[],
    restriction: Restriction,
    limit: number,
  ): LexicalHit[] | undefined {
    if (terms.some((t) => t.length !== 1)) return undefined;
    if (!this.sync()) return undefined;
    const account = this.#accountIndex.get(accountId);
    const tokens = [...new Set(terms.map((t) => t[0] as string))];
    if (account === undefined || tokens.length === 0 || limit <= 0 || this.#live === 0) return [];
    const allowed = this.#allowedDocuments(account, restriction);

    const scores = this.#scores;
    const touched = this.#touched;
    const alive = this.#alive;
    const slotDocument = this.#slotDocument;
    const slotLength = this.#slotLength;
    const size = this.#live;
    const averageLength = this.#totalLength / size || 1;
    let touchedCount = 0;
    for (const token of tokens) {
      const id = this.#termIndex.get(token);
      if (id === undefined) continue;
      const { slots, weights, count } = this.#postings[id] as Postings;
      let hits = 0;
      for (let i = 0; i < count; i++) hits += alive[slots[i] as number] as number;
      if (hits === 0) continue;
      const idf = Math.max(MIN_IDF, Math.log((size - hits + 0.5) / (hits + 0.5)));
      for (let i = 0; i < count; i++) {
        const slot = slots[i] as number;
        if (alive[slot] === 0 || allowed[slotDocument[slot] as number] === 0) continue;
        const f = (weights[i] as number) / 10;
        const norm = K1 * (1 - B + (B * (slotLength[slot] as number)) / averageLength);
        if (scores[slot] === 0) touched[touchedCount++] = slot;
        scores[slot] = (scores[slot] as number) + (idf * f * (K1 + 1)) / (f + norm);
      }
    }

    const best = new TopHeap(limit, this.#slotRowid);
    for (let i = 0; i < touchedCount; i++) {
      const slot = touched[i] as number;
      best.offer(slot, scores[slot] as number);
      scores[slot] = 0;
    }
    return best.sorted().map(({ slot, score }) => ({
      rowid: this.#slotRowid[slot] as number,
      documentId: this.#documentId[slotDocument[slot] as number] as string,
      score,
    }));
  }

  /**
   * How many of the account's complete chunks in `restriction` contain each token, or undefined
   * when this index is not current. (Index-wide counts come cheaper from FTS5's vocabulary.)
   */
  documentFrequencies(
    accountId: string,
    tokens: readonly string[],
    restriction: Restriction,
  ): number[] | undefined {
    if (!this.sync()) return undefined;
    const account = this.#accountIndex.get(accountId);
    if (account === undefined) return tokens.map(() => 0);
    const allowed = this.#allowedDocuments(account, restriction);
    const alive = this.#alive;
    const slotDocument = this.#slotDocument;
    return tokens.map((token) => {
      const id = this.#termIndex.get(token);
      if (id === undefined) return 0;
      const { slots, count } = this.#postings[id] as Postings;
      let n = 0;
      for (let i = 0; i < count; i++) {
        const slot = slots[i] as number;
        if (alive[slot] === 1 && allowed[slotDocument[slot] as number] === 1) n++;
      }
      return n;
    });
  }

  /** 1 per document index the query may return. */
  #allowedDocuments(account: number, restriction: Restriction): Uint8Array {
    const allowed = new Uint8Array(this.#documentId.length);
    if (restriction.bucketIds !== undefined) {
      const buckets = new Set(restriction.bucketIds);
      for (let d = 0; d < allowed.length; d++) {
        if (this.#documentAccount[d] === account && buckets.has(this.#documentBucket[d] as number))
          allowed[d] = 1;
      }
    } else {
      for (const id of restriction.documentIds) {
        const d = this.#documentIndex.get(id);
        if (d !== undefined && this.#documentAccount[d] === account) allowed[d] = 1;
      }
    }
    return allowed;
  }

  #begin(): void {
    const total = (this.#db.prepare("SELECT chunks FROM search_index_state WHERE id = 1").get() as
      | { chunks: number }
      | undefined) ?? { chunks: 0 };
    if (total.chunks > this.#maxChunks) {
      this.#state = "too-large";
      return;
    }
    this.#state = "building";
    this.#cursor = 0;
    this.#version = -1;
    this.#seq =
      (this.#db.prepare("SELECT max(seq) AS seq FROM search_changes").get() as { seq: number | null }).seq ??
      0;
  }

  #buildSlice(): void {
    const rows = this.#statements.slice.all(this.#cursor, this.#sliceRows) as ChunkRow[];
    for (const row of rows) {
      if (row.status === "complete" && row.text !== null) this.#add(row);
    }
    if (rows.length > 0) this.#cursor = (rows.at(-1) as ChunkRow).rowid;
    if (rows.length < this.#sliceRows) {
      this.#state = "ready";
      this.#trim();
    } else if (this.#live > this.#maxChunks) {
      this.#reset("too-large");
    }
  }

  /** Re-read chunks: each is dropped, then indexed again when it exists in a complete document. */
  #refresh(rowids: readonly number[]): void {
    for (let start = 0; start < rowids.length; start += 500) {
      const part = rowids.slice(start, start + 500);
      for (const rowid of part) this.#remove(rowid);
      const rows = this.#statements.rows.all(JSON.stringify(part)) as ChunkRow[];
      for (const row of rows) {
        if (row.status === "complete" && row.text !== null) this.#add(row);
      }
    }
  }

  #add(row: ChunkRow): void {
    // The chunk's weighted frequency per term id, accumulated in a reused array.
    const touched = this.#chunkTerms;
    touched.length = 0;
    let length = 0;
    let weight = 0;
    const count = (id: number) => {
      if (this.#chunkWeights.length <= id) this.#chunkWeights = grow(this.#chunkWeights, id + 1);
      if (this.#chunkWeights[id] === 0) touched.push(id);
      this.#chunkWeights[id] = (this.#chunkWeights[id] as number) + weight;
      length++;
    };
    const word = (w: string) => count(this.#wordId(w));
    const ideograph = (c: string) => count(this.#termId(c));
    const fields = [row.text, row.suggested, row.section, row.title, row.keywords];
    for (let column = 0; column < fields.length; column++) {
      const field = fields[column];
      if (!field) continue;
      weight = WEIGHT_TENTHS[column] as number;
      scanTokens(field, word, ideograph);
    }

    const slot = this.#slots++;
    this.#slotRowid = grow(this.#slotRowid, this.#slots);
    this.#slotDocument = grow(this.#slotDocument, this.#slots);
    this.#slotLength = grow(this.#slotLength, this.#slots);
    this.#alive = grow(this.#alive, this.#slots);
    this.#slotRowid[slot] = row.rowid;
    this.#slotDocument[slot] = this.#document(row);
    this.#slotLength[slot] = length;
    this.#alive[slot] = 1;
    this.#slotOf.set(row.rowid, slot);
    this.#live++;
    this.#totalLength += length;

    for (const id of touched) {
      const p = this.#postings[id] as Postings;
      if (p.count === p.slots.length) {
        p.slots = grow(p.slots, p.count + 1);
        p.weights = grow(p.weights, p.count + 1);
      }
      p.slots[p.count] = slot;
      p.weights[p.count] = Math.min(this.#chunkWeights[id] as number, MAX_WEIGHTED);
      this.#chunkWeights[id] = 0;
      p.count++;
      this.#postingCount++;
    }
    if (this.#scores.length < this.#slots) {
      this.#scores = grow(this.#scores, this.#slots);
      this.#touched = grow(this.#touched, this.#slots);
    }
  }

  /** The term id of an (unstemmed, folded) word: words seen before skip the stemmer. */
  #wordId(word: string): number {
    let id = this.#wordIds.get(word);
    if (id === undefined) {
      id = this.#termId(stem(word));
      this.#wordIds.set(word, id);
    }
    return id;
  }

  #termId(term: string): number {
    let id = this.#termIndex.get(term);
    if (id === undefined) {
      id = this.#postings.length;
      this.#termIndex.set(term, id);
      this.#postings.push({ slots: new Int32Array(4), weights: new Uint16Array(4), count: 0 });
    }
    return id;
  }

  #remove(rowid: number): void {
    const slot = this.#slotOf.get(rowid);
    if (slot === undefined) return;
    this.#slotOf.delete(rowid);
    this.#alive[slot] = 0;
    this.#live--;
    this.#totalLength -= this.#slotLength[slot] as number;
  }

  /** The document's index, its bucket and account brought up to date. */
  #document(row: ChunkRow): number {
    let account = this.#accountIndex.get(row.accountId);
    if (account === undefined) {
      account = this.#accountIndex.size;
      this.#accountIndex.set(row.accountId, account);
    }
    let d = this.#documentIndex.get(row.documentId);
    if (d === undefined) {
      d = this.#documentId.length;
      this.#documentIndex.set(row.documentId, d);
      this.#documentId.push(row.documentId);
      this.#documentBucket.push(row.bucketId);
      this.#documentAccount.push(account);
    } else {
      this.#documentBucket[d] = row.bucketId;
      this.#documentAccount[d] = account;
    }
    return d;
  }

  /** Drop dead slots (and the documents no live slot refers to), renumbering the rest. */
  #compact(): void {
    const newSlot = new Int32Array(this.#slots).fill(-1);
    const documentMap = new Int32Array(this.#documentId.length).fill(-1);
    const documentId: string[] = [];
    const documentBucket: number[] = [];
    const documentAccount: number[] = [];
    let next = 0;
    for (let s = 0; s < this.#slots; s++) {
      if (this.#alive[s] === 0) continue;
      newSlot[s] = next;
      this.#slotRowid[next] = this.#slotRowid[s] as number;
      this.#slotLength[next] = this.#slotLength[s] as number;
      const d = this.#slotDocument[s] as number;
      if (documentMap[d] === -1) {
        documentMap[d] = documentId.length;
        documentId.push(this.#documentId[d] as string);
        documentBucket.push(this.#documentBucket[d] as number);
        documentAccount.push(this.#documentAccount[d] as number);
      }
      this.#slotDocument[next] = documentMap[d] as number;
      this.#alive[next] = 1;
      next++;
    }
    this.#alive.fill(0, next);
    this.#slots = next;
    this.#documentId = documentId;
    this.#documentBucket = documentBucket;
    this.#documentAccount = documentAccount;
    this.#documentIndex.clear();
    documentId.forEach((id, d) => {
      this.#documentIndex.set(id, d);
    });
    this.#slotOf.clear();
    for (let s = 0; s < next; s++) this.#slotOf.set(this.#slotRowid[s] as number, s);
    this.#postingCount = 0;
    for (const p of this.#postings) {
      let kept = 0;
      for (let i = 0; i < p.count; i++) {
        const s = newSlot[p.slots[i] as number] as number;
        if (s === -1) continue;
        p.slots[kept] = s;
        p.weights[kept] = p.weights[i] as number;
        kept++;
      }
      p.count = kept;
      this.#postingCount += kept;
    }
    this.#trim();
  }

  /** Shrink every posting list to its length (after a build or a compaction). */
  #trim(): void {
    for (const p of this.#postings) {
      if (p.slots.length > p.count + 4) {
        p.slots = p.slots.slice(0, p.count);
        p.weights = p.weights.slice(0, p.count);
      }
    }
  }

  #reset(state?: "too-large"): void {
    this.#slots = 0;
    this.#live = 0;
    this.#totalLength = 0;
    this.#postingCount = 0;
    this.#slotOf.clear();
    this.#slotRowid = new Float64Array(0);
    this.#slotDocument = new Int32Array(0);
    this.#slotLength = new Float32Array(0);
    this.#alive = new Uint8Array(0);
    this.#scores = new Float64Array(0);
    this.#touched = new Int32Array(0);
    this.#documentIndex.clear();
    this.#documentId = [];
    this.#documentBucket = [];
    this.#documentAccount = [];
    this.#termIndex.clear();
    this.#wordIds.clear();
    this.#postings.length = 0;
    if (state) this.#state = state;
    else this.#begin();
  }
}

/**
 * The best `limit` of a stream of (slot, score), by score descending then rowid ascending (FTS5's
 * `ORDER BY score DESC, rowid`): a binary heap whose root is the worst kept.
 */
class TopHeap {
  readonly #limit: number;
  readonly #rowid: Float64Array;
  readonly #slots: number[] = [];
  readonly #scores: number[] = [];

  constructor(limit: number, rowid: Float64Array) {
    this.#limit = limit;
    this.#rowid = rowid;
  }

  /** Whether a is worse than b. */
  #worse(sa: number, ra: number, sb: number, rb: number): boolean {
    return sa < sb || (sa === sb && ra > rb);
  }

  offer(slot: number, score: number): void {
    const slots = this.#slots;
    const scores = this.#scores;
    if (slots.length < this.#limit) {
      slots.push(slot);
      scores.push(score);
      this.#up(slots.length - 1);
      return;
    }
    const rowid = this.#rowid;
    if (!this.#worse(scores[0] as number, rowid[slots[0] as number] as number, score, rowid[slot] as number))
      return;
    slots[0] = slot;
    scores[0] = score;
    this.#down(0);
  }

  sorted(): { slot: number; score: number }[] {
    const rowid = this.#rowid;
    return this.#slots
      .map((slot, i) => ({ slot, score: this.#scores[i] as number }))
      .sort((a, b) => b.score - a.score || (rowid[a.slot] as number) - (rowid[b.slot] as number));
  }

  #swap(i: number, j: number): void {
    const s = this.#slots;
    const v = this.#scores;
    [s[i], s[j]] = [s[j] as number, s[i] as number];
    [v[i], v[j]] = [v[j] as number, v[i] as number];
  }

  #less(i: number, j: number): boolean {
    const rowid = this.#rowid;
    return this.#worse(
      this.#scores[i] as number,
      rowid[this.#slots[i] as number] as number,
      this.#scores[j] as number,
      rowid[this.#slots[j] as number] as number,
    );
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const n = this.#slots.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.#less(l, m)) m = l;
      if (r < n && this.#less(r, m)) m = r;
      if (m === i) return;
      this.#swap(i, m);
      i = m;
    }
  }
}
