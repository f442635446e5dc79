/**
 * BEIR SciFact through the HTTP API: one document per abstract, queried with
 * POST /api/v1/search/{bucketId}; nDCG@10 and Recall@100 per retrieval mode.
 * Shared by the benchmark (bench/retrieval/run.ts) and the CI floor test
 * (test/quality/scifact.test.ts). The data is read from ../shared/eval.
 */
import fs from "node:fs";
import path from "node:path";
import { startTestServer } from "../../test/helpers/server.js";

export const SCIFACT_DIR = path.resolve(import.meta.dirname, "../../../shared/eval/beir-scifact");

export type Mode = "hybrid" | "lexical" | "dense";

export interface ModeResult {
  readonly ndcg10: number;
  readonly recall100: number;
  readonly queries: number;
  readonly msPerQuery: number;
}

export interface SciFactResult {
  readonly documents: number;
  readonly ingestSeconds: number;
  readonly modes: Partial<Record<Mode, ModeResult>>;
}

interface Doc {
  _id: string;
  title: string;
  text: string;
}

function readJsonl<T>(file: string): T[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);
}

export function loadSciFact() {
  const corpus = readJsonl<Doc>(path.join(SCIFACT_DIR, "corpus.jsonl"));
  const queries = readJsonl<{ _id: string; text: string }>(path.join(SCIFACT_DIR, "queries.test.jsonl"));
  const qrels = new Map<string, Map<string, number>>();
  const lines = fs.readFileSync(path.join(SCIFACT_DIR, "qrels/test.tsv"), "utf8").split("\n").slice(1);
  for (const line of lines) {
    const [q, d, s] = line.split("\t");
    if (!q || !d || !s) continue;
    const judged = qrels.get(q) ?? new Map<string, number>();
    judged.set(d, Number(s));
    qrels.set(q, judged);
  }
  return { corpus, queries: queries.filter((q) => qrels.has(q._id)), qrels };
}

/** nDCG@k with graded relevance (BEIR convention: gain = relevance). */
export function ndcgAt(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    dcg += (judged.get(id) ?? 0) / Math.log2(i + 2);
  });
  const ideal = [...judged.values()].sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((sum, rel, i) => sum + rel / Math.log2(i + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

export function recallAt(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  const relevant = [...judged].filter(([, rel]) => rel > 0).map(([id]) => id);
  if (relevant.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

/**
 * A smaller corpus for machines too slow to embed all 5,183 abstracts in a test run: every
 * abstract judged for a test query, then the others in corpus order up to `size`. The choice
 * never looks at a ranking, but the corpus has fewer distractors than the full one, so scores
 * on it run higher than the benchmark's.
 */
export function sciFactSubset(data: ReturnType<typeof loadSciFact>, size: number): Doc[] {
  const judged = new Set<string>();
  for (const query of data.queries) for (const id of data.qrels.get(query._id)?.keys() ?? []) judged.add(id);
  let others = Math.max(0, size - judged.size);
  return data.corpus.filter((doc) => {
    if (judged.has(doc._id)) return true;
    if (others === 0) return false;
    others--;
    return true;
  });
}

/** Run the evaluation; `log` receives progress lines. */
export async function evaluateSciFact(options: {
  modes: readonly Mode[];
  env?: Record<string, string>;
  log?: (line: string) => void;
  /** Ingest only this many abstracts (default: all 5,183); see {@link sciFactSubset}. */
  corpusSize?: number;
  /**
   * With `corpusSize`: once the subset is in, ingest the rest of the corpus too when its projected
   * time (the subset's rate) is within the seconds this returns (asked once the subset is in); the
   * result's `documents` tells which ran.
   */
  completeWithinSeconds?: () => number;
}): Promise<SciFactResult> {
  const log = options.log ?? (() => {});
  const full = loadSciFact();
  const { queries, qrels } = full;
  const corpus = options.corpusSize === undefined ? full.corpus : sciFactSubset(full, options.corpusSize);
  const server = await startTestServer(options.env ?? {});
  try {
    const headers = { "x-api-key": server.apiKey };
    const bucket = (await (
      await server.api("/bucket", { method: "POST", json: { name: "scifact" } })
    ).json()) as { bucket: { bucketId: number } };
    const bucketId = bucket.bucket.bucketId;

    const ingest = async (docs: readonly Doc[]): Promise<void> => {
      const processIds: string[] = [];
      for (let i = 0; i < docs.length; i += 50) {
        const form = new FormData();
        for (const doc of docs.slice(i, i + 50)) {
          form.append(
            "blob",
            new Blob([`${doc.title}\n\n${doc.text}`], { type: "text/plain" }),
            `${doc._id}.txt`,
          );
          form.append("metadata", JSON.stringify({ bucketId, fileName: `${doc._id}.txt`, fileType: "txt" }));
        }
        const response = await fetch(`${server.url}/api/v1/ingest/documents/local`, {
          method: "POST",
          headers,
          body: form,
        });
        if (!response.ok) throw new Error(`ingest failed: ${response.status} ${await response.text()}`);
        processIds.push(((await response.json()) as { ingest: { processId: string } }).ingest.processId);
      }
      for (const processId of processIds) {
        for (;;) {
          const status = (await (await server.api(`/ingest/${processId}`)).json()) as {
            ingest: { status: string; progress: { errors: { total: number } } };
          };
          if (["complete", "error", "cancelled"].includes(status.ingest.status)) {
            if (status.ingest.progress.errors.total > 0) throw new Error(`ingest errors in ${processId}`);
            break;
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };

    const started = performance.now();
    await ingest(corpus);
    let documents = corpus.length;
    let ingestSeconds = (performance.now() - started) / 1000;
    log(`ingested ${corpus.length} abstracts in ${ingestSeconds.toFixed(1)} s`);
    if (options.completeWithinSeconds !== undefined && corpus.length < full.corpus.length) {
      const inSubset = new Set(corpus.map((doc) => doc._id));
      const rest = full.corpus.filter((doc) => !inSubset.has(doc._id));
      const projected = (ingestSeconds / corpus.length) * rest.length;
      const budget = options.completeWithinSeconds();
      if (projected <= budget) {
        await ingest(rest);
        documents += rest.length;
        ingestSeconds = (performance.now() - started) / 1000;
        log(`ingested the other ${rest.length} abstracts too: ${documents} in ${ingestSeconds.toFixed(1)} s`);
      } else {
        log(
          `the other ${rest.length} abstracts would take about ${projected.toFixed(0)} s (over ${budget.toFixed(0)} s): evaluating on ${corpus.length}`,
        );
      }
    }

    const modes: Partial<Record<Mode, ModeResult>> = {};
    for (const mode of options.modes) {
      let ndcg = 0;
      let recall = 0;
      const modeStarted = performance.now();
      for (const query of queries) {
        const response = await server.api(`/search/${bucketId}?n=100`, {
          method: "POST",
          json: { query: query.text, relevance: 0, mode },
        });
        if (!response.ok) throw new Error(`search failed: ${response.status} ${await response.text()}`);
        const body = (await response.json()) as { search: { results?: { fileName: string }[] } };
        const ranked: string[] = [];
        for (const result of body.search.results ?? []) {
          const id = result.fileName.replace(/\.txt$/, "");
          if (!ranked.includes(id)) ranked.push(id);
        }
        const judged = qrels.get(query._id) ?? new Map();
        ndcg += ndcgAt(ranked, judged, 10);
        recall += recallAt(ranked, judged, 100);
      }
      const result: ModeResult = {
        ndcg10: ndcg / queries.length,
        recall100: recall / queries.length,
        queries: queries.length,
        msPerQuery: (performance.now() - modeStarted) / queries.length,
      };
      modes[mode] = result;
      log(
        `${mode}: nDCG@10 ${result.ndcg10.toFixed(4)}  Recall@100 ${result.recall100.toFixed(4)}  ${result.msPerQuery.toFixed(1)} ms/query`,
      );
    }
    return { documents, ingestSeconds, modes };
  } finally {
    await server.close();
  }
}
