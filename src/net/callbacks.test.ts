import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CallbackSender } from "./callbacks.js";

interface Recorded {
  method: string;
  headers: IncomingMessage["headers"];
  body: string;
}

interface Fixture {
  url: string;
  requests: Recorded[];
  connections: number;
  close(): Promise<void>;
}

const fixtures: Fixture[] = [];

/** Local receiver; `answer(n)` gives the status for the n-th request (1-based). */
async function receiver(answer: (n: number, res: ServerResponse) => number | undefined): Promise<Fixture> {
  const server = createServer();
  const fixture: Fixture = {
    url: "",
    requests: [],
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on("connection", () => {
    fixture.connections += 1;
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      fixture.requests.push({
        method: req.method ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const status = answer(fixture.requests.length, res);
      if (status === undefined) return; // hang
      res.statusCode = status;
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fixture.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=abc`;
  fixtures.push(fixture);
  return fixture;
}

afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.close()));
});

function logger(): { warn(obj: object, msg: string): void; lines: Array<{ obj: object; msg: string }> } {
  const lines: Array<{ obj: object; msg: string }> = [];
  return { lines, warn: (obj, msg) => lines.push({ obj, msg }) };
}

const payload = {
  ingest: { processId: "5f0b6d5e-1111-4222-8333-444455556666", status: "complete", progress: null },
  document: { documentId: "d", fileName: 'Résumé "final".pdf', status: "complete" },
  callbackData: "opaque <&> ✓",
};

describe("CallbackSender", () => {
  it("POSTs the payload as JSON, byte-exact", async () => {
    const f = await receiver(() => 200);
    const sender = new CallbackSender({ allowPrivateNetwork: true, backoffMs: 1 });
    const result = await sender.send(f.url, payload);
    expect(result).toEqual({ delivered: true, attempts: 1, status: 200 });
    expect(f.requests).toHaveLength(1);
    const req = f.requests[0];
    expect(req?.method).toBe("POST");
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.headers["user-agent"]).toBe("openground-callback/1");
    expect(req?.body).toBe(JSON.stringify(payload));
    expect(JSON.parse(req?.body ?? "")).toEqual(payload);
  });

  it("retries a 500 and then succeeds", async () => {
    const f = await receiver((n) => (n === 1 ? 500 : 204));
    const log = logger();
    const sender = new CallbackSender({ allowPrivateNetwork: true, backoffMs: 1, logger: log });
    const result = await sender.send(f.url, payload);
    expect(result).toEqual({ delivered: true, attempts: 2, status: 204 });
    expect(f.requests).toHaveLength(2);
    expect(f.requests[1]?.body).toBe(f.requests[0]?.body);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]?.msg).toContain("callback attempt 1 failed, retrying");
    expect(JSON.stringify(log.lines)).not.toContain("token=abc");
  });

  it("retries 429 and gives up after the configured attempts", async () => {
    const f = await receiver((n) => (n % 2 === 0 ? 429 : 503));
    const sender = new CallbackSender({ allowPrivateNetwork: true, backoffMs: 1 });
    const result = await sender.send(f.url, payload);
    expect(result.delivered).toBe(false);
    expect(result.attempts).toBe(3);
    expect(result.status).toBe(503);
    expect(result.error).toMatch(/answered 503 Service Unavailable$/);
    expect(f.requests).toHaveLength(3);
  });

  it("waits with exponential backoff between attempts", async () => {
    const f = await receiver(() => 500);
    const sender = new CallbackSender({ allowPrivateNetwork: true, backoffMs: 40 });
    const started = Date.now();
    await sender.send(f.url, payload);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40 + 80 - 5);
  });

  it("does not retry a 4xx", async () => {
    const f = await receiver(() => 400);
    const sender = new CallbackSender({ allowPrivateNetwork: true, backoffMs: 1 });
    const result = await sender.send(f.url, payload);
    expect(result).toMatchObject({ delivered: false, attempts: 1, status: 400 });
    expect(f.requests).toHaveLength(1);
  });

  it("does not follow redirects (3xx is a failure, not retried)", async () => {
    const f = await receiver((_n, res) => {
      res.setHeader("Location", "/elsewhere");
      return 302;
    });
    const sender = new CallbackSender({ allowPrivateNetwork: true, backoffMs: 1 });
    expect(await sender.send(f.url, payload)).toMatchObject({ delivered: false, attempts: 1, status: 302 });
    expect(f.requests).toHaveLength(1);
  });

  it("retries timeouts", async () => {
    const f = await receiver((n) => (n < 3 ? undefined : 200));
    const sender = new CallbackSender({ allowPrivateNetwork: true, backoffMs: 1, timeoutMs: 100 });
    expect(await sender.send(f.url, payload)).toEqual({ delivered: true, attempts: 3, status: 200 });
  });

  it("refuses a loopback receiver when private networks are not allowed, without retrying", async () => {
    const f = await receiver(() => 200);
    const log = logger();
    const sender = new CallbackSender({ allowPrivateNetwork: false, backoffMs: 1, logger: log });
    const result = await sender.send(f.url, payload);
    expect(result.delivered).toBe(false);
    expect(result.attempts).toBe(1);
    expect(result.error).toContain("127.0.0.1 is a loopback address");
    expect(f.connections).toBe(0);
    expect(f.requests).toHaveLength(0);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]?.obj).toMatchObject({ code: "BLOCKED_ADDRESS" });
  });

  it("never throws: bad URL, unserialisable payload, throwing logger", async () => {
    const throwing = {
      warn: () => {
        throw new Error("logger down");
      },
    };
    const sender = new CallbackSender({ allowPrivateNetwork: true, backoffMs: 1, logger: throwing });
    expect(await sender.send("ftp://example.com/x", payload)).toMatchObject({
      delivered: false,
      attempts: 1,
    });
    expect(await sender.send("not a url", payload)).toMatchObject({ delivered: false, attempts: 1 });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const result = await sender.send("http://127.0.0.1:1/", circular);
    expect(result).toMatchObject({ delivered: false, attempts: 0 });
    expect(result.error).toMatch(/could not be serialised/);
    expect(await sender.send("http://127.0.0.1:1/", undefined)).toMatchObject({
      delivered: false,
      attempts: 0,
    });
  });

  it("sendInBackground returns immediately and idle() waits for every send", async () => {
    const f = await receiver((n) => (n === 1 ? 500 : 200));
    const sender = new CallbackSender({ allowPrivateNetwork: true, backoffMs: 20 });
    const started = Date.now();
    expect(sender.sendInBackground(f.url, { n: 1 })).toBeUndefined();
    sender.sendInBackground(f.url, { n: 2 });
    // Failures in the background never surface as unhandled rejections.
    sender.sendInBackground("http://127.0.0.1:1/", { n: 3 });
    expect(Date.now() - started).toBeLessThan(20);
    expect(sender.inFlight).toBe(3);
    await sender.idle();
    expect(sender.inFlight).toBe(0);
    // Whichever arrived first got the 500 and was retried.
    expect(f.requests).toHaveLength(3);
    expect(new Set(f.requests.map((r) => r.body))).toEqual(new Set(['{"n":1}', '{"n":2}']));
    await sender.idle(); // idempotent when nothing is pending
  });
});
