/**
 * The presigned upload service (CONTRACT.md §14.3) driven the way the groundx
 * Python SDK drives it with `upload_api="http://HOST:PORT/upload/file"`:
 * GET presign (no key by default) → PUT the bytes with the returned headers
 * minus Gx-Hosted-Url → hosted URL from the PUT's GX-HOSTED-URL header (else the
 * presign's Gx-Hosted-Url, else the URL without its query) → remote ingest
 * (§4.1) of that URL. The server fetches its own public URL, a loopback address
 * here, hence OPENGROUND_ALLOW_PRIVATE_NETWORK=true.
 */
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestServer, type TestServer } from "../helpers/server.js";
import {
  allDocuments,
  type MessageBody,
  readJson,
  sample,
  sleep,
  waitForProcess,
  type XRay,
} from "./support.js";

interface Presign {
  URL: string;
  Header: Record<string, string[]>;
  Method: string;
}

/** The SDK's suffix aliases (§14.2). */
const SUFFIX_ALIASES: Record<string, string> = {
  jfi: "jpg",
  jfif: "jpg",
  jpe: "jpg",
  jpeg: "jpg",
  heic: "heif",
  tif: "tiff",
  md: "txt",
};

const presignUrl = (uploadApi: string, name: string, type: string) =>
  `${uploadApi}?${new URLSearchParams({ name, type }).toString()}`;

/** One local file through the upload service, step by step as the Python SDK's `_upload_file` does it. */
async function sdkUpload(
  uploadApi: string,
  file: string,
  presignHeaders: Record<string, string> = {},
): Promise<{ hostedUrl: string; presign: Presign; putResponse: Response }> {
  const name = path.basename(file);
  const suffix = path.extname(name).slice(1).toLowerCase();
  const type = SUFFIX_ALIASES[suffix] ?? suffix;
  const presigned = await fetch(presignUrl(uploadApi, name, type), { headers: presignHeaders });
  expect(presigned.status, await presigned.clone().text()).toBe(200);
  const presign = (await presigned.json()) as Presign;
  expect(presign.Method.toUpperCase()).toBe("PUT");

  const headers: Record<string, string> = {};
  let presignHosted: string | undefined;
  for (const [key, value] of Object.entries(presign.Header)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first !== "string") continue;
    if (key.toLowerCase() === "gx-hosted-url") presignHosted = first;
    else headers[key] = first;
  }
  const putResponse = await fetch(presign.URL, {
    method: "PUT",
    headers,
    body: fs.readFileSync(file),
  });
  expect([200, 201], await putResponse.clone().text()).toContain(putResponse.status);
  const hostedUrl =
    putResponse.headers.get("gx-hosted-url") ??
    presignHosted ??
    `${new URL(presign.URL).origin}${new URL(presign.URL).pathname}`;
  return { hostedUrl, presign, putResponse };
}

async function presign(
  server: TestServer,
  query: Record<string, string>,
  headers: Record<string, string> = { "x-api-key": server.apiKey },
): Promise<{ status: number; body: Presign & MessageBody }> {
  return readJson<Presign & MessageBody>(
    fetch(`${server.url}/upload/file?${new URLSearchParams(query).toString()}`, { headers }),
  );
}

/** A request on a connection of its own, optionally with a chunked body (no Content-Length). */
function rawRequest(
  url: string,
  method: string,
  chunks: Buffer[],
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, agent: false }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
    for (const chunk of chunks) request.write(chunk);
    request.end();
  });
}

/** Run a Python snippet asynchronously (the server under test lives in this process). */
function runPython(script: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("python3", ["-c", script, ...args], { timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ ok: !error, stdout, stderr }),
    );
  });
}

const STANLEY = sample("stanley-cups.csv");
const FAKE_TEXT = sample("fake-text.txt");
const BASE_ENV = { OPENGROUND_EMBEDDER: "none", OPENGROUND_WORKERS: "2" };

describe("presigned upload service (§14.3), keyed", () => {
  let server: TestServer;
  let client: Client;
  let uploadApi: string;

  beforeAll(async () => {
    server = await startTestServer({ ...BASE_ENV, OPENGROUND_ALLOW_PRIVATE_NETWORK: "true" });
    client = server.client();
    uploadApi = `${server.url}/upload/file`;
  });
  afterAll(async () => {
    await server?.close();
  });

  it("presign → PUT → remote ingest of the hosted URL, as the Python SDK does it", async () => {
    const bucketId = (await client.buckets.create({ name: "uploads" })).bucket.bucketId;
    const { hostedUrl, presign, putResponse } = await sdkUpload(uploadApi, STANLEY, {
      "x-api-key": server.apiKey,
    });

    // Wire format of the presign and the PUT answer.
    expect(Object.keys(presign).sort()).toEqual(["Header", "Method", "URL"]);
    expect(presign.Method).toBe("PUT");
    expect(presign.URL).toMatch(new RegExp(`^${server.url}/upload/file/[0-9a-f-]{36}/[A-Za-z0-9_-]{43}$`));
    expect(presign.Header["Content-Type"]).toEqual(["text/csv"]);
    expect(presign.Header["Gx-Hosted-Url"]).toEqual([`${presign.URL}/stanley-cups.csv`]);
    expect(hostedUrl).toBe(`${presign.URL}/stanley-cups.csv`);
    expect(await putResponse.json()).toEqual({ url: hostedUrl });

    // The hosted URL serves the exact bytes without a key.
    const hosted = await fetch(hostedUrl);
    expect(hosted.status).toBe(200);
    expect(hosted.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(hosted.headers.get("content-disposition")).toBe("inline; filename*=UTF-8''stanley-cups.csv");
    expect(Buffer.from(await hosted.arrayBuffer()).equals(fs.readFileSync(STANLEY))).toBe(true);

    // Remote ingest as the SDK sends it for a .csv: fileName from the path, no fileType.
    const ingest = await readJson<{ ingest: { processId: string; status: string } }>(
      server.api("/ingest/documents/remote", {
        method: "POST",
        json: { documents: [{ bucketId, fileName: "stanley-cups.csv", sourceUrl: hostedUrl }] },
      }),
    );
    expect(ingest.status).toBe(200);
    const status = await waitForProcess(client, ingest.body.ingest.processId);
    expect(status.status, status.statusMessage).toBe("complete");
    const [document] = allDocuments(status);
    expect(document?.fileName).toBe("stanley-cups.csv");
    expect(document?.fileType).toBe("csv");

    const xray = await readJson<XRay>(server.api(`/ingest/document/xray/${document?.documentId}`));
    expect(xray.status).toBe(200);
    const text = xray.body.chunks.map((c) => `${c.text ?? ""}\n${c.suggestedText ?? ""}`).join("\n");
    expect(text).toContain("Maple Leafs");
    expect(text).toContain("TOR");
  });

  it("refuses a presign without a key (anonymous uploads off) or with an unknown key: 401", async () => {
    const none = await presign(server, { name: "a.pdf", type: "pdf" }, {});
    expect(none.status).toBe(401);
    expect(none.body.code).toBe("UNAUTHORIZED");
    expect(none.body.message).toContain("X-API-Key");
    expect(none.body.message).toContain("OPENGROUND_ANONYMOUS_UPLOADS=true");

    const unknown = await presign(
      server,
      { name: "a.pdf", type: "pdf" },
      { "x-api-key": "not-a-key-at-all" },
    );
    expect(unknown.status).toBe(401);
  });

  it("accepts the key as Basic credentials, as Python requests sends http://key:KEY@host/upload/file", async () => {
    for (const credentials of [`key:${server.apiKey}`, `${server.apiKey}:`]) {
      const basic = `Basic ${Buffer.from(credentials).toString("base64")}`;
      expect((await presign(server, { name: "a.pdf", type: "pdf" }, { authorization: basic })).status).toBe(
        200,
      );
    }
    const wrong = `Basic ${Buffer.from("nobody:").toString("base64")}`;
    expect((await presign(server, { name: "a.pdf", type: "pdf" }, { authorization: wrong })).status).toBe(
      401,
    );
  });

  it("validates name and type: 400 naming the field", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ type: "pdf" }, "name"],
      [{ name: "", type: "pdf" }, "name"],
      [{ name: "dir/a.pdf", type: "pdf" }, "name"],
      [{ name: "dir\\a.pdf", type: "pdf" }, "name"],
      [{ name: "a\u0000.pdf", type: "pdf" }, "name"],
      [{ name: "..", type: "pdf" }, "name"],
      [{ name: "x".repeat(1025), type: "pdf" }, "name"],
      [{ name: "a.exe", type: "exe" }, "type"],
      [{ name: "no-extension" }, "type"],
    ];
    for (const [query, field] of cases) {
      const { status, body } = await presign(server, query);
      expect(status, JSON.stringify(query)).toBe(400);
      expect(body.message.startsWith(`${field}:`), body.message).toBe(true);
    }
    // Aliases and a type taken from the name are fine.
    const alias = await presign(server, { name: "photo.JPEG", type: "jpeg" });
    expect(alias.body.Header["Content-Type"]).toEqual(["image/jpeg"]);
    const fromName = await presign(server, { name: "notes.md" });
    expect(fromName.body.Header["Content-Type"]).toEqual(["text/plain"]);
    const unicode = await presign(server, { name: "Résumé 2024 (final).pdf", type: "pdf" });
    expect(unicode.body.Header["Gx-Hosted-Url"]?.[0]).toBe(
      `${unicode.body.URL}/${encodeURIComponent("Résumé 2024 (final).pdf")}`,
    );
  });

  it("answers 404 for a wrong token, an unknown or malformed id, and a hosted URL before the PUT", async () => {
    const { body } = await presign(server, { name: "fake-text.txt", type: "txt" });
    const hosted = body.Header["Gx-Hosted-Url"]?.[0] ?? "";
    expect((await fetch(hosted)).status).toBe(404); // nothing stored yet

    const [, id, token] = /\/upload\/file\/([^/]+)\/([^/]+)$/.exec(body.URL) ?? [];
    const wrongToken = `${server.url}/upload/file/${id}/${"A".repeat(token?.length ?? 43)}`;
    const unknownId = `${server.url}/upload/file/00000000-0000-4000-8000-000000000000/${token}`;
    const malformed = `${server.url}/upload/file/not-a-uuid/${token}`;
    for (const url of [wrongToken, unknownId, malformed]) {
      const put = await readJson<MessageBody>(fetch(url, { method: "PUT", body: "hello" }));
      expect(put.status, url).toBe(404);
      expect(put.body.code).toBe("FILE_NOT_FOUND");
    }

    expect((await fetch(body.URL, { method: "PUT", body: "hello" })).status).toBe(200);
    expect((await fetch(hosted)).status).toBe(200);
    expect((await fetch(`${wrongToken}/fake-text.txt`)).status).toBe(404);
  });

  it("replaces the bytes on a second PUT, stores JSON raw, and tolerates the older SDK's header style", async () => {
    const { body } = await presign(server, { name: "data.json", type: "json" });
    // Older SDKs upper-case the header names and send GX-HOSTED-URL along with the PUT.
    const headers = {
      "CONTENT-TYPE": body.Header["Content-Type"]?.[0] ?? "",
      "GX-HOSTED-URL": body.Header["Gx-Hosted-Url"]?.[0] ?? "",
    };
    expect((await fetch(body.URL, { method: "PUT", headers, body: '{"first": null}' })).status).toBe(200);
    const second = await fetch(body.URL, { method: "PUT", headers, body: '{"second": true}' });
    expect(second.status).toBe(200);
    expect(second.headers.get("gx-hosted-url")).toBe(body.Header["Gx-Hosted-Url"]?.[0]);
    const hosted = await fetch(body.Header["Gx-Hosted-Url"]?.[0] ?? "");
    expect(hosted.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await hosted.text()).toBe('{"second": true}');
  });

  const python = spawnSync("python3", ["-c", "import requests"], { encoding: "utf8" });
  it.skipIf(python.status !== 0)(
    "works from Python requests with the key in the upload_api URL (as SDK code calls it)",
    async () => {
      // Not the SDK (PyPI is not reachable here): its three upload calls, written out with requests.
      const script = [
        "import json, os, sys, requests",
        "api, path = sys.argv[1], sys.argv[2]",
        "name = os.path.basename(path)",
        "info = requests.get(api, params={'name': name, 'type': name.rsplit('.', 1)[1].lower()}, timeout=10)",
        "info.raise_for_status()",
        "info = info.json()",
        "headers = {k: v[0] for k, v in info['Header'].items() if k.lower() != 'gx-hosted-url'}",
        "put = requests.put(info['URL'], data=open(path, 'rb').read(), headers=headers, timeout=60)",
        "assert put.status_code in (200, 201), put.text",
        "print(json.dumps({'hosted': put.headers.get('gx-hosted-url')}))",
      ].join("\n");
      const keyed = uploadApi.replace("http://", `http://key:${server.apiKey}@`);
      const run = await runPython(script, [keyed, FAKE_TEXT]);
      expect(run.ok, run.stderr).toBe(true);
      const { hosted } = JSON.parse(run.stdout) as { hosted: string };
      expect(hosted).toMatch(/\/fake-text\.txt$/);
      const served = await fetch(hosted);
      expect(Buffer.from(await served.arrayBuffer()).equals(fs.readFileSync(FAKE_TEXT))).toBe(true);

      // Without the key in the URL the default configuration refuses it.
      const anonymous = await runPython(script, [uploadApi, FAKE_TEXT]);
      expect(anonymous.ok).toBe(false);
      expect(anonymous.stderr).toContain("401");
    },
  );
});

describe("presigned upload service, anonymous and size-limited", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      ...BASE_ENV,
      OPENGROUND_ANONYMOUS_UPLOADS: "true",
      OPENGROUND_MAX_FILE_BYTES: "2048",
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("accepts a presign without a key when anonymous uploads are on", async () => {
    const { hostedUrl } = await sdkUpload(`${server.url}/upload/file`, STANLEY);
    const served = await fetch(hostedUrl);
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(fs.readFileSync(STANLEY, "utf8"));
    // A key that is sent must still be valid.
    const bad = await presign(server, { name: "a.csv", type: "csv" }, { "x-api-key": "wrong-key-123" });
    expect(bad.status).toBe(401);
  });

  it("refuses a body over OPENGROUND_MAX_FILE_BYTES with 413, declared or streamed", async () => {
    const { body } = await presign(server, { name: "big.txt", type: "txt" }, {});
    const declared = await rawRequest(body.URL, "PUT", [Buffer.alloc(4096, 0x61)], {
      "content-type": "text/plain",
      "content-length": "4096",
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });

    const chunk = Buffer.alloc(1024, 0x62);
    const streamed = await rawRequest(body.URL, "PUT", [chunk, chunk, chunk], {
      "content-type": "text/plain",
      "transfer-encoding": "chunked",
    });
    expect(streamed.status).toBe(413);
    expect((await fetch(body.Header["Gx-Hosted-Url"]?.[0] ?? "")).status).toBe(404);

    // At the limit is fine.
    const exact = await fetch(body.URL, { method: "PUT", body: Buffer.alloc(2048, 0x63) });
    expect(exact.status).toBe(200);
  });
});

describe("presigned upload service, expiry", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      ...BASE_ENV,
      OPENGROUND_UPLOAD_TTL_SECONDS: "1",
      OPENGROUND_UPLOAD_RETENTION_SECONDS: "1",
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("refuses a PUT after the upload window (404)", async () => {
    const { body } = await presign(server, { name: "late.txt", type: "txt" });
    await sleep(1500);
    const put = await readJson<MessageBody>(fetch(body.URL, { method: "PUT", body: "too late" }));
    expect(put.status).toBe(404);
  });

  it("stops serving stored bytes after retention and sweeps record and bytes", async () => {
    const { body } = await presign(server, { name: "kept.txt", type: "txt" });
    expect((await fetch(body.URL, { method: "PUT", body: "short-lived" })).status).toBe(200);
    const hosted = body.Header["Gx-Hosted-Url"]?.[0] ?? "";
    expect((await fetch(hosted)).status).toBe(200);
    const id = /\/upload\/file\/([^/]+)\//.exec(body.URL)?.[1] ?? "";
    const blobs = server.app.openground.context.blobs;
    expect(await blobs.has(`uploads/${id}`)).toBe(true);

    await sleep(1500);
    expect((await fetch(hosted)).status).toBe(404);
    const deadline = Date.now() + 5000;
    while ((await blobs.has(`uploads/${id}`)) && Date.now() < deadline) {
      await fetch(`${server.url}/upload/file`); // any request to the routes may trigger a sweep
      await sleep(200);
    }
    expect(await blobs.has(`uploads/${id}`)).toBe(false);
  });
});
