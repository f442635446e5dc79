import { describe, expect, it } from "vitest";
import { AppError } from "../../errors/index.js";
import {
  MAX_PROMPTED_FIELDS_PER_STEP,
  RESERVED_CUSTOM_STEP_NAMES,
  validateWorkflowRequest,
} from "./index.js";

function expectInvalid(input: unknown, message: string | RegExp): void {
  let caught: unknown;
  try {
    validateWorkflowRequest(input);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AppError);
  const error = caught as AppError;
  expect(error.code).toBe("VALIDATION_FAILED");
  expect(error.status).toBe(400);
  if (typeof message === "string") expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

type Obj = Record<string, unknown>;

const step = (overrides: Obj = {}): Obj => ({
  name: "totals",
  level: "document",
  kind: "keys",
  ...overrides,
});

const route = (overrides: Obj = {}): Obj => ({
  workflowGroup: "invoice",
  workflowField: "total",
  finalPath: "/invoice/total",
  stepName: "totals",
  level: "document",
  outputMap: "customDocumentOutputs",
  outputKey: "total_amount",
  readbackPath: "totals._records.total_amount",
  ...overrides,
});

const leaf = (overrides: Obj = {}): Obj => ({
  finalPath: "/invoice/total",
  workflowGroup: "invoice",
  workflowField: "total",
  stepName: "totals",
  level: "document",
  outputKey: "total_amount",
  fieldType: "number",
  isRepeated: false,
  repetitionScope: "none",
  ...overrides,
});

/** A valid workflow with one custom step, one route and its leaf field, with overrides. */
const workflow = (parts: { steps?: Obj[]; routes?: Obj[]; leaves?: Obj[]; extra?: Obj } = {}): Obj => ({
  customSteps: parts.steps ?? [step()],
  outputRoutes: parts.routes ?? [route()],
  leafFields: parts.leaves ?? [leaf()],
  ...parts.extra,
});

describe("customSteps", () => {
  it("accepts a valid step with config and template keys", () => {
    const def = validateWorkflowRequest(
      workflow({
        steps: [
          step({
            config: {
              all: { engine: { service: "openai" }, includes: { pageImages: true }, prompt: { task: null } },
              table: null,
            },
            requiredTemplateKeys: ["CUSTOMER"],
          }),
        ],
        extra: { template: { CUSTOMER: "ACME" } },
      }),
    );
    expect(def.customSteps).toEqual([
      {
        name: "totals",
        level: "document",
        kind: "keys",
        config: {
          all: {
            engine: { service: "openai", baseURL: "https://api.openai.com/v1" },
            includes: { pageImages: true },
            prompt: { task: null },
          },
        },
        requiredTemplateKeys: ["CUSTOMER"],
      },
    ]);
  });

  it("accepts custom steps without routes, of every kind", () => {
    const def = validateWorkflowRequest({
      customSteps: [
        step({ name: "a", level: "chunk", kind: "instruct", config: null, requiredTemplateKeys: null }),
        step({ name: "b", level: "section", kind: "summary" }),
        step({ name: "c", level: "document", kind: "summary" }),
      ],
    });
    expect(def.customSteps?.map((s) => s.name)).toEqual(["a", "b", "c"]);
    expect(def.customSteps?.[0]).toEqual({ name: "a", level: "chunk", kind: "instruct" });
  });

  it("requires lower_snake names", () => {
    for (const name of ["Totals", "totals-x", "1totals", "totals_", "to__tals", "_records"]) {
      expectInvalid({ customSteps: [step({ name })] }, "customSteps[0].name: must be lower_snake_case");
    }
    expectInvalid({ customSteps: [step({ name: null })] }, "customSteps[0].name: is required");
    expectInvalid({ customSteps: [step({ name: "" })] }, "customSteps[0].name: must not be empty");
  });

  it("rejects reserved names", () => {
    for (const name of ["doc_summary", "chunk_instruct", "search_query", "text", "all"]) {
      expect(RESERVED_CUSTOM_STEP_NAMES).toContain(name);
      expectInvalid({ customSteps: [step({ name })] }, `customSteps[0].name: '${name}' is a reserved name`);
    }
  });

  it("rejects duplicate names", () => {
    expectInvalid(
      { customSteps: [step(), step({ name: "other" }), step({ level: "chunk" })] },
      "customSteps[2].name: duplicates the name of customSteps[0] ('totals')",
    );
  });

  it("checks level and kind, and kinds per level", () => {
    expectInvalid(
      { customSteps: [step(), step({ name: "b", level: "page" })] },
      "customSteps[1].level: must be one of chunk, section, document",
    );
    expectInvalid(
      { customSteps: [step({ kind: "extract" })] },
      "customSteps[0].kind: must be one of instruct, keys, summary",
    );
    expectInvalid(
      { customSteps: [step({ kind: "instruct" })] },
      "customSteps[0].kind: must be one of keys, summary for level document",
    );
    expectInvalid({ customSteps: [step({ level: undefined })] }, "customSteps[0].level: is required");
  });

  it("rejects field in a custom config, unknown element keys and unknown step keys", () => {
    expectInvalid(
      { customSteps: [step({ config: { all: { field: "doc-sum" } } })] },
      /^customSteps\[0\]\.config\.all\.field: is not allowed in a custom step config/,
    );
    expectInvalid(
      { customSteps: [step({ config: { image: {} } })] },
      /^customSteps\[0\]\.config\.image: is not allowed/,
    );
    expectInvalid({ customSteps: [step({ prompt: "x" })] }, /^customSteps\[0\]\.prompt: is not allowed/);
    expectInvalid(
      { customSteps: [step({ config: { all: { engine: { service: "x" } } } })] },
      /^customSteps\[0\]\.config\.all\.engine\.service: must be one of/,
    );
  });

  it("requires requiredTemplateKeys to be set in the template", () => {
    expectInvalid(
      { customSteps: [step({ requiredTemplateKeys: ["CUSTOMER"] })], template: { OTHER: "x" } },
      "customSteps[0].requiredTemplateKeys: template key 'CUSTOMER' is not set",
    );
    expectInvalid(
      { customSteps: [step({ requiredTemplateKeys: "CUSTOMER" })] },
      "customSteps[0].requiredTemplateKeys: must be an array",
    );
    expectInvalid(
      { customSteps: [step({ requiredTemplateKeys: [1] })] },
      "customSteps[0].requiredTemplateKeys[0]: must be a string",
    );
  });
});

describe("outputRoutes and leafFields", () => {
  it("accepts a matching route and leaf, including a repeated-item pointer", () => {
    const pointer = "/invoice/lines/*/a~1b~0c";
    const def = validateWorkflowRequest(
      workflow({
        steps: [step({ level: "chunk", kind: "instruct" })],
        routes: [route({ level: "chunk", outputMap: "customChunkOutputs", finalPath: pointer })],
        leaves: [leaf({ level: "chunk", finalPath: pointer, isRepeated: true, repetitionScope: "item" })],
      }),
    );
    expect(def.outputRoutes?.[0]?.finalPath).toBe(pointer);
    expect(
      validateWorkflowRequest(
        workflow({ routes: [route({ finalPath: "" })], leaves: [leaf({ finalPath: "" })] }),
      ),
    ).toBeDefined();
  });

  it("requires every route field as a non-empty string", () => {
    for (const key of ["workflowGroup", "workflowField", "stepName", "readbackPath"]) {
      expectInvalid(
        workflow({ routes: [route({ [key]: undefined })] }),
        `outputRoutes[0].${key}: is required`,
      );
      expectInvalid(workflow({ routes: [route({ [key]: null })] }), `outputRoutes[0].${key}: is required`);
      expectInvalid(
        workflow({ routes: [route({ [key]: "" })] }),
        `outputRoutes[0].${key}: must not be empty`,
      );
      expectInvalid(workflow({ routes: [route({ [key]: 1 })] }), `outputRoutes[0].${key}: must be a string`);
    }
  });

  it("checks the pointer, outputKey, level and outputMap of routes", () => {
    for (const finalPath of ["invoice/total", "/a~2", "/a~", "*"]) {
      expectInvalid(
        workflow({ routes: [route({ finalPath })] }),
        "outputRoutes[0].finalPath: must be an RFC 6901 JSON pointer",
      );
    }
    expectInvalid(
      workflow({ routes: [route({ outputKey: "TotalAmount" })] }),
      "outputRoutes[0].outputKey: must be lower_snake_case",
    );
    expectInvalid(
      workflow({ routes: [route({ level: "page" })] }),
      "outputRoutes[0].level: must be one of chunk, section, document",
    );
    expectInvalid(
      workflow({ routes: [route({ outputMap: "customOutputs" })] }),
      /^outputRoutes\[0\]\.outputMap: must be one of/,
    );
    expectInvalid(
      workflow({ routes: [route({ outputMap: "customChunkOutputs" })] }),
      "outputRoutes[0].outputMap: must be customDocumentOutputs for level document",
    );
    expectInvalid(workflow({ routes: [route({ extra: 1 })] }), /^outputRoutes\[0\]\.extra: is not allowed/);
  });

  it("requires routes and leaves to name a custom step of the same level", () => {
    expectInvalid(
      workflow({ routes: [route({ stepName: "missing" })] }),
      "outputRoutes[0].stepName: names no customSteps entry ('missing')",
    );
    expectInvalid(
      workflow({ routes: [route({ level: "section", outputMap: "customSectionOutputs" })] }),
      "outputRoutes[0].level: must equal the level of custom step 'totals' (document)",
    );
    expectInvalid(
      workflow({ leaves: [leaf({ stepName: "missing" })] }),
      /^leafFields\[0\]\.stepName: names no customSteps/,
    );
    expectInvalid(
      workflow({ leaves: [leaf({ level: "chunk" })] }),
      /^leafFields\[0\]\.level: must equal the level/,
    );
  });

  it("checks every leaf field", () => {
    expectInvalid(
      workflow({ leaves: [leaf({ fieldType: undefined })] }),
      "leafFields[0].fieldType: is required",
    );
    expectInvalid(
      workflow({ leaves: [leaf({ isRepeated: null })] }),
      "leafFields[0].isRepeated: is required",
    );
    expectInvalid(
      workflow({ leaves: [leaf({ isRepeated: "no" })] }),
      "leafFields[0].isRepeated: must be a boolean",
    );
    expectInvalid(
      workflow({ leaves: [leaf({ repetitionScope: "all" })] }),
      "leafFields[0].repetitionScope: must be one of none, field, item",
    );
    expectInvalid(
      workflow({ leaves: [leaf({ finalPath: "x" })] }),
      "leafFields[0].finalPath: must be an RFC 6901 JSON pointer",
    );
    expectInvalid(
      workflow({ leaves: [leaf({ outputKey: "a-b" })] }),
      "leafFields[0].outputKey: must be lower_snake_case",
    );
  });

  it("requires exactly one matching leaf field per route", () => {
    expectInvalid(workflow({ leaves: [] }), "outputRoutes[0]: has no matching leafFields entry");
    expectInvalid(
      workflow({ leaves: [leaf({ workflowField: "sum" })] }),
      "outputRoutes[0]: has no matching leafFields entry",
    );
    expectInvalid(
      workflow({ routes: [route(), route({ outputKey: "other" })] }),
      "outputRoutes[1]: has no matching leafFields entry",
    );
    expectInvalid(
      workflow({ leaves: [leaf(), leaf({ fieldType: "string" })] }),
      "outputRoutes[0]: has 2 matching leafFields entries (expected one)",
    );
  });

  it("allows leaf fields without a route and differing non-identity members", () => {
    const def = validateWorkflowRequest(
      workflow({
        leaves: [leaf({ fieldType: "currency" }), leaf({ workflowField: "tax", outputKey: "tax" })],
      }),
    );
    expect(def.leafFields).toHaveLength(2);
  });

  it(`allows at most ${MAX_PROMPTED_FIELDS_PER_STEP} prompted fields per custom step`, () => {
    expect(MAX_PROMPTED_FIELDS_PER_STEP).toBe(20);
    const leaves = (n: number) =>
      Array.from({ length: n }, (_, i) => leaf({ workflowField: `f${i}`, outputKey: `f${i}` }));
    expect(validateWorkflowRequest(workflow({ routes: [], leaves: leaves(20) })).leafFields).toHaveLength(20);
    expectInvalid(
      workflow({ steps: [step({ name: "first" }), step()], routes: [], leaves: leaves(21) }),
      "customSteps[1]: has 21 prompted fields (max 20)",
    );
  });
});
