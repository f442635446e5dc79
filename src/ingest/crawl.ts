import { createHash, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { newUuid } from "../core/ids.js";
import { FetchError, type SafeResponse } from "../net/index.js";
import type { BlobStore } from "../store/contracts/blob-store.js";
import type { DocumentStore, NewDocument } from "../store/contracts/document-store.js";
import type { NewJob } from "../store/contracts/job-queue.js";
import { parseDocument } from "./parsers/dom.js";
import { decodeText } from "./parsers/text-decode.js";
import { blobKeys } from "./urls.js";

const require = createRequire(import.meta.url);
type Robots = {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
};
const robotsParser = require("robots-parser") as (url: string, contents: string) => Robots;

export const CRAWL_USER_AGENT = "openground-crawler";

export interface CrawlJobPayload {
  readonly processId: string;
  readonly accountId: string;
  readonly bucketId: number;
  readonly sourceUrl: string;
  readonly depth: number;
  readonly cap: number;
  readonly searchData?: Readonly<Record<string, unknown>>;
}

export interface CrawlDeps {
  readonly documents: DocumentStore;
  readonly blobs: BlobStore;
  /** The SSRF-guarded fetch (every URL and redirect checked). */
  readonly fetch: (url: string, signal: AbortSignal) => Promise<SafeResponse>;
  /** The job a discovered page is ingested by. */
  readonly ingestJob: (documentId: string, processId: string) => NewJob;
  /** Wake the ingest workers. */
  readonly wake: () => void;
  /** Politeness between two requests to the host, unless robots.txt asks for more. */
  readonly delayMs: number;
}

/**
 * Normalise a URL for de-duplication: no fragment, lower-case host, default
 * port dropped, empty path as "/". Query strings are kept (they can name pages).
 */
export function normaliseUrl(raw: string, base?: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  url.hash = "";
  url.username = "";
  url.password = "";
  if ((url.protocol === "http:" && url.port === "80") || (url.protocol === "https:" && url.port === "443"))
    url.port = "";
  return url;
}

/** Links, title and canonical URL of an HTML page. */
export function readPage(
  html: string,
  pageUrl: string,
): { title: string | undefined; canonical: URL | undefined; links: URL[] } {
  const document = parseDocument(html);
  const base = document.querySelectorAll("base[href]")[0]?.getAttribute("href") ?? undefined;
  const baseUrl = normaliseUrl(base ?? pageUrl, pageUrl)?.toString() ?? pageUrl;
  const links: URL[] = [];
  for (const anchor of document.querySelectorAll("a[href]")) {
    if ((anchor.getAttribute("rel") ?? "").split(/\s+/).includes("nofollow")) continue;
    const url = normaliseUrl(anchor.getAttribute("href") ?? "", baseUrl);
    if (url) links.push(url);
  }
  const canonicalHref = document.querySelectorAll('link[rel="canonical"][href]')[0]?.getAttribute("href");
  const canonical = canonicalHref ? normaliseUrl(canonicalHref, baseUrl) : undefined;
  const title = document.title.trim() || undefined;
  return { title, canonical, links };
}

const HTML_TYPES = new Set(["text/html", "application/xhtml+xml"]);
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Breadth-first crawl of one site (D12): same host only, robots.txt and its
 * crawl-delay honoured, fragments and default ports normalised, canonical URLs
 * and identical content visited once, HTML pages (and same-host PDFs) only.
 * Every page becomes a document of the process as soon as it is fetched, so
 * progress shows while the crawl runs; cancelling the process stops it.
 */
export async function crawl(payload: CrawlJobPayload, deps: CrawlDeps, signal: AbortSignal): Promise<number> {
  const start = normaliseUrl(payload.sourceUrl);
  if (!start) return 0;
  const host = start.host;
  const robots = await loadRobots(start, deps, signal);
  const delay = Math.max(deps.delayMs, (robots?.getCrawlDelay(CRAWL_USER_AGENT) ?? 0) * 1000);

  const seen = new Set<string>([start.toString()]);
  const hashes = new Set<string>();
  const queue: { url: URL; depth: number }[] = [{ url: start, depth: 0 }];
  let created = 0;
  let first = true;

  while (queue.length > 0 && created < payload.cap) {
    if (signal.aborted || (await deps.documents.getProcessById(payload.processId))?.cancelled) break;
    const next = queue.shift();
    if (!next) break;
    if (robots && robots.isAllowed(next.url.toString(), CRAWL_USER_AGENT) === false) continue;
    if (!first) await sleep(delay, signal);
    first = false;

    let response: SafeResponse;
    try {
      response = await deps.fetch(next.url.toString(), signal);
    } catch (error) {
      if (error instanceof FetchError) continue; // an unreachable or refused page is skipped, not fatal
      throw error;
    }
    const finalUrl = normaliseUrl(response.finalUrl);
    if (!finalUrl || finalUrl.host !== host) continue; // redirected off the site
    const type = response.contentType ?? "text/html";
    const isHtml = HTML_TYPES.has(type);
    if (!isHtml && type !== "application/pdf") continue;

    const hash = createHash("sha256").update(response.bytes).digest("hex");
    if (hashes.has(hash)) continue;
    hashes.add(hash);

    let title: string | undefined;
    if (isHtml) {
      const charset = /charset=([^;]+)/i.exec(response.headers["content-type"] ?? "")?.[1];
      const page = readPage(decodeText(response.bytes, charset).text, finalUrl.toString());
      title = page.title;
      if (page.canonical && page.canonical.host === host) seen.add(page.canonical.toString());
      if (next.depth < payload.depth) {
        for (const link of page.links) {
          const key = link.toString();
          if (link.host !== host || seen.has(key)) continue;
          seen.add(key);
          queue.push({ url: link, depth: next.depth + 1 });
        }
      }
    }

    const documentId = newUuid();
    const document: NewDocument = {
      id: documentId,
      bucketId: payload.bucketId,
      fileName: title ?? pageName(finalUrl),
      declaredType: isHtml ? undefined : "pdf",
      processLevel: "full",
      filter: undefined,
      searchData: payload.searchData,
      urlToken: randomBytes(18).toString("base64url"),
      originUrl: finalUrl.toString(),
      sourceKind: "crawl",
      fileBytes: response.bytes.byteLength,
      contentHash: hash,
    };
    await deps.blobs.put(blobKeys.original(documentId), response.bytes);
    await deps.documents.addDocuments(
      payload.processId,
      payload.accountId,
      [document],
      [deps.ingestJob(documentId, payload.processId)],
    );
    deps.wake();
    created += 1;
  }
  return created;
}

function pageName(url: URL): string {
  const last = url.pathname.split("/").filter(Boolean).at(-1);
  return last ? decodeURIComponent(last) : url.host;
}

async function loadRobots(start: URL, deps: CrawlDeps, signal: AbortSignal): Promise<Robots | undefined> {
  const robotsUrl = new URL("/robots.txt", start).toString();
  try {
    const response = await deps.fetch(robotsUrl, signal);
    return robotsParser(robotsUrl, new TextDecoder().decode(response.bytes));
  } catch {
    return undefined; // no robots.txt (404, unreachable): everything is allowed
  }
}
