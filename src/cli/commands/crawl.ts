import type { Command } from "commander";
import { isUrl } from "../client/files.js";
import { followProcesses, followReport } from "../client/follow.js";
import { ClientError } from "../client/http.js";
import {
  type ConnectionOptions,
  clientFor,
  jsonOut,
  nonNegativeInt,
  positiveInt,
  runClientCommand,
  withConnectionOptions,
} from "../client/options.js";
import { ProgressReporter } from "../client/output.js";

interface CrawlOptions extends ConnectionOptions {
  bucket: number;
  depth?: number;
  cap?: number;
  wait?: boolean;
  pollInterval: number;
  json?: boolean;
}

/** `openground crawl <url> --bucket ID [--depth N] [--cap N] [--wait]` (CONTRACT.md §4.3). */
export function registerCrawl(program: Command): void {
  withConnectionOptions(
    program
      .command("crawl")
      .description("Crawl a web site into a bucket (one document per page)")
      .argument("<url>", "start page (http or https)")
      .requiredOption("--bucket <id>", "bucket id", positiveInt)
      .option(
        "--depth <n>",
        "maximum link depth from the start page (server default if omitted)",
        nonNegativeInt,
      )
      .option("--cap <n>", "maximum number of pages (server default if omitted)", positiveInt)
      .option("--wait", "wait until every page is processed, showing progress")
      .option("--poll-interval <ms>", "how often --wait asks for progress", positiveInt, 2000)
      .option("--json", "print JSON (progress goes to stderr)"),
  ).action((url: string, options: CrawlOptions) => runClientCommand(() => crawl(url, options)));
}

async function crawl(url: string, options: CrawlOptions): Promise<number> {
  const client = clientFor(options);
  if (!isUrl(url)) throw new ClientError(`${url}: the start page must be an http(s) URL`);
  const { ingest } = await client.crawlWebsite({
    bucketId: options.bucket,
    sourceUrl: url,
    ...(options.depth !== undefined ? { depth: options.depth } : {}),
    ...(options.cap !== undefined ? { cap: options.cap } : {}),
  });
  if (!options.json) process.stdout.write(`Crawl of ${url} submitted: process ${ingest.processId}\n`);
  if (!options.wait) {
    if (options.json) jsonOut({ bucketId: options.bucket, sourceUrl: url, processId: ingest.processId });
    return 0;
  }
  const reporter = new ProgressReporter(options.json ? process.stderr : process.stdout);
  const result = await followProcesses(client, [ingest.processId], {
    intervalMs: options.pollInterval,
    reporter,
    submitted: 1,
    expected: 0,
  });
  if (options.json) {
    jsonOut({
      bucketId: options.bucket,
      sourceUrl: url,
      processId: ingest.processId,
      complete: result.totals.complete,
      errors: result.totals.errors,
      cancelled: result.totals.cancelled,
      failed: result.failed,
    });
  } else process.stdout.write(followReport(result));
  return result.exitCode;
}
