import type { Command } from "commander";
import {
  type ConnectionOptions,
  clientFor,
  jsonOut,
  runClientCommand,
  withConnectionOptions,
} from "../client/options.js";
import { failedDocuments, failedTable, totalsOf } from "../client/processes.js";

interface StatusOptions extends ConnectionOptions {
  json?: boolean;
}

/** `openground status <processId>` (CONTRACT.md §4.14). */
export function registerStatus(program: Command): void {
  withConnectionOptions(
    program
      .command("status")
      .description("Show an ingest process: its status, document counts and failed documents")
      .argument("<processId>", "process id returned by ingest or crawl")
      .option("--json", "print the raw IngestStatus"),
  ).action((processId: string, options: StatusOptions) => runClientCommand(() => status(processId, options)));
}

async function status(processId: string, options: StatusOptions): Promise<number> {
  const client = clientFor(options);
  const answer = await client.processStatus(processId);
  if (options.json) {
    jsonOut(answer);
    return 0;
  }
  const { ingest } = answer;
  const totals = totalsOf([ingest]);
  const rows: [string, number][] = [
    ["queued", totals.queued],
    ["processing", totals.processing],
    ["complete", totals.complete],
    ["errors", totals.errors],
    ["cancelled", totals.cancelled],
    ["total", totals.total],
  ];
  let text = `Process ${ingest.processId}: ${ingest.status}\n`;
  if (ingest.statusMessage) text += `Message: ${ingest.statusMessage}\n`;
  text += rows.map(([name, value]) => `  ${`${name}:`.padEnd(12)}${String(value).padStart(6)}\n`).join("");
  const failed = await failedDocuments(client, [ingest]);
  if (failed.length > 0) text += `\nFailed documents:\n${failedTable(failed)}`;
  process.stdout.write(text);
  return 0;
}
