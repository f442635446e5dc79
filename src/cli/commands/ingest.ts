import { type Command, Option } from "commander";
import { batchBySize, collectInputs, multipartBody } from "../client/files.js";
import { followProcesses, followReport } from "../client/follow.js";
import { ClientError } from "../client/http.js";
import {
  type ConnectionOptions,
  clientFor,
  jsonOut,
  positiveInt,
  runClientCommand,
  withConnectionOptions,
} from "../client/options.js";
import { ProgressReporter, table } from "../client/output.js";

interface IngestOptions extends ConnectionOptions {
  bucket: number;
  wait?: boolean;
  processLevel?: "full" | "none";
  batch: number;
  pollInterval: number;
  json?: boolean;
}

/** Bytes of files sent in one multipart request (the server limits files, not requests). */
const MAX_BATCH_BYTES = 50 * 1024 * 1024;

interface Submitted {
  processId: string;
  documents: number;
}

/** `openground ingest <paths...> --bucket ID [--wait]`: local files (multipart, §4.2) and URLs (§4.1). */
export function registerIngest(program: Command): void {
  withConnectionOptions(
    program
      .command("ingest")
      .description(
        "Upload files and directories (walked recursively for supported types) or ingest http(s) URLs into a bucket",
      )
      .argument("<paths...>", "files, directories or http(s) URLs")
      .requiredOption("--bucket <id>", "bucket id", positiveInt)
      .option("--wait", "wait until every document is processed, showing progress")
      .addOption(
        new Option("--process-level <level>", "full (default) or none: no enrichment").choices([
          "full",
          "none",
        ]),
      )
      .option("--batch <n>", "documents per request", positiveInt, 50)
      .option("--poll-interval <ms>", "how often --wait asks for progress", positiveInt, 2000)
      .option("--json", "print a JSON summary (progress goes to stderr)"),
  ).action((paths: string[], options: IngestOptions) => runClientCommand(() => ingest(paths, options)));
}

async function ingest(paths: readonly string[], options: IngestOptions): Promise<number> {
  const client = clientFor(options);
  const inputs = await collectInputs(paths);
  const progressOut = options.json ? process.stderr : process.stdout;
  const reporter = new ProgressReporter(progressOut);

  if (inputs.skipped.length > 0) {
    const shown = inputs.skipped.slice(0, 10).join(", ");
    const more = inputs.skipped.length > 10 ? ` and ${inputs.skipped.length - 10} more` : "";
    process.stderr.write(
      `openground: skipped ${inputs.skipped.length} unsupported file(s): ${shown}${more}\n`,
    );
  }
  const toSubmit = inputs.files.length + inputs.urls.length;
  if (toSubmit === 0) throw new ClientError("nothing to ingest: no files of a supported type were found");

  const submitted: Submitted[] = [];
  let count = 0;
  const showUpload = (): void => {
    if (options.wait) {
      reporter.update({ submitted: count, toSubmit, total: toSubmit, complete: 0, errors: 0, cancelled: 0 });
    }
  };
  try {
    showUpload();
    for (const batch of batchBySize(inputs.files, options.batch, MAX_BATCH_BYTES)) {
      const form = await multipartBody(batch, options.bucket, options.processLevel);
      const { ingest: started } = await client.ingestLocal(form);
      submitted.push({ processId: started.processId, documents: batch.length });
      count += batch.length;
      showUpload();
    }
    for (let i = 0; i < inputs.urls.length; i += options.batch) {
      const urls = inputs.urls.slice(i, i + options.batch);
      const { ingest: started } = await client.ingestRemote(
        urls.map((sourceUrl) => ({
          bucketId: options.bucket,
          sourceUrl,
          ...(options.processLevel ? { processLevel: options.processLevel } : {}),
        })),
      );
      submitted.push({ processId: started.processId, documents: urls.length });
      count += urls.length;
      showUpload();
    }
  } catch (error) {
    reporter.finish();
    if (submitted.length > 0) {
      process.stderr.write(
        `openground: ${count} of ${toSubmit} documents were submitted before the failure:\n` +
          submitted.map((s) => `  ${s.processId}  ${s.documents} documents\n`).join(""),
      );
    }
    throw error;
  }

  const summary = {
    bucketId: options.bucket,
    submitted: count,
    processes: submitted,
    ...(inputs.skipped.length > 0 ? { skipped: inputs.skipped } : {}),
  };
  if (!options.json) {
    reporter.finish();
    const processes = submitted.length;
    process.stdout.write(
      `Submitted ${count} document${count === 1 ? "" : "s"} to bucket ${options.bucket} in ${processes} process${
        processes === 1 ? "" : "es"
      }:\n${table(
        ["PROCESS", "DOCUMENTS"],
        submitted.map((s) => [s.processId, String(s.documents)]),
      )}`,
    );
  }
  if (!options.wait) {
    if (options.json) jsonOut(summary);
    else if (submitted.length > 0) {
      process.stdout.write(`Follow with: openground status ${submitted[0]?.processId ?? "<processId>"}\n`);
    }
    return 0;
  }

  const result = await followProcesses(
    client,
    submitted.map((s) => s.processId),
    { intervalMs: options.pollInterval, reporter, submitted: count, expected: count },
  );
  if (options.json) {
    jsonOut({
      ...summary,
      complete: result.totals.complete,
      errors: result.totals.errors,
      cancelled: result.totals.cancelled,
      failed: result.failed,
    });
  } else process.stdout.write(followReport(result));
  return result.exitCode;
}
