import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createSecureContext } from "node:tls";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import {
  FetchError,
  type FetchErrorCode,
  fileNameFromContentDisposition,
  type SafeFetchOptions,
  safeFetch,
  unsafeFetchForTests,
} from "./safe-fetch.js";

// ---------------------------------------------------------------------------------------------
// Local HTTP fixture (127.0.0.1, ephemeral port) recording what reaches it.

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

interface Fixture {
  port: number;
  origin: string;
  requests: Recorded[];
  connections: number;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, fixture: Fixture) => void;

const fixtures: Fixture[] = [];

async function startServer(handler: Handler): Promise<Fixture> {
  const server = createServer();
  const fixture: Fixture = {
    port: 0,
    origin: "",
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
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.on("error", () => undefined); // the client may hang up mid-body on purpose
      handler(req, res, fixture);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fixture.port = (server.address() as AddressInfo).port;
  fixture.origin = `http://127.0.0.1:${fixture.port}`;
  fixtures.push(fixture);
  return fixture;
}

afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.close()));
});

const open: SafeFetchOptions = { allowPrivateNetwork: true, timeoutMs: 3000, maxBytes: 1024 * 1024 };
const closed: SafeFetchOptions = { ...open, allowPrivateNetwork: false };

async function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(FetchError);
    return err as FetchError;
  }
  throw new Error("expected the fetch to fail");
}

async function expectCode(promise: Promise<unknown>, code: FetchErrorCode): Promise<FetchError> {
  const err = await fetchError(promise);
  expect(err.code, err.message).toBe(code);
  return err;
}

/** A route table: path → handler. */
function routes(table: Record<string, Handler>): Handler {
  return (req, res, f) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const route = table[path];
    if (route) route(req, res, f);
    else {
      res.statusCode = 404;
      res.end("not found");
    }
  };
}

// Self-signed certificate for "public.test" (valid until 2126), generated with
// openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 \
//   -subj "/CN=public.test" -addext "subjectAltName=DNS:public.test"
const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg5yew0r2+awhcaN/w
o2+dVIB4VrHpaVYCAVuMq8SKONahRANCAARNCh3h0KVq8v/j1x5Xqc8GJSvh9by1
h/5hscAWONsCOW4c+64EcHfP3YqmzCLn+D5iOoIl11+v44irC/DWQP2o
-----END PRIVATE KEY-----`;
const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUMBLMf9DBXvBZQLPGZzzhdMUVjDswCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLcHVibGljLnRlc3QwIBcNMjYxMTI5MjEzNTE3WhgPMjEyNjEx
MDUyMTM1MTdaMBYxFDASBgNVBAMMC3B1YmxpYy50ZXN0MFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAETQod4dClavL/49ceV6nPBiUr4fW8tYf+YbHAFjjbAjluHPuu
BHB3z92Kpswi5/g+YjqCJddfr+OIqwvw1kD9qKNrMGkwHQYDVR0OBBYEFH1xFZ6j
00d9PDB9CbBvM5qQlHk0MB8GA1UdIwQYMBaAFH1xFZ6j00d9PDB9CbBvM5qQlHk0
MA8GA1UdEwEB/wQFMAMBAf8wFgYDVR0RBA8wDYILcHVibGljLnRlc3QwCgYIKoZI
zj0EAwIDSAAwRQIgZBrQyoAmn3kVHSgJLZNlrTetihwp3TEOAoo1f5CTSx4CIQDM
+MgdEJIheBLaeoeBAbX15PPwBcqFUioFU1eLUu9Yng==
-----END CERTIFICATE-----`;

// ---------------------------------------------------------------------------------------------

describe("safeFetch: URL validation", () => {
  it.each([
    ["ftp://example.com/file.pdf", /unsupported URL scheme "ftp"/],
    ["file:///etc/passwd", /unsupported URL scheme "file"/],
    ["http://user:pw@example.com/file.pdf", /must not contain credentials/],
    ["https://user@example.com/", /must not contain credentials/],
    ["not a url", /is not a valid URL/],
  ])("rejects %s with BAD_URL", async (url, message) => {
    const err = await expectCode(safeFetch(url, open), "BAD_URL");
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain("pw");
  });
});

describe("safeFetch: address policy", () => {
  it("refuses a loopback literal without sending anything", async () => {
    const f = await startServer((_req, res) => res.end("secret"));
    const err = await expectCode(safeFetch(`${f.origin}/file.pdf`, closed), "BLOCKED_ADDRESS");
    expect(err.message).toContain("127.0.0.1 is a loopback address");
    expect(f.connections).toBe(0);
    expect(f.requests).toHaveLength(0);
  });

  it("refuses localhost (resolved through the system resolver)", async () => {
    const f = await startServer((_req, res) => res.end("secret"));
    const err = await expectCode(safeFetch(`http://localhost:${f.port}/`, closed), "BLOCKED_ADDRESS");
    expect(err.message).toMatch(/localhost resolves to a loopback address (127\.0\.0\.1|::1)/);
    expect(f.connections).toBe(0);
  });

  it.each([
    "http://[::1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://0x7f.1/", // WHATWG URL normalises to 127.0.0.1
    "http://2130706433/",
  ])("refuses %s", async (url) => {
    await expectCode(safeFetch(url, closed), "BLOCKED_ADDRESS");
  });

  it("refuses a host when ANY of its addresses is private", async () => {
    const resolve = async (): Promise<string[]> => ["93.184.216.34", "10.0.0.5"];
    const err = await expectCode(
      safeFetch("https://mixed.test/doc.pdf", { ...closed, resolve }),
      "BLOCKED_ADDRESS",
    );
    expect(err.message).toBe(
      "mixed.test resolves to a private address 10.0.0.5; the server does not fetch private, loopback or link-local addresses",
    );
  });

  it("reports DNS failures as NETWORK", async () => {
    const resolve = async (): Promise<string[]> => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND nowhere.test"), { code: "ENOTFOUND" });
    };
    const err = await expectCode(safeFetch("https://nowhere.test/x", { ...closed, resolve }), "NETWORK");
    expect(err.message).toBe("could not resolve host nowhere.test (ENOTFOUND)");
  });
});

describe("safeFetch: downloads (private network allowed)", () => {
  it("downloads bytes, content type, headers and a Content-Disposition file name", async () => {
    const payload = Buffer.from("%PDF-1.7 hello");
    const f = await startServer((_req, res) => {
      res.setHeader("Content-Type", "Application/PDF; charset=binary");
      res.setHeader(
        "Content-Disposition",
        "attachment; filename=\"fallback.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9.pdf",
      );
      res.setHeader("X-Custom", "yes");
      res.end(payload);
    });
    const res = await safeFetch(`${f.origin}/download?id=1`, { ...open, userAgent: "test-agent/1" });
    expect(res.status).toBe(200);
    expect(Buffer.from(res.bytes).equals(payload)).toBe(true);
    expect(res.contentType).toBe("application/pdf");
    expect(res.headers["x-custom"]).toBe("yes");
    expect(res.headers["content-type"]).toBe("Application/PDF; charset=binary");
    expect(res.fileName).toBe("Résumé.pdf");
    expect(res.finalUrl).toBe(`${f.origin}/download?id=1`);
    expect(f.requests[0]?.headers["user-agent"]).toBe("test-agent/1");
    expect(f.requests[0]?.headers.host).toBe(`127.0.0.1:${f.port}`);
  });

  it("takes the file name from the decoded last path segment", async () => {
    const f = await startServer((_req, res) => res.end("x"));
    const res = await safeFetch(`${f.origin}/files/My%20Report%20(v2).pdf?sig=abc`, open);
    expect(res.fileName).toBe("My Report (v2).pdf");
    expect(res.contentType).toBeUndefined();
    const root = await safeFetch(`${f.origin}/`, open);
    expect(root.fileName).toBeUndefined();
  });

  it("parses Content-Disposition variants", () => {
    expect(fileNameFromContentDisposition('attachment; filename="a \\"b\\".txt"')).toBe('a "b".txt');
    expect(fileNameFromContentDisposition("inline; filename=plain.csv")).toBe("plain.csv");
    expect(fileNameFromContentDisposition('attachment; filename="../../etc/passwd"')).toBe("passwd");
    expect(fileNameFromContentDisposition("attachment; filename*=iso-8859-1'en'%E9t%E9.txt")).toBe("été.txt");
    expect(fileNameFromContentDisposition("attachment")).toBeUndefined();
    expect(fileNameFromContentDisposition(undefined)).toBeUndefined();
  });

  it.each([
    ["gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
  ] as const)("decodes %s", async (encoding, compress) => {
    const text = "hello ".repeat(1000);
    const f = await startServer((req, res) => {
      expect(req.headers["accept-encoding"]).toBe("gzip, deflate, br");
      res.setHeader("Content-Encoding", encoding);
      res.end(compress(Buffer.from(text)));
    });
    const res = await safeFetch(`${f.origin}/t.txt`, open);
    expect(Buffer.from(res.bytes).toString()).toBe(text);
  });

  it("reports a corrupt compressed body as BAD_RESPONSE", async () => {
    const f = await startServer((_req, res) => {
      res.setHeader("Content-Encoding", "gzip");
      res.end("this is not gzip");
    });
    const err = await expectCode(safeFetch(`${f.origin}/t`, open), "BAD_RESPONSE");
    expect(err.message).toMatch(/sent a corrupt compressed body \(Z_/);
  });

  it("refuses an unknown content-encoding", async () => {
    const f = await startServer((_req, res) => {
      res.setHeader("Content-Encoding", "zstd");
      res.end("xx");
    });
    await expectCode(safeFetch(`${f.origin}/t`, open), "BAD_RESPONSE");
  });
});

describe("safeFetch: redirects", () => {
  const chain: Handler = (req, res) => {
    const n = Number(new URL(req.url ?? "/", "http://x").pathname.split("/")[2]);
    if (n > 0) {
      res.statusCode = n % 2 === 0 ? 302 : 307;
      res.setHeader("Location", `/r/${n - 1}/file.txt`); // relative
      res.end();
    } else res.end("final");
  };

  it("follows a redirect chain up to maxRedirects", async () => {
    const f = await startServer(chain);
    const res = await safeFetch(`${f.origin}/r/5/file.txt`, open);
    expect(Buffer.from(res.bytes).toString()).toBe("final");
    expect(res.finalUrl).toBe(`${f.origin}/r/0/file.txt`);
    expect(f.requests).toHaveLength(6);
  });

  it("fails with TOO_MANY_REDIRECTS beyond the cap", async () => {
    const f = await startServer(chain);
    const err = await expectCode(safeFetch(`${f.origin}/r/6/file.txt`, open), "TOO_MANY_REDIRECTS");
    expect(err.message).toContain("redirected more than 5 times");
    expect(f.requests).toHaveLength(6);
    await expectCode(
      safeFetch(`${f.origin}/r/3/file.txt`, { ...open, maxRedirects: 2 }),
      "TOO_MANY_REDIRECTS",
    );
  });

  it("does not follow redirects for POST", async () => {
    const f = await startServer((_req, res) => {
      res.statusCode = 302;
      res.setHeader("Location", "/elsewhere");
      res.end();
    });
    const err = await expectCode(
      safeFetch(`${f.origin}/hook`, { ...open, method: "POST", body: "{}" }),
      "HTTP_STATUS",
    );
    expect(err.status).toBe(302);
    expect(f.requests).toHaveLength(1);
  });

  /*
   * Redirect re-checking with the address policy ON needs a first hop that is public but still
   * reaches the local test server (there is no internet here). We inject:
   *   - `resolve` (a public option): "public.test" → 93.184.216.34, which passes the check;
   *   - `connectAddress` (test-only hook, not exported from index.ts): after the check, the pinned
   *     address 93.184.216.34 is routed to 127.0.0.1.
   * Everything else is the production path: check → pin through the request's `lookup` → connect.
   * "public.test" does not exist in real DNS, so a successful first hop also proves the HTTP stack
   * never did its own lookup (no rebinding window). The redirect target is then checked with the
   * same rules and refused before any connection.
   */
  const PUBLIC_IP = "93.184.216.34";
  const resolve = async (host: string): Promise<string[]> => {
    if (host === "public.test") return [PUBLIC_IP];
    if (host === "internal.test") return ["10.0.0.5"];
    if (host === "metadata.test") return ["fd00:ec2::254"];
    throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  };
  const hooks = { connectAddress: (a: string) => (a === PUBLIC_IP ? "127.0.0.1" : a) };

  async function redirector(): Promise<Fixture> {
    return startServer(
      routes({
        "/ok.txt": (_req, res) => res.end("public content"),
        "/go": (req, res) => {
          res.statusCode = 302;
          res.setHeader("Location", new URL(req.url ?? "", "http://x").searchParams.get("to") ?? "/");
          res.end();
        },
        "/secret": (_req, res) => res.end("SECRET"),
      }),
    );
  }

  it("control: a public-resolving host is fetched through the pinned address", async () => {
    const f = await redirector();
    const res = await unsafeFetchForTests(
      `http://public.test:${f.port}/ok.txt`,
      { ...closed, resolve },
      hooks,
    );
    expect(Buffer.from(res.bytes).toString()).toBe("public content");
    expect(f.requests[0]?.headers.host).toBe(`public.test:${f.port}`); // Host stays the original name
    // Same-origin redirect between public hops is followed.
    const again = await unsafeFetchForTests(
      `http://public.test:${f.port}/go?to=/ok.txt`,
      { ...closed, resolve },
      hooks,
    );
    expect(again.finalUrl).toBe(`http://public.test:${f.port}/ok.txt`);
  });

  it.each([
    [
      "127.0.0.1 literal",
      (port: number) => `http://127.0.0.1:${port}/secret`,
      "127.0.0.1 is a loopback address",
    ],
    [
      "metadata IP",
      () => "http://169.254.169.254/latest/meta-data/",
      "169.254.169.254 is a cloud metadata address",
    ],
    ["private literal", () => "http://10.0.0.1/secret", "10.0.0.1 is a private address"],
    ["IPv6 loopback", (port: number) => `http://[::1]:${port}/secret`, "::1 is a loopback address"],
    [
      "private by DNS",
      () => "http://internal.test/secret",
      "internal.test resolves to a private address 10.0.0.5",
    ],
    [
      "IPv6 metadata by DNS",
      () => "http://metadata.test/x",
      "metadata.test resolves to a cloud metadata address fd00:ec2::254",
    ],
  ])("refuses a redirect to %s", async (_name, target, message) => {
    const f = await redirector();
    const to = encodeURIComponent(target(f.port));
    const err = await expectCode(
      unsafeFetchForTests(`http://public.test:${f.port}/go?to=${to}`, { ...closed, resolve }, hooks),
      "BLOCKED_ADDRESS",
    );
    expect(err.message).toContain(`redirect refused: ${message}`);
    expect(f.requests.map((r) => new URL(r.url, "http://x").pathname)).toEqual(["/go"]);
  });

  it("refuses a redirect to a non-http scheme", async () => {
    const f = await redirector();
    const to = encodeURIComponent("file:///etc/passwd");
    await expectCode(
      unsafeFetchForTests(`http://public.test:${f.port}/go?to=${to}`, { ...closed, resolve }, hooks),
      "BAD_URL",
    );
  });

  it("drops credentials on a cross-origin redirect", async () => {
    const other = await startServer((_req, res) => res.end("other"));
    const f = await startServer((_req, res) => {
      res.statusCode = 301;
      res.setHeader("Location", `${other.origin}/x`);
      res.end();
    });
    await safeFetch(`${f.origin}/`, { ...open, headers: { Authorization: "Bearer t", "X-Keep": "1" } });
    expect(f.requests[0]?.headers.authorization).toBe("Bearer t");
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    expect(other.requests[0]?.headers["x-keep"]).toBe("1");
  });
});

describe("safeFetch: limits and failures", () => {
  const maxBytes = 1000;

  it("fails fast on a Content-Length over the cap", async () => {
    const f = await startServer((_req, res) => {
      res.setHeader("Content-Length", "2000");
      res.end(Buffer.alloc(2000));
    });
    const err = await expectCode(safeFetch(`${f.origin}/big.bin`, { ...open, maxBytes }), "TOO_LARGE");
    expect(err.message).toBe(`${f.origin}/big.bin is larger than 1000 bytes`);
    expect(err.status).toBe(200);
  });

  it("stops a chunked body at the cap while streaming", async () => {
    let written = 0;
    const f = await startServer((_req, res) => {
      const timer = setInterval(() => {
        if (res.destroyed || written > 1_000_000) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(Buffer.alloc(300));
        written += 300;
      }, 2);
    });
    await expectCode(safeFetch(`${f.origin}/stream`, { ...open, maxBytes }), "TOO_LARGE");
    expect(written).toBeLessThan(1_000_000);
  });

  it("stops a decompression bomb at the cap (decoded bytes count)", async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024)); // ~20 KB on the wire, 20 MB decoded
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const f = await startServer((_req, res) => {
      res.setHeader("Content-Encoding", "gzip");
      res.setHeader("Content-Length", String(bomb.length));
      res.end(bomb);
    });
    const err = await expectCode(safeFetch(`${f.origin}/bomb`, open), "TOO_LARGE");
    expect(err.message).toBe(`${f.origin}/bomb is larger than 1 MB`);
  });

  it("times out on a server that never answers", async () => {
    const f = await startServer(() => undefined);
    const started = Date.now();
    const err = await expectCode(safeFetch(`${f.origin}/slow`, { ...open, timeoutMs: 200 }), "TIMEOUT");
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err.message).toBe(`GET ${f.origin}/slow timed out after 200 ms`);
  });

  it("times out on a body that stalls", async () => {
    const f = await startServer((_req, res) => {
      res.setHeader("Content-Length", "100");
      res.write("partial");
    });
    await expectCode(safeFetch(`${f.origin}/stall`, { ...open, timeoutMs: 200 }), "TIMEOUT");
  });

  it("maps a 404 to HTTP_STATUS without leaking the query", async () => {
    const f = await startServer((_req, res) => {
      res.statusCode = 404;
      res.end("nope");
    });
    const err = await expectCode(safeFetch(`${f.origin}/missing.pdf?token=s3cr3t`, open), "HTTP_STATUS");
    expect(err.status).toBe(404);
    expect(err.message).toBe(`GET ${f.origin}/missing.pdf answered 404 Not Found`);
  });

  it("maps connection refused to NETWORK", async () => {
    const f = await startServer(() => undefined);
    const port = f.port;
    await f.close();
    const err = await expectCode(safeFetch(`http://127.0.0.1:${port}/x`, open), "NETWORK");
    expect(err.message).toBe(`connection to 127.0.0.1:${port} was refused`);
  });

  it("maps a TLS handshake failure to NETWORK", async () => {
    const f = await startServer((_req, res) => res.end("plain http"));
    const err = await expectCode(safeFetch(`https://127.0.0.1:${f.port}/x`, open), "NETWORK");
    expect(err.message).toMatch(new RegExp(`^TLS error connecting to 127\\.0\\.0\\.1:${f.port}: `));
  });

  it("keeps SNI = the original hostname on the pinned connection and verifies the certificate", async () => {
    // Uses the same test-only routing hook as the redirect tests (see there).
    const seen: string[] = [];
    const context = createSecureContext({ key: TLS_KEY, cert: TLS_CERT });
    const server = createHttpsServer(
      {
        key: TLS_KEY,
        cert: TLS_CERT,
        // Called with the SNI from the ClientHello, before the client verifies the certificate.
        SNICallback: (servername, cb) => {
          seen.push(servername);
          cb(null, context);
        },
      },
      (_req, res) => res.end("tls"),
    );
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    try {
      const err = await expectCode(
        unsafeFetchForTests(
          `https://public.test:${port}/x`,
          { ...closed, resolve: async () => ["93.184.216.34"] },
          { connectAddress: () => "127.0.0.1" },
        ),
        "NETWORK",
      );
      // Self-signed: rejected by certificate verification (rejectUnauthorized stays on).
      expect(err.message).toMatch(
        new RegExp(`^TLS error connecting to public\\.test:${port}: .*self-signed`),
      );
      expect(seen).toEqual(["public.test"]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("maps a caller abort to ABORTED", async () => {
    const f = await startServer(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expectCode(safeFetch(`${f.origin}/x`, { ...open, signal: controller.signal }), "ABORTED");
  });

  it("sends a POST body and headers", async () => {
    const f = await startServer((_req, res) => {
      res.statusCode = 204;
      res.end();
    });
    const res = await safeFetch(`${f.origin}/hook`, {
      ...open,
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"a":"é"}',
    });
    expect(res.status).toBe(204);
    expect(res.bytes.byteLength).toBe(0);
    expect(f.requests[0]).toMatchObject({ method: "POST", body: '{"a":"é"}' });
    expect(f.requests[0]?.headers["content-type"]).toBe("application/json");
  });
});
