/**
 * Fusion of several ranked candidate lists (keyword, vector, …) into one ranking. Pure: no I/O.
 * The fused score is a raw ranking value; mapping it onto the public score scale (CONTRACT.md D7) is
 * the caller's job.
 *
 * Input hygiene, shared by both methods (STYLE.md habit 15; orama#215 shows what happens without it):
 * - Items whose score is NaN or ±Infinity are dropped; a list left empty contributes nothing.
 * - An id listed twice in one list keeps its best score.
 * - Ranks are 1-based competition ranks ("1224"): tied scores share the best rank, so the result never
 *   depends on the order of tied items in the input.
 * - Each signal also carries a min-max normalised score in [0, 1]; when every score of a list is equal
 *   (including a single item, or all zeros) every item gets 1, never NaN.
 * - An id missing from a list gets nothing from it. Ids found only in lists of weight 0 are still
 *   returned, with score 0, so their signals stay visible.
 * - Output is sorted by fused score desc, then best rank over all lists asc, then id (code-unit order).
 * - Weights must be finite and >= 0 and list names unique; anything else is a programming error and
 *   throws a RangeError.
 */

/** One retriever's candidates; higher `score` is better, items need not be sorted. */
export interface RankedList {
  readonly name: string;
  readonly weight: number;
  readonly items: readonly { readonly id: string; readonly score: number }[];
}

/** What one list said about one item. */
export interface FusionSignal {
  /** 1-based competition rank within the list. */
  rank: number;
  /** The item's (best) score in the list. */
  raw: number;
  /** The min-max normalised score in [0, 1]. */
  normalised: number;
}

export interface FusedItem {
  id: string;
  score: number;
  /** One entry per list name; `undefined` when the item is not in that list. */
  signals: Record<string, FusionSignal | undefined>;
}

/**
 * Weighted Reciprocal Rank Fusion: `score = Σ weight / (k + rank)` over the lists holding the item.
 *
 * @example
 *   reciprocalRankFusion([{ name: "bm25", weight: 1, items: [{ id: "a", score: 3 }] }], { k: 1 });
 *   // [{ id: "a", score: 0.5, signals: { bm25: { rank: 1, raw: 3, normalised: 1 } } }]
 */
export function reciprocalRankFusion(
  lists: readonly RankedList[],
  { k = 60 }: { readonly k?: number } = {},
): FusedItem[] {
  if (!Number.isFinite(k) || k < 0) throw new RangeError(`fuse: k must be a finite number >= 0, got ${k}`);
  return fuse(lists, (signal, weight) => weight / (k + signal.rank));
}

/**
 * Weighted score fusion: each list is min-max normalised to [0, 1], then
 * `score = Σ weight × normalised` over the lists holding the item.
 *
 * @example
 *   weightedScoreFusion([
 *     { name: "bm25", weight: 0.5, items: [{ id: "a", score: 9 }, { id: "b", score: 1 }] },
 *     { name: "vector", weight: 0.5, items: [{ id: "b", score: 0.8 }] },
 *   ]);
 *   // a: 0.5 × 1 = 0.5; b: 0.5 × 0 + 0.5 × 1 = 0.5; tie broken by best rank (both 1), then id: a, b
 */
export function weightedScoreFusion(lists: readonly RankedList[]): FusedItem[] {
  return fuse(lists, (signal, weight) => weight * signal.normalised);
}

interface Entry {
  readonly id: string;
  score: number;
  bestRank: number;
  readonly signals: Record<string, FusionSignal | undefined>;
}

function fuse(
  lists: readonly RankedList[],
  contribution: (signal: FusionSignal, weight: number) => number,
): FusedItem[] {
  const names = new Set<string>();
  for (const list of lists) {
    if (names.has(list.name)) throw new RangeError(`fuse: duplicate list name "${list.name}"`);
    if (!Number.isFinite(list.weight) || list.weight < 0) {
      throw new RangeError(
        `fuse: weight of list "${list.name}" must be a finite number >= 0, got ${list.weight}`,
      );
    }
    names.add(list.name);
  }

  const entries = new Map<string, Entry>();
  for (const list of lists) {
    for (const [id, signal] of signalsOf(list)) {
      let entry = entries.get(id);
      if (!entry) {
        entry = { id, score: 0, bestRank: Number.POSITIVE_INFINITY, signals: emptySignals(names) };
        entries.set(id, entry);
      }
      entry.signals[list.name] = signal;
      entry.score += contribution(signal, list.weight);
      entry.bestRank = Math.min(entry.bestRank, signal.rank);
    }
  }

  return [...entries.values()]
    .sort((a, b) => b.score - a.score || a.bestRank - b.bestRank || compareIds(a.id, b.id))
    .map(({ id, score, signals }) => ({ id, score, signals }));
}

/** Cleans one list (finite scores, one entry per id) and computes rank and normalised score per id. */
function signalsOf(list: RankedList): Map<string, FusionSignal> {
  const best = new Map<string, number>();
  for (const { id, score } of list.items) {
    if (!Number.isFinite(score)) continue;
    const previous = best.get(id);
    if (previous === undefined || score > previous) best.set(id, score);
  }
  const scores = [...best.values()].sort((a, b) => b - a);
  const max = scores[0];
  const min = scores[scores.length - 1];
  const signals = new Map<string, FusionSignal>();
  if (max === undefined || min === undefined) return signals;

  // Competition rank = 1 + number of strictly better scores; scores are sorted desc.
  const rankOf = new Map<number, number>();
  scores.forEach((score, i) => {
    if (!rankOf.has(score)) rankOf.set(score, i + 1);
  });
  for (const [id, raw] of best) {
    signals.set(id, { rank: rankOf.get(raw) ?? scores.length, raw, normalised: normalise(raw, min, max) });
  }
  return signals;
}

/** Min-max normalisation guarded against a zero range and against `max - min` overflowing to Infinity. */
function normalise(score: number, min: number, max: number): number {
  if (max === min) return 1;
  const range = max - min;
  const value = Number.isFinite(range) ? (score - min) / range : (score / 2 - min / 2) / (max / 2 - min / 2);
  return Math.min(1, Math.max(0, value));
}

function emptySignals(names: ReadonlySet<string>): Record<string, FusionSignal | undefined> {
  // Object.fromEntries defines own properties, so a list named "__proto__" stays an ordinary key.
  return Object.fromEntries([...names].map((name) => [name, undefined]));
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
