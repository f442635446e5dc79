import type { Command } from "commander";
import { loadConfig } from "../../config/index.js";
import { startServer } from "../../main.js";

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("Run the Openground server (configured by environment variables; see README)")
    .action(async () => {
      await startServer(loadConfig());
    });
}
