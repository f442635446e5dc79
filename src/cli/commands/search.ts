import type { Command } from "commander";
import {
  type ConnectionOptions,
  clientFor,
  jsonOut,
  nonNegativeNumber,
  positiveInt,
  runClientCommand,
  withConnectionOptions,
} from "../client/options.js";
import { excerpt } from "../client/output.js";
import type { SearchResultItem } from "../client/types.js";

interface SearchOptions extends ConnectionOptions {
  bucket: string;
  n: number;
  relevance?: number;
  json?: boolean;
}

/** `openground search "<query>" --bucket ID` (CONTRACT.md §6.1). */
export function registerSearch(program: Command): void {
  withConnectionOptions(
    program
      .command("search")
      .description("Search a bucket (or a group or document) and print the ranked chunks")
      .argument("<query>", "what to look for")
      .requiredOption("--bucket <id>", "bucket id (a group id or a documentId also work)")
      .option("--n <n>", "number of results (1-100)", positiveInt, 10)
      .option("--relevance <r>", "minimum score of a result (server default 10)", nonNegativeNumber)
      .option("--json", "print the raw SearchResponse"),
  ).action((query: string, options: SearchOptions) => runClientCommand(() => search(query, options)));
}

/** "page 3", "pages 3-4", "pages 1, 3"; undefined when the result names no page. */
export function pagesLabel(result: SearchResultItem): string | undefined {
  const numbers = new Set<number>();
  for (const page of result.pages ?? []) if (typeof page.number === "number") numbers.add(page.number);
  if (numbers.size === 0) {
    for (const box of result.boundingBoxes ?? []) {
      if (typeof box.pageNumber === "number") numbers.add(box.pageNumber);
    }
  }
  const sorted = [...numbers].sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  if (sorted.length === 1) return `page ${sorted[0]}`;
  const first = sorted[0] ?? 0;
  const last = sorted.at(-1) ?? 0;
  const contiguous = last - first === sorted.length - 1;
  return `pages ${contiguous ? `${first}-${last}` : sorted.join(", ")}`;
}

async function search(query: string, options: SearchOptions): Promise<number> {
  const client = clientFor(options);
  const bucket = options.bucket.trim();
  const answer = await client.search(
    bucket,
    { query, ...(options.relevance !== undefined ? { relevance: options.relevance } : {}) },
    { n: options.n },
  );
  if (options.json) {
    jsonOut(answer);
    return 0;
  }
  const results = answer.search.results ?? [];
  if (results.length === 0) {
    process.stdout.write(`No results for "${query}" in ${bucket}.\n`);
    return 0;
  }
  const blocks = results.map((result, i) => {
    const score = typeof result.score === "number" ? result.score.toFixed(1) : "?";
    const pages = pagesLabel(result);
    const name = result.fileName ?? result.documentId ?? "(unnamed)";
    const head = `${i + 1}. ${name}  score ${score}${pages ? `  ${pages}` : ""}`;
    const text = excerpt(result.text ?? result.suggestedText ?? "");
    return text ? `${head}\n   ${text}\n` : `${head}\n`;
  });
  process.stdout.write(blocks.join("\n"));
  return 0;
}
