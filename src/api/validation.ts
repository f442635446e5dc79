import { Ajv, type Options } from "ajv";
import addFormatsModule from "ajv-formats";
import type { FastifyInstance } from "fastify";

// ajv-formats is CommonJS; under NodeNext its plugin is the `default` member of the module object.
const addFormats = addFormatsModule.default;

/**
 * Two validators: query strings and path parameters are strings on the wire and
 * are coerced (`n=5` → 5), bodies are JSON and are not (a template value of 5
 * must be refused, not turned into "5"). Neither removes unknown properties: a
 * schema that forbids them must say so with an error.
 */
export function registerValidation(app: FastifyInstance): void {
  const base: Options = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false };
  const bodyAjv = new Ajv({ ...base, coerceTypes: false });
  const queryAjv = new Ajv({ ...base, coerceTypes: "array" });
  for (const ajv of [bodyAjv, queryAjv]) addFormats(ajv);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === "body" ? bodyAjv : queryAjv).compile(schema as object),
  );
  // Responses are what the presenters build; response schemas document them in OpenAPI.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}
