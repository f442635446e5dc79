import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAIEmbedder } from "./openai.js";
import { dot } from "./vector.js";

interface Seen {
  headers: IncomingMessage["headers"];
  body: { model: string; input: string[]; dimensions?: number };
}

type Handler = (seen: Seen, res: ServerResponse) => void;

let server: Server;
let baseURL: string;
let handler: Handler;
let requests: Seen[];

/** A fake embedding: [length, 1, 2, …] of the requested width (deliberately not unit length). */
const fake = (text: string, width: number) =>
  Array.from({ length: width }, (_, i) => (i === 0 ? text.length : i));

const ok: Handler = (seen, res) => {
  const width = seen.body.dimensions ?? 4;
  // Answer in reverse order, with indices, as some servers do.
  const data = seen.body.input
    .map((t, index) => ({ object: "embedding", index, embedding: fake(t, width) }))
    .reverse();
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ object: "list", data, model: seen.body.model }));
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => {
      raw += c.toString();
    });
    req.on("end", () => {
      if (req.url !== "/v1/embeddings" || req.method !== "POST") {
        res.writeHead(404).end("not found");
        return;
      }
      const seen = { headers: req.headers, body: JSON.parse(raw) as Seen["body"] };
      requests.push(seen);
      handler(seen, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  handler = ok;
  requests = [];
});

describe("OpenAI-compatible embedder", () => {
  it("batches, keeps order, normalises and sends model, key and dimensions", async () => {
    const e = await createOpenAIEmbedder({
      baseURL: `${baseURL}/`,
      model: "m1",
      apiKey: "sk-test",
      dimensions: 3,
      batchSize: 2,
    });
    expect(e.id).toBe("openai:m1:3");
    expect(e.dimensions).toBe(3);
    const texts = ["a", "bb", "ccc", "dddd", ""];
    const vectors = await e.embed(texts, "document");
    expect(requests.map((r) => r.body.input)).toEqual([["a", "bb"], ["ccc", "dddd"], [" "]]);
    expect(requests[0]?.body).toMatchObject({ model: "m1", dimensions: 3 });
    expect(requests[0]?.headers.authorization).toBe("Bearer sk-test");
    expect(vectors).toHaveLength(5);
    vectors.forEach((v, i) => {
      expect(v).toBeInstanceOf(Float32Array);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 6);
      const raw = fake(i === 4 ? " " : (texts[i] as string), 3);
      const norm = Math.hypot(...raw);
      expect(v[0]).toBeCloseTo((raw[0] as number) / norm, 6);
    });
    await e.close();
    await expect(e.embed(["x"], "query")).rejects.toMatchObject({ code: "EMBED_CLOSED" });
  });

  it("learns the width with a probe when none is given", async () => {
    const e = await createOpenAIEmbedder({ baseURL, model: "m2" });
    expect(e.dimensions).toBe(4);
    expect(e.id).toBe("openai:m2");
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.authorization).toBeUndefined();
    await e.close();
  });

  it("reports error statuses with the server's message", async () => {
    const e = await createOpenAIEmbedder({ baseURL, model: "m", dimensions: 4, maxRetries: 0 });
    handler = (_seen, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "Incorrect API key provided" } }));
    };
    const failure = e.embed(["x"], "query");
    await expect(failure).rejects.toMatchObject({ code: "EMBED_HTTP_STATUS" });
    await expect(failure).rejects.toThrow(/answered 401 \(check the API key\): Incorrect API key provided/);

    handler = (_seen, res) => {
      res.writeHead(500).end("boom");
    };
    await expect(e.embed(["x"], "query")).rejects.toThrow(/answered 500: boom/);
    await e.close();
  });

  it("retries 429 and 5xx, honouring Retry-After", async () => {
    const e = await createOpenAIEmbedder({ baseURL, model: "m", dimensions: 4, maxRetries: 2 });
    let calls = 0;
    handler = (seen, res) => {
      calls++;
      if (calls === 1) res.writeHead(429, { "retry-after": "0" }).end("slow down");
      else if (calls === 2) res.writeHead(503, { "retry-after": "0" }).end("busy");
      else ok(seen, res);
    };
    expect(await e.embed(["x"], "query")).toHaveLength(1);
    expect(calls).toBe(3);
    await e.close();
  });

  it("times out, and rejects malformed answers and unreachable servers", async () => {
    const e = await createOpenAIEmbedder({
      baseURL,
      model: "m",
      dimensions: 4,
      maxRetries: 0,
      timeoutMs: 200,
    });
    handler = () => {
      // never answer
    };
    await expect(e.embed(["x"], "query")).rejects.toMatchObject({ code: "EMBED_TIMEOUT" });

    handler = (_seen, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: [] }));
    };
    await expect(e.embed(["x"], "query")).rejects.toThrow(/returned 0 embeddings for 1 inputs/);

    handler = (_seen, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: [{ index: 0, embedding: [1, 2] }] }));
    };
    await expect(e.embed(["x"], "query")).rejects.toThrow(/2-d vector, expected 4/);

    handler = (_seen, res) => {
      res.writeHead(200, { "content-type": "text/html" }).end("<html>");
    };
    await expect(e.embed(["x"], "query")).rejects.toMatchObject({ code: "EMBED_BAD_RESPONSE" });
    await e.close();

    // A port nobody listens on.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      createOpenAIEmbedder({ baseURL: `http://127.0.0.1:${port}/v1`, model: "m", maxRetries: 0 }),
    ).rejects.toMatchObject({ code: "EMBED_NETWORK" });
    await expect(createOpenAIEmbedder({ baseURL: "not a url", model: "m" })).rejects.toMatchObject({
      code: "EMBED_CONFIG",
    });
  });
});
