import type { FastifyInstance } from "fastify";
import { AppError } from "../../errors/index.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * Keep explicit `null`s in the JSON body. Only workflow routes need this:
     * there `null` disables a step or a prompt (CONTRACT.md §9.4).
     */
    keepNulls?: boolean;
  }
}

/** Drop `null` members recursively: the Python SDK sends `null` for every unset optional (§1.3). */
export function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== null) out[key] = stripNulls(member);
    }
    return out;
  }
  return value;
}

/**
 * JSON bodies: an empty body is "no body" (the SDKs send POSTs without one, e.g.
 * add bucket to group), malformed JSON is a 400 that says so, prototype
 * poisoning is refused by fastify's own parser, and `null`s mean "absent".
 */
export function registerBodyParsing(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  // Only JSON (and, on ingest routes, multipart) bodies are accepted; text/plain is a 400 like any other type.
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") {
      done(null, undefined);
      return;
    }
    parseJson(request, text, (error, parsed) => {
      if (error)
        done(new AppError("MALFORMED_JSON", `body: is not valid JSON (${error.message})`), undefined);
      else done(null, parsed);
    });
  });

  app.addHook("preValidation", async (request) => {
    if (request.body !== undefined && request.routeOptions.config.keepNulls !== true) {
      request.body = stripNulls(request.body);
    }
  });
}
