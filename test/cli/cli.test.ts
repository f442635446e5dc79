import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GroundXClient } from "../helpers/server.js";

const root = path.resolve(import.meta.dirname, "../..");
const cli = path.join(root, "src/cli/main.ts");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI from source (tsx), as `openground ...` would run the build. */
function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", cli, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Start `openground serve` and wait until it listens. */
async function serve(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; output: () => string; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, ["--import", "tsx", cli, "serve"], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
  const deadline = Date.now() + 20_000;
  while (!output.includes("Server listening")) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => output, exit };
}

describe("openground CLI", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openground-cli-"));
  });
  afterEach(async () => fs.rm(dataDir, { recursive: true, force: true }));

  it("account create prints the new account's key as JSON", async () => {
    const run = await runCli(
      ["account", "create", "--email", "ada@example.com", "--name", "Ada King Lovelace"],
      {
        OPENGROUND_DATA_DIR: dataDir,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as { email: string; apiKey: string };
    expect(printed.email).toBe("ada@example.com");
    expect(printed.apiKey).toMatch(/^[0-9a-f-]{36}$/);
    // The key is stored hashed: the plaintext appears nowhere in the data directory.
    const db = await fs.readFile(path.join(dataDir, "openground.db"));
    expect(db.includes(Buffer.from(printed.apiKey))).toBe(false);

    // The server on the same data directory accepts it and knows the name.
    const port = await freePort();
    const server = await serve({ OPENGROUND_DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1" });
    try {
      // An account existed already: no bootstrap key is generated.
      expect(server.output()).not.toContain("shown only now");
      const client = new GroundXClient({
        apiKey: printed.apiKey,
        environment: `http://127.0.0.1:${port}/api`,
        maxRetries: 0,
      });
      const { customer } = await client.customer.get();
      expect(customer).toMatchObject({ email: "ada@example.com", first: "Ada King", last: "Lovelace" });
    } finally {
      server.child.kill("SIGTERM");
      expect(await server.exit).toBe(0);
    }
  });

  it("rejects a bad e-mail and a missing option", async () => {
    const bad = await runCli(["account", "create", "--email", "nope"], { OPENGROUND_DATA_DIR: dataDir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/email must look like/);
    const missing = await runCli(["account", "create"], { OPENGROUND_DATA_DIR: dataDir });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--email/);
  });

  it("serve lists every configuration problem and exits non-zero", async () => {
    const run = await runCli(["serve"], {
      OPENGROUND_DATA_DIR: dataDir,
      PORT: "eighty",
      OPENGROUND_LOG_LEVEL: "chatty",
      OPENGROUND_ALLOW_PRIVATE_NETWORK: "perhaps",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/PORT/);
    expect(run.stderr).toMatch(/OPENGROUND_LOG_LEVEL/);
    expect(run.stderr).toMatch(/OPENGROUND_ALLOW_PRIVATE_NETWORK/);
  });

  it("serve prints a generated key once, answers /health and stops on SIGTERM", async () => {
    const port = await freePort();
    const env = { OPENGROUND_DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1" };
    const first = await serve(env);
    const key = /shown only now:\s+(\S+)/.exec(first.output())?.[1] ?? "";
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    try {
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const client = new GroundXClient({
        apiKey: key,
        environment: `http://127.0.0.1:${port}/api`,
        maxRetries: 0,
      });
      await client.buckets.create({ name: "survives restart" });
    } finally {
      first.child.kill("SIGTERM");
    }
    expect(await first.exit).toBe(0);

    const second = await serve(env);
    try {
      expect(second.output()).not.toContain("shown only now");
      const client = new GroundXClient({
        apiKey: key,
        environment: `http://127.0.0.1:${port}/api`,
        maxRetries: 0,
      });
      const { buckets } = await client.buckets.list();
      expect(buckets?.map((b) => b.name)).toEqual(["survives restart"]);
    } finally {
      second.child.kill("SIGINT");
    }
    expect(await second.exit).toBe(0);
  });

  it("OPENGROUND_API_KEY makes that key work on an empty data directory", async () => {
    const port = await freePort();
    const key = "0b8f2c55-9d1e-4a53-8a9f-0a4c2e6f1d77";
    const server = await serve({
      OPENGROUND_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      OPENGROUND_API_KEY: key,
    });
    try {
      expect(server.output()).not.toContain("shown only now");
      const client = new GroundXClient({
        apiKey: key,
        environment: `http://127.0.0.1:${port}/api`,
        maxRetries: 0,
      });
      expect((await client.customer.get()).customer.email).toBe("admin@openground.local");
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exit).toBe(0);
  });
});
