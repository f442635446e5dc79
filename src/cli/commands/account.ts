import type { Command } from "commander";
import { loadConfig } from "../../config/index.js";
import { createAccount, emailProblem } from "../../services/accounts.js";
import { createStores } from "../../store/index.js";

/** `openground account create --email E [--name N]` (CONTRACT.md D5): works on the data directory directly. */
export function registerAccount(program: Command): void {
  const account = program.command("account").description("Manage accounts in the local data directory");
  account
    .command("create")
    .description('Create an account and print {"email","apiKey"} as JSON (the key is shown only here)')
    .requiredOption("--email <email>", "e-mail address of the account")
    .option("--name <name>", "full name (first and last)")
    .action(async (options: { email: string; name?: string }) => {
      const problem = emailProblem(options.email);
      if (problem) throw new UsageError(problem);
      // A one-shot command: no in-memory search index to build.
      const stores = createStores({ dataDir: loadConfig().dataDir, search: { memoryChunks: 0 } });
      try {
        const created = await createAccount(stores.metadata, { email: options.email, name: options.name });
        process.stdout.write(`${JSON.stringify({ email: created.account.email, apiKey: created.apiKey })}\n`);
      } finally {
        await stores.close();
      }
    });
}

/** A mistake in the command line: printed without a stack trace. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
