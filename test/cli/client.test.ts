/**
 * The HTTP client commands of the CLI (bucket, ingest, search, status, crawl), run as child
 * processes from source against an in-process server; plus the pure helpers they are built on.
 */
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchBySize, collectInputs, fileTypeOf } from "../../src/cli/client/files.js";
import { HttpClient, HttpError, normaliseBaseUrl } from "../../src/cli/client/http.js";
import { ProgressReporter, progressLine, table } from "../../src/cli/client/output.js";
import { freePort, startTestServer, type TestServer } from "../helpers/server.js";

const root = path.resolve(import.meta.dirname, "../..");
const cli = path.join(root, "src/cli/main.ts");
/** Sample documents, read in place (never copied into the repository). */
const DOCS = path.resolve(import.meta.dirname, "../../../shared/eval/documents");
const doc = (name: string): string => path.join(DOCS, name);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI from source with only the given OPENGROUND_* variables (stdout is a pipe, not a TTY). */
function runCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("OPENGROUND_")),
  ) as Record<string, string>;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", cli, ...args], {
      cwd: root,
      env: { ...base, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let server: TestServer;
let tmp: string;
let conn: string[];

beforeAll(async () => {
  server = await startTestServer();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "openground-cli-client-"));
  conn = ["--url", server.url, "--api-key", server.apiKey];
});
afterAll(async () => {
  await server?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe("client helpers", () => {
  it("normalises the server URL", () => {
    for (const raw of [
      "http://h:8080",
      "http://h:8080/",
      "http://h:8080/api",
      "http://h:8080/api/",
      "http://h:8080/api/v1",
      "http://h:8080/api/v1/",
      "h:8080",
    ]) {
      expect(normaliseBaseUrl(raw), raw).toBe("http://h:8080/api/v1");
    }
    expect(normaliseBaseUrl("https://api.groundx.ai/api")).toBe("https://api.groundx.ai/api/v1");
    expect(normaliseBaseUrl("https://example.com/prefix")).toBe("https://example.com/prefix/api/v1");
    expect(() => normaliseBaseUrl("ftp://h")).toThrow(/not an http/);
  });

  it("retries GETs on 429/5xx (never POSTs) and surfaces the server's message", async () => {
    const calls: string[] = [];
    let answers: Response[] = [];
    const fakeFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      calls.push(`${init?.method} ${String(input)} ${new Headers(init?.headers).get("x-api-key")}`);
      return answers.shift() ?? new Response("{}", { status: 500 });
    };
    const client = new HttpClient({ url: "http://h/api", apiKey: "k", retryDelayMs: 1, fetch: fakeFetch });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json", ...headers },
      });

    answers = [
      json(503, { message: "busy" }),
      json(429, {}, { "retry-after": "0" }),
      json(200, { buckets: [] }),
    ];
    expect(await client.listBuckets({ n: 5 })).toEqual({ buckets: [] });
    expect(calls).toEqual(Array(3).fill("GET http://h/api/v1/bucket?n=5 k"));

    calls.length = 0;
    answers = [json(503, { message: "busy" })];
    const failure = await client.createBucket("x").catch((error: unknown) => error);
    expect(calls).toHaveLength(1);
    expect(failure).toBeInstanceOf(HttpError);
    expect((failure as HttpError).message).toBe("busy (HTTP 503)");

    answers = [new Response("<html>gateway</html>", { status: 502, statusText: "Bad Gateway" })];
    await expect(client.createBucket("x")).rejects.toThrow("Bad Gateway (HTTP 502)");
  });

  it("maps extensions to document types and batches by count and bytes", () => {
    expect(
      ["a.md", "a.htm", "a.HTML", "a.jpeg", "a.tif", "a.heic", "a.pdf", "a.xyz"].map(fileTypeOf),
    ).toEqual(["txt", "txt", "txt", "jpg", "tiff", "heif", "pdf", undefined]);
    const sizes = (batches: { size: number }[][]) => batches.map((b) => b.map((i) => i.size));
    const items = [5, 5, 5, 5, 5].map((size) => ({ size }));
    expect(sizes(batchBySize(items, 2, 100))).toEqual([[5, 5], [5, 5], [5]]);
    expect(sizes(batchBySize(items, 50, 12))).toEqual([[5, 5], [5, 5], [5]]);
    expect(sizes(batchBySize([{ size: 30 }, { size: 1 }], 50, 10))).toEqual([[30], [1]]);
  });

  it("walks directories, skipping hidden entries and unsupported types", async () => {
    const dir = path.join(tmp, "walk");
    await fs.mkdir(path.join(dir, "sub"), { recursive: true });
    await fs.mkdir(path.join(dir, ".git"), { recursive: true });
    await fs.writeFile(path.join(dir, "b.txt"), "b");
    await fs.writeFile(path.join(dir, "sub", "a.md"), "a");
    await fs.writeFile(path.join(dir, ".hidden.txt"), "h");
    await fs.writeFile(path.join(dir, ".git", "c.txt"), "c");
    await fs.writeFile(path.join(dir, "d.exe"), "d");
    const inputs = await collectInputs([dir, path.join(dir, "b.txt"), "https://example.com/x.pdf"]);
    expect(inputs.files.map((f) => [f.fileName, f.fileType])).toEqual([
      ["b.txt", "txt"],
      ["a.md", "txt"],
    ]);
    expect(inputs.urls).toEqual(["https://example.com/x.pdf"]);
    expect(inputs.skipped).toEqual([path.join(dir, "d.exe")]);
    await expect(collectInputs([path.join(dir, "d.exe")])).rejects.toThrow(/unsupported file type \.exe/);
    await expect(collectInputs([path.join(dir, "missing.txt")])).rejects.toThrow(/no such file/);
  });

  it("draws progress in place on a terminal and as lines otherwise", () => {
    const state = { submitted: 2, toSubmit: 2, total: 2, complete: 1, errors: 0, cancelled: 0 };
    const capture = (isTTY: boolean) => {
      let text = "";
      const reporter = new ProgressReporter({ write: (s: string) => (text += s), isTTY, columns: 120 });
      reporter.update(state);
      reporter.update(state); // unchanged: not repeated
      reporter.update({ ...state, errors: 1 });
      reporter.finish();
      return text;
    };
    const plain = capture(false);
    expect(plain).not.toContain("\r");
    expect(plain.trim().split("\n")).toEqual([progressLine(state), progressLine({ ...state, errors: 1 })]);
    const live = capture(true);
    expect(live.match(/\r/g)).toHaveLength(2);
    expect(live).toContain("2/2 done");
    expect(live.endsWith("\n")).toBe(true);
    expect(table(["A", "B"], [["xx", "y z"]])).toBe("A   B\nxx  y z\n");
  });
});

describe("openground client commands", () => {
  let bucketId: number;
  let submitted: string[] = [];

  it("bucket create and bucket list (table, JSON, all pages)", async () => {
    const created = await runCli(["bucket", "create", "cli docs", ...conn]);
    expect(created.code, created.stderr).toBe(0);
    const id = /Created bucket (\d+): cli docs/.exec(created.stdout)?.[1];
    expect(id).toBeDefined();
    bucketId = Number(id);

    // The environment works as well as the options, with any form of the base URL.
    const env = { OPENGROUND_URL: `${server.url}/api/v1/`, OPENGROUND_API_KEY: server.apiKey };
    const [asJson, second] = await Promise.all([
      runCli(["bucket", "create", "second", "--json"], env),
      runCli(["bucket", "create", "third"], { ...env, OPENGROUND_URL: `${server.url}/api` }),
    ]);
    expect(asJson.code, asJson.stderr).toBe(0);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ name: "second", fileCount: 0, fileSize: "0B" });
    expect(second.code, second.stderr).toBe(0);

    const [listed, listedJson] = await Promise.all([
      runCli(["bucket", "list", ...conn]),
      runCli(["bucket", "list", "--json", "--page-size", "1", ...conn]),
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+NAME\s+FILES\s+SIZE$/);
    expect(lines[1]).toMatch(new RegExp(`^${bucketId}\\s+cli docs\\s+0\\s+0B$`));
    expect(lines).toHaveLength(4);
    expect(listedJson.code, listedJson.stderr).toBe(0);
    const all = JSON.parse(listedJson.stdout) as { buckets: { name: string }[] };
    // Created concurrently: the last two in either order.
    expect(all.buckets.map((b) => b.name).sort()).toEqual(["cli docs", "second", "third"]);
  });

  it("ingest --wait uploads files and a directory, shows line progress and a summary", async () => {
    const broken = path.join(tmp, "broken.json");
    await fs.writeFile(broken, '{"name": "broken", "values": [1, 2,');
    const dir = path.join(tmp, "notes");
    await fs.mkdir(dir);
    await fs.writeFile(
      path.join(dir, "zebras.md"),
      "# Zebra migration\n\nEvery year zebras migrate across the Serengeti in search of fresh grass.\n",
    );
    await fs.writeFile(
      path.join(dir, "tides.txt"),
      "Tides are caused by the gravitational pull of the moon.\n",
    );
    await fs.writeFile(path.join(dir, ".secret.txt"), "hidden");
    await fs.writeFile(path.join(dir, "program.exe"), "binary");

    const files = ["fake-text.txt", "stanley-cups.csv", "example-10k-1p.html", "fake-html.html"].map(doc);
    const run = await runCli([
      "ingest",
      ...files,
      broken,
      dir,
      "--bucket",
      String(bucketId),
      "--wait",
      "--batch",
      "3",
      "--poll-interval",
      "150",
      ...conn,
    ]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(2);
    expect(run.stdout).not.toContain("\r");
    expect(run.stdout).toMatch(/^progress: 7\/7 submitted, 7\/7 documents finished/m);
    expect(run.stdout).toContain("Submitted 7 documents to bucket");
    expect(run.stdout).toMatch(/^Done: 6 complete, 1 error, 0 cancelled \(7 documents in 3 processes\)$/m);
    const table = run.stdout.slice(run.stdout.indexOf("Failed documents:"));
    expect(table).toMatch(/^FILE\s+STATUS\s+MESSAGE$/m);
    expect(table).toMatch(/^broken\.json\s+error\s+\S.*json/im);
    expect(run.stderr).toContain("skipped 1 unsupported file(s)");
    expect(run.stderr).toContain("program.exe");
    submitted = [...new Set(run.stdout.slice(0, run.stdout.indexOf("Done:")).match(UUID) ?? [])];
    expect(submitted).toHaveLength(3);

    // The directory was walked: its two visible files are in the bucket, the hidden one is not.
    const lookup = await server.api(`/ingest/documents/${bucketId}?n=100`);
    const names = ((await lookup.json()) as { documents: { fileName: string }[] }).documents.map(
      (d) => d.fileName,
    );
    expect(names.sort()).toEqual(
      [
        "broken.json",
        "example-10k-1p.html",
        "fake-html.html",
        "fake-text.txt",
        "stanley-cups.csv",
        "tides.txt",
        "zebras.md",
      ].sort(),
    );
  }, 60_000);

  it("search prints ranked chunks; --json prints the raw response", async () => {
    const [human, json] = await Promise.all([
      runCli(["search", "Maple Leafs Stanley Cups", "--bucket", String(bucketId), ...conn]),
      runCli([
        "search",
        "zebras migrate Serengeti",
        "--bucket",
        String(bucketId),
        "--json",
        "--n",
        "3",
        ...conn,
      ]),
    ]);
    expect(human.code, human.stderr).toBe(0);
    const first = human.stdout.split("\n")[0] ?? "";
    expect(first).toMatch(/^1\. stanley-cups\.csv {2}score \d+\.\d {2}page 1$/);
    expect(human.stdout.split("\n")[1]).toMatch(/^ {3}\S.*Maple Leafs/);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { search: { results: { fileName: string }[] } };
    expect(parsed.search.results[0]?.fileName).toBe("zebras.md");
    expect(parsed.search.results.length).toBeLessThanOrEqual(3);
  });

  it("status shows the totals and the failed documents", async () => {
    const runs = await Promise.all(submitted.map((id) => runCli(["status", id, ...conn])));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const withError = runs.find((run) => run.stdout.includes("broken.json"));
    expect(withError?.stdout).toMatch(/^Process [0-9a-f-]{36}: complete$/m);
    expect(withError?.stdout).toMatch(/^ {2}complete:\s+2$/m);
    expect(withError?.stdout).toMatch(/^ {2}errors:\s+1$/m);
    expect(withError?.stdout).toMatch(/^ {2}total:\s+3$/m);
    expect(withError?.stdout).toMatch(/^broken\.json\s+error\s+/m);
    const json = await runCli(["status", submitted[0] ?? "", "--json", ...conn]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ingest: { processId: submitted[0], status: "complete" },
    });
  });

  it("reports a missing key, server errors and an unreachable server clearly", async () => {
    const port = await freePort();
    const [noKey, ingestUnknown, searchUnknown, badProcess, unreachable, badCrawl] = await Promise.all([
      runCli(["bucket", "list", "--url", server.url]),
      runCli(["ingest", doc("fake-text.txt"), "--bucket", "999999", ...conn]),
      runCli(["search", "anything", "--bucket", "999999", ...conn]),
      runCli(["status", "not-a-process", ...conn]),
      runCli(["bucket", "list", "--url", `http://127.0.0.1:${port}`, "--api-key", server.apiKey]),
      runCli(["crawl", "example.com", "--bucket", String(bucketId), ...conn]),
    ]);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toBe("openground: no API key: pass --api-key <key> or set OPENGROUND_API_KEY\n");
    expect(ingestUnknown.code).toBe(1);
    expect(ingestUnknown.stderr).toMatch(/^openground: bucketId 999999 was not found \(HTTP 404\)$/m);
    expect(searchUnknown.code).toBe(1);
    expect(searchUnknown.stderr).toMatch(/^openground: .*999999.* \(HTTP 404\)$/m);
    expect(badProcess.code).toBe(1);
    expect(badProcess.stderr).toMatch(/processId.*\(HTTP 400\)/);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(
      `openground: cannot reach http://127.0.0.1:${port}/api/v1: connection refused\n`,
    );
    expect(badCrawl.code).toBe(1);
    expect(badCrawl.stderr).toMatch(/must be an http\(s\) URL/);
  });
});
