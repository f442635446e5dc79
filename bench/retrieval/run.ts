/**
 * SciFact retrieval quality: `npx tsx bench/retrieval/run.ts [modes...]`
 * (default: lexical dense hybrid). Prints nDCG@10 and Recall@100 beside the
 * published anchors.
 */
import { evaluateSciFact, type Mode } from "./scifact.js";

// --corpus N: the CI test's smaller corpus (every judged abstract, then the first others up to N).
const argv = process.argv.slice(2);
const sizeAt = argv.indexOf("--corpus");
const corpusSize = sizeAt >= 0 ? Number(argv[sizeAt + 1]) : undefined;
if (sizeAt >= 0) argv.splice(sizeAt, 2);
const modes = (argv.length > 0 ? argv : ["lexical", "dense", "hybrid"]) as Mode[];
// OPENGROUND_* variables of this shell configure the server (e.g. OPENGROUND_EMBEDDER=minilm-fp32).
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    (e): e is [string, string] => e[0].startsWith("OPENGROUND_") && e[1] !== undefined,
  ),
);
const result = await evaluateSciFact({
  modes,
  env,
  log: (line) => console.log(line),
  ...(corpusSize ? { corpusSize } : {}),
});

console.log(
  `\nBEIR SciFact test (300 queries, ${result.documents.toLocaleString("en")} abstracts), through POST /api/v1/search/{bucketId}`,
);
console.log("mode              nDCG@10  Recall@100  ms/query");
for (const [mode, r] of Object.entries(result.modes)) {
  console.log(
    `${mode.padEnd(16)}  ${r.ndcg10.toFixed(3)}    ${r.recall100.toFixed(3)}       ${r.msPerQuery.toFixed(1)}`,
  );
}
console.log("published anchors: BM25 0.665, all-MiniLM-L6-v2 0.645, bge-small-en-v1.5 0.713 (nDCG@10)");
console.log(
  `ingest: ${result.documents} documents in ${result.ingestSeconds.toFixed(1)} s (${(result.documents / result.ingestSeconds).toFixed(1)} documents/s)`,
);
