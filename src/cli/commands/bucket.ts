import type { Command } from "commander";
import {
  type ConnectionOptions,
  clientFor,
  jsonOut,
  positiveInt,
  runClientCommand,
  withConnectionOptions,
} from "../client/options.js";
import { table } from "../client/output.js";
import type { BucketDetail } from "../client/types.js";

interface JsonOption extends ConnectionOptions {
  json?: boolean;
}

interface ListOptions extends JsonOption {
  pageSize: number;
}

/** `openground bucket create <name>` and `openground bucket list` (CONTRACT.md §7). */
export function registerBucket(program: Command): void {
  const bucket = program.command("bucket").description("Create and list buckets on a server");
  withConnectionOptions(
    bucket
      .command("create")
      .description("Create a bucket and print its id")
      .argument("<name>", "bucket name")
      .option("--json", "print the bucket object"),
  ).action((name: string, options: JsonOption) =>
    runClientCommand(async () => {
      const client = clientFor(options);
      const { bucket: created } = await client.createBucket(name);
      if (options.json) jsonOut(created);
      else process.stdout.write(`Created bucket ${created.bucketId}: ${created.name ?? name}\n`);
      return 0;
    }),
  );
  withConnectionOptions(
    bucket
      .command("list")
      .description("List all buckets (id, name, files, size)")
      .option("--json", "print the buckets as JSON")
      .option("--page-size <n>", "buckets asked per request (all pages are followed)", positiveInt, 100),
  ).action((options: ListOptions) =>
    runClientCommand(async () => {
      const client = clientFor(options);
      const buckets: BucketDetail[] = [];
      let nextToken: string | undefined;
      const seen = new Set<string>();
      do {
        const page = await client.listBuckets({ n: options.pageSize, ...(nextToken ? { nextToken } : {}) });
        buckets.push(...(page.buckets ?? []));
        nextToken = page.nextToken;
        // A server repeating a token would loop forever.
        if (nextToken && seen.has(nextToken)) break;
        if (nextToken) seen.add(nextToken);
      } while (nextToken);
      if (options.json) jsonOut({ buckets, total: buckets.length });
      else if (buckets.length === 0) process.stdout.write("No buckets.\n");
      else {
        process.stdout.write(
          table(
            ["ID", "NAME", "FILES", "SIZE"],
            buckets.map((b) => [
              String(b.bucketId),
              b.name ?? "",
              String(b.fileCount ?? 0),
              b.fileSize ?? "",
            ]),
          ),
        );
      }
      return 0;
    }),
  );
}
