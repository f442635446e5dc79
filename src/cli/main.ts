#!/usr/bin/env node
import { Command } from "commander";
import { ConfigError } from "../config/index.js";
import { registerAccount, UsageError } from "./commands/account.js";
import { registerBucket } from "./commands/bucket.js";
import { registerCrawl } from "./commands/crawl.js";
import { registerIngest } from "./commands/ingest.js";
import { registerSearch } from "./commands/search.js";
import { registerServe } from "./commands/serve.js";
import { registerStatus } from "./commands/status.js";

const program = new Command()
  .name("openground")
  .description("Self-hosted retrieval-augmented generation that speaks the GroundX REST API")
  .showHelpAfterError();

registerServe(program);
registerAccount(program);
registerBucket(program);
registerIngest(program);
registerCrawl(program);
registerSearch(program);
registerStatus(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof UsageError) {
    process.stderr.write(`openground: ${error.message}\n`);
  } else {
    process.stderr.write(
      `openground: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
