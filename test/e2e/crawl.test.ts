import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

interface Site {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

const page = (title: string, body: string, links: string[] = []) =>
  `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>${body}</p>${links
    .map((l) => `<a href="${l}">${l}</a>`)
    .join(" ")}</body></html>`;

/** A small site: / links to /a, /b, a robots-disallowed page, an off-host page and duplicates. */
async function startSite(options: { slowMs?: number; pages?: number } = {}): Promise<Site> {
  const requests: string[] = [];
  const pages: Record<string, string> = {
    "/": page("Home", "Welcome to the quartzite museum.", [
      "/a",
      "/b",
      "/a#section",
      "/private/secret",
      "http://elsewhere.invalid/x",
      "mailto:someone@example.com",
      "/copy-of-a",
    ]),
    "/a": page("Alpha", "Alpha page about feldspar crystals.", ["/a/deep", "/"]),
    "/copy-of-a": page("Alpha", "Alpha page about feldspar crystals.", ["/a/deep", "/"]),
    "/b": page("Bravo", "Bravo page about obsidian glass.", ["/b/deep"]),
    "/a/deep": page("Alpha deep", "Deep page about labradorite shimmer."),
    "/b/deep": page("Bravo deep", "Deep page about zirconium sands."),
    "/private/secret": page("Secret", "Never to be crawled."),
  };
  for (let i = 0; i < (options.pages ?? 0); i++) {
    pages[`/many/${i}`] = page(`Page ${i}`, `Page number ${i} about mineral ${i}.`, [`/many/${i + 1}`]);
  }
  if (options.pages) pages["/"] = page("Home", "Many pages.", ["/many/0"]);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    requests.push(path);
    const reply = () => {
      if (path === "/robots.txt") {
        res.writeHead(200, { "content-type": "text/plain" }).end("User-agent: *\nDisallow: /private\n");
        return;
      }
      const body = pages[path];
      if (!body) {
        res.writeHead(404).end("not found");
        return;
      }
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(body);
    };
    if (options.slowMs) setTimeout(reply, options.slowMs);
    else reply();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function waitTerminal(server: TestServer, processId: string) {
  for (let i = 0; i < 300; i++) {
    const body = (await (await server.api(`/ingest/${processId}`)).json()) as {
      ingest: {
        status: string;
        progress: Record<string, { total: number; documents: Record<string, unknown>[] }>;
      };
    };
    if (["complete", "error", "cancelled"].includes(body.ingest.status)) return body.ingest;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("process did not finish");
}

async function crawl(
  server: TestServer,
  bucketId: number,
  sourceUrl: string,
  extra: Record<string, unknown> = {},
) {
  const response = await server.api("/ingest/documents/website", {
    method: "POST",
    json: { websites: [{ bucketId, sourceUrl, ...extra }] },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { ingest: { processId: string } }).ingest.processId;
}

describe("website crawl (§4.3, D12)", () => {
  let server: TestServer;
  let site: Site;
  let bucketId: number;

  beforeAll(async () => {
    server = await startTestServer({
      OPENGROUND_ALLOW_PRIVATE_NETWORK: "true",
      OPENGROUND_CRAWL_DELAY_MS: "0",
      OPENGROUND_EMBEDDER: "none",
    });
    site = await startSite();
    const bucket = (await (
      await server.api("/bucket", { method: "POST", json: { name: "site" } })
    ).json()) as {
      bucket: { bucketId: number };
    };
    bucketId = bucket.bucket.bucketId;
  });
  afterAll(async () => {
    await server.close();
    await site.close();
  });

  it("depth 1 from / yields exactly the pages linked from /, skipping off-host and robots-disallowed ones", async () => {
    const processId = await crawl(server, bucketId, `${site.url}/`, {
      depth: 1,
      searchData: { source: "crawl" },
    });
    const status = await waitTerminal(server, processId);
    expect(status.status).toBe("complete");
    const documents = status.progress.complete?.documents ?? [];
    expect(documents.map((d) => d.fileName).sort()).toEqual(["Alpha", "Bravo", "Home"]);
    expect(documents.map((d) => d.sourceUrl).sort()).toEqual([
      `${site.url}/`,
      `${site.url}/a`,
      `${site.url}/b`,
    ]);
    for (const d of documents) expect(d.searchData).toEqual({ source: "crawl" });
    expect(site.requests).not.toContain("/private/secret");
    expect(site.requests).toContain("/robots.txt");
    // /a#section is /a; /copy-of-a has the same content as /a: neither becomes a second document.
    expect(site.requests.filter((r) => r === "/a")).toHaveLength(1);
  });

  it("follows links to the requested depth and respects the cap", async () => {
    const deep = await waitTerminal(server, await crawl(server, bucketId, site.url, { depth: 2 }));
    expect((deep.progress.complete?.documents ?? []).map((d) => d.fileName).sort()).toEqual([
      "Alpha",
      "Alpha deep",
      "Bravo",
      "Bravo deep",
      "Home",
    ]);
    const capped = await waitTerminal(server, await crawl(server, bucketId, site.url, { depth: 2, cap: 2 }));
    expect(capped.progress.complete?.total).toBe(2);
  });

  it("makes crawled text searchable", async () => {
    const response = await server.api(`/search/${bucketId}`, {
      method: "POST",
      json: { query: "zirconium sands" },
    });
    const body = (await response.json()) as {
      search: { results: { fileName: string; sourceUrl: string }[] };
    };
    expect(body.search.results[0]?.fileName).toBe("Bravo deep");
    expect(body.search.results[0]?.sourceUrl).toBe(`${site.url}/b/deep`);
  });

  it("validates the request", async () => {
    for (const [json, field] of [
      [{ websites: [{ bucketId, sourceUrl: "ftp://x" }] }, /^websites\[0\]\.sourceUrl:/],
      [{ websites: [{ bucketId, sourceUrl: site.url, depth: 99 }] }, /^websites\[0\]\.depth:/],
      [{ websites: [{ bucketId, sourceUrl: site.url, cap: 999_999 }] }, /^websites\[0\]\.cap:/],
      [{ websites: [] }, /websites/],
    ] as const) {
      const response = await server.api("/ingest/documents/website", { method: "POST", json });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(field);
    }
    const unknown = await server.api("/ingest/documents/website", {
      method: "POST",
      json: { websites: [{ bucketId: 999_999, sourceUrl: site.url }] },
    });
    expect(unknown.status).toBe(404);
  });

  it("stops when the process is cancelled", async () => {
    const slow = await startSite({ slowMs: 150, pages: 60 });
    try {
      const processId = await crawl(server, bucketId, slow.url, { depth: 8, cap: 60 });
      for (let i = 0; i < 100; i++) {
        const body = (await (await server.api(`/ingest/${processId}`)).json()) as {
          ingest: {
            progress: {
              complete: { total: number };
              queued: { total: number };
              processing: { total: number };
            };
          };
        };
        const p = body.ingest.progress;
        if (p.complete.total + p.queued.total + p.processing.total >= 2) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const cancelled = (await (await server.api(`/ingest/${processId}`, { method: "DELETE" })).json()) as {
        ingest: { status: string };
      };
      expect(cancelled.ingest.status).toBe("cancelled");
      const fetchedAtCancel = slow.requests.length;
      await new Promise((r) => setTimeout(r, 800));
      // At most the page in flight is fetched after the cancel.
      expect(slow.requests.length - fetchedAtCancel).toBeLessThanOrEqual(1);
      expect(slow.requests.length).toBeLessThan(20);
    } finally {
      await slow.close();
    }
  });
});

describe("website crawl without private network access", () => {
  it("fetches nothing from a loopback site and ends with no documents", async () => {
    const server = await startTestServer({ OPENGROUND_CRAWL_DELAY_MS: "0", OPENGROUND_EMBEDDER: "none" });
    const site = await startSite();
    try {
      const bucket = (await (
        await server.api("/bucket", { method: "POST", json: { name: "s" } })
      ).json()) as {
        bucket: { bucketId: number };
      };
      const status = await waitTerminal(server, await crawl(server, bucket.bucket.bucketId, site.url));
      expect(status.status).toBe("complete");
      expect(status.progress.complete?.total).toBe(0);
      expect(site.requests).toEqual([]);
    } finally {
      await server.close();
      await site.close();
    }
  });
});
