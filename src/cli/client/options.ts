/** Options and error handling shared by the commands that talk to a server over HTTP. */
import { type Command, InvalidArgumentError, Option } from "commander";
import { ClientError, DEFAULT_URL, HttpClient } from "./http.js";

export interface ConnectionOptions {
  url?: string;
  apiKey?: string;
}

/** `--url` (env OPENGROUND_URL) and `--api-key` (env OPENGROUND_API_KEY). */
export function withConnectionOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--url <url>",
        `server URL: http://host:port, …/api or …/api/v1 (default: ${DEFAULT_URL})`,
      ).env("OPENGROUND_URL"),
    )
    .addOption(new Option("--api-key <key>", "API key sent as X-API-Key").env("OPENGROUND_API_KEY"));
}

/** A client for the connection options; a missing key is a clear error. */
export function clientFor(options: ConnectionOptions): HttpClient {
  const apiKey = options.apiKey?.trim();
  if (!apiKey) {
    throw new ClientError("no API key: pass --api-key <key> or set OPENGROUND_API_KEY");
  }
  const url = options.url?.trim() || DEFAULT_URL;
  return new HttpClient({ url, apiKey });
}

/**
 * Run a command body: its result is the exit code (0 when undefined). A ClientError (HTTP error,
 * network error, bad input) is printed as `openground: <message>` and exits 1.
 */
export async function runClientCommand(body: () => Promise<number | undefined>): Promise<void> {
  try {
    const code = await body();
    if (code) process.exitCode = code;
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    process.stderr.write(`openground: ${error.message}\n`);
    process.exitCode = 1;
  }
}

/** Commander parser of a positive integer option. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError("must be a positive integer");
  }
  return n;
}

/** Commander parser of a non-negative integer option. */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError("must be a non-negative integer");
  }
  return n;
}

/** Commander parser of a non-negative number option. */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError("must be a non-negative number");
  }
  return n;
}

export const jsonOut = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};
