import { readFileSync } from "node:fs";
import { Ajv, type Options } from "ajv";
import addFormats from "ajv-formats";
import { Value } from "typebox/value";
import { describe, expect, it } from "vitest";
import {
  validateWorkflowRequest,
  WorkflowDetailSchema,
  WorkflowRequestSchema,
  workflowToYaml,
} from "./index.js";

const realistic: Record<string, unknown> = JSON.parse(
  readFileSync(new URL("./fixtures/realistic-workflow.json", import.meta.url), "utf8"),
);

/** fastify's default Ajv options (@fastify/ajv-compiler): coercion and removal are on. */
const FASTIFY_DEFAULTS: Options = {
  coerceTypes: "array",
  useDefaults: true,
  removeAdditional: true,
  allErrors: false,
};

function compile(schema: object, options: Options = { strict: false, allErrors: false }) {
  const ajv = new Ajv(options);
  // Under NodeNext the CJS default export arrives as the module object; `.default` is the plugin.
  addFormats.default(ajv);
  return ajv.compile(schema);
}

/** Fresh copy per validation: fastify's options mutate the data (coercion, removal). */
const copy = <T>(value: T): T => structuredClone(value);

const explicitNulls = {
  name: null,
  chunkStrategy: null,
  sectionStrategy: null,
  steps: {
    "doc-summary": null,
    "chunk-instruct": {
      all: { field: null, engine: null, includes: null, prompt: null },
      table: {
        engine: {
          service: null,
          baseURL: null,
          engineID: null,
          apiKey: null,
          reasoningEffort: null,
          maxImages: null,
          requestHeaders: null,
          requestPassthrough: null,
        },
        prompt: {
          task: null,
          request: { prompt: null, role: null, abbreviated: null, additionalContext: null },
        },
      },
      figure: null,
    },
  },
  customSteps: [
    { name: "totals", level: "document", kind: "keys", config: null, requiredTemplateKeys: null },
  ],
  outputRoutes: null,
  leafFields: null,
  extract: null,
  template: null,
  yaml: null,
};

/** Bodies that must be rejected, each with the path our validator reports. */
const invalidBodies: [string, unknown][] = [
  ["steps.doc-sumary", { steps: { "doc-sumary": {} } }],
  ["steps.doc-summary.image", { steps: { "doc-summary": { image: {} } } }],
  ["steps.doc-summary.all.foo", { steps: { "doc-summary": { all: { foo: 1 } } } }],
  [
    "steps.doc-summary.all.engine.baseUrl",
    { steps: { "doc-summary": { all: { engine: { baseUrl: "x" } } } } },
  ],
  [
    "steps.doc-summary.all.engine.service",
    { steps: { "doc-summary": { all: { engine: { service: "x" } } } } },
  ],
  ["steps.doc-summary.all.field", { steps: { "doc-summary": { all: { field: "summary" } } } }],
  ["chunkStrategy", { chunkStrategy: "page" }],
  ["template.A", { template: { A: 1 } }],
  ["template.bad-key", { template: { "bad-key": "x" } }],
  ["customSteps[0].level", { customSteps: [{ name: "a", level: "page", kind: "keys" }] }],
  ["customSteps[0].name", { customSteps: [{ name: "Bad", level: "chunk", kind: "keys" }] }],
  [
    "customSteps[0].config.all.field",
    { customSteps: [{ name: "a", level: "chunk", kind: "keys", config: { all: { field: "text" } } }] },
  ],
  ["outputRoutes[0].workflowGroup", { outputRoutes: [{}] }],
];

describe("WorkflowRequestSchema with Ajv", () => {
  const validate = compile(WorkflowRequestSchema);

  it("accepts the realistic workflow", () => {
    expect(validate(copy(realistic)), JSON.stringify(validate.errors)).toBe(true);
  });

  it("accepts explicit nulls everywhere they are optional (and so does the validator)", () => {
    expect(validate(copy(explicitNulls)), JSON.stringify(validate.errors)).toBe(true);
    expect(validateWorkflowRequest(copy(explicitNulls)).steps).toEqual({
      "doc-summary": null,
      "chunk-instruct": {
        all: { prompt: null },
        table: { engine: {}, prompt: { task: null, request: {} } },
        figure: null,
      },
    });
  });

  it("allows unknown top-level fields", () => {
    expect(validate({ workflowId: "x", extra: [1] })).toBe(true);
  });

  it("rejects an unknown step key", () => {
    expect(validate({ steps: { "doc-sumary": {} } })).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe("/steps");
  });

  it.each(invalidBodies)("agrees with the validator on a bad %s", (path, body) => {
    expect(validate(copy(body))).toBe(false);
    expect(() => validateWorkflowRequest(copy(body))).toThrow(
      new RegExp(`^${path.replace(/[.[\]]/g, "\\$&")}:`),
    );
  });

  it("is never stricter than the validator: normalised forms, YAML bodies and pass-through stage fields", () => {
    const def = validateWorkflowRequest(realistic);
    expect(validate(copy(def))).toBe(true);
    expect(validate({ yaml: workflowToYaml(def), name: "n" })).toBe(true);
    expect(validate({ steps: { "doc-summary": { all: { field: "search-query" } } } })).toBe(true);
  });

  it("is a schema TypeBox itself agrees with", () => {
    expect(Value.Check(WorkflowRequestSchema, realistic)).toBe(true);
    expect(Value.Check(WorkflowRequestSchema, explicitNulls)).toBe(true);
    expect(Value.Check(WorkflowRequestSchema, { steps: { "doc-sumary": {} } })).toBe(false);
  });
});

describe("WorkflowRequestSchema under fastify's default Ajv options", () => {
  const validate = compile(WorkflowRequestSchema, FASTIFY_DEFAULTS);

  it("accepts explicit nulls without coercing them", () => {
    const body = copy(explicitNulls);
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    expect(body).toEqual(explicitNulls);
  });

  it("accepts the realistic workflow unchanged", () => {
    const body = copy(realistic);
    expect(validate(body)).toBe(true);
    expect(body).toEqual(realistic);
  });

  it("still rejects unknown keys in closed objects instead of removing them", () => {
    expect(validate({ steps: { "doc-sumary": {} } })).toBe(false);
    expect(validate({ steps: { "doc-summary": { all: { engine: { baseUrl: "x" } } } } })).toBe(false);
  });
});

describe("WorkflowDetailSchema", () => {
  const validate = compile(WorkflowDetailSchema);

  it("accepts a stored workflow with readback fields and nulls", () => {
    const detail = {
      workflowId: "0f8fad5b-d9cb-469f-a165-70867728950e",
      ...validateWorkflowRequest(realistic),
      yaml: null,
      relationships: { account: true, documents: null, ids: [1, 2] },
      id: 7,
      documentId: null,
      updatedAt: "2025-01-02T03:04:05Z",
      futureField: { x: 1 },
    };
    expect(validate(detail), JSON.stringify(validate.errors)).toBe(true);
  });

  it("accepts summary rows and an empty object", () => {
    expect(validate({})).toBe(true);
    expect(validate({ workflowId: "w", name: "n", relationships: { account: false } })).toBe(true);
  });
});
