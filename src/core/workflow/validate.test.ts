import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AppError } from "../../errors/index.js";
import {
  applyWorkflowUpdate,
  OPENAI_BASE_URL,
  validateWorkflowRequest,
  validateWorkflowUpdate,
  type WorkflowDefinition,
} from "./index.js";

const realistic: Record<string, unknown> = JSON.parse(
  readFileSync(new URL("./fixtures/realistic-workflow.json", import.meta.url), "utf8"),
);

function errorOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a validation error");
}

/** Asserts a 400 VALIDATION_FAILED whose message is `message` (string) or matches it (RegExp). */
function expectInvalid(input: unknown, message: string | RegExp): void {
  const error = errorOf(() => validateWorkflowRequest(input));
  expect(error.code).toBe("VALIDATION_FAILED");
  expect(error.status).toBe(400);
  if (typeof message === "string") expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

/** A step config under steps.doc-summary.all. */
const withConfig = (config: unknown) => ({ steps: { "doc-summary": { all: config } } });
const withEngine = (engine: unknown) => withConfig({ engine });
const withPrompt = (prompt: unknown) => withConfig({ prompt });

describe("validateWorkflowRequest: body and top-level fields", () => {
  it("accepts {} as the default workflow", () => {
    expect(validateWorkflowRequest({})).toEqual({});
  });

  it.each([null, [], "x", 3])("rejects a non-object body (%j)", (body) => {
    expectInvalid(body, "body: must be a JSON object");
  });

  it("drops explicit nulls and unknown top-level fields", () => {
    const def = validateWorkflowRequest({
      name: null,
      chunkStrategy: null,
      sectionStrategy: null,
      steps: null,
      customSteps: null,
      outputRoutes: null,
      leafFields: null,
      extract: null,
      template: null,
      yaml: null,
      workflowId: "ignored",
      somethingNew: { a: 1 },
    });
    expect(def).toEqual({});
  });

  it("keeps name and strategies, in schema order", () => {
    const def = validateWorkflowRequest({ sectionStrategy: "chunks", name: "w", chunkStrategy: "size" });
    expect(Object.keys(def)).toEqual(["name", "chunkStrategy", "sectionStrategy"]);
  });

  it("rejects bad top-level types and enums", () => {
    expectInvalid({ name: 5 }, "name: must be a string");
    expectInvalid({ chunkStrategy: "page" }, "chunkStrategy: must be one of element, size");
    expectInvalid({ sectionStrategy: "size" }, "sectionStrategy: must be one of chunks, page");
    expectInvalid({ steps: [] }, "steps: must be an object");
    expectInvalid({ customSteps: {} }, "customSteps: must be an array");
    expectInvalid({ extract: "x" }, "extract: must be an object");
  });

  it("reports the first problem in schema order", () => {
    expectInvalid({ template: { A: 1 }, name: 5, chunkStrategy: "x" }, /^name:/);
    expectInvalid({ template: { A: 1 }, chunkStrategy: "x" }, /^chunkStrategy:/);
  });
});

describe("validateWorkflowRequest: steps", () => {
  it("keeps a null step and a null element config (they disable defaults)", () => {
    const def = validateWorkflowRequest({
      steps: { "sect-summary": null, "chunk-instruct": { figure: null } },
    });
    expect(def.steps).toEqual({ "sect-summary": null, "chunk-instruct": { figure: null } });
  });

  it("rejects unknown step, element and config keys", () => {
    expectInvalid(
      { steps: { "doc-sumary": {} } },
      /^steps\.doc-sumary: is not allowed; expected one of doc-summary/,
    );
    expectInvalid({ steps: { "doc-summary": { image: {} } } }, /^steps\.doc-summary\.image: is not allowed/);
    expectInvalid(withConfig({ fields: "doc-sum" }), /^steps\.doc-summary\.all\.fields: is not allowed/);
    expectInvalid({ steps: { "doc-summary": "on" } }, "steps.doc-summary: must be an object");
    expectInvalid(withConfig(true), "steps.doc-summary.all: must be an object");
  });

  it("accepts every output field", () => {
    for (const field of ["doc-sum", "doc-keys", "sect-sum", "sect-keys", "chunk-sum", "chunk-keys", "text"]) {
      expect(validateWorkflowRequest(withConfig({ field })).steps?.["doc-summary"]?.all).toEqual({ field });
    }
  });

  it("silently drops a field that is a stage name but not an output field", () => {
    for (const field of ["doc-summary", "sect-summary", "sect-instruct", "chunk-summary", "search-query"]) {
      expect(validateWorkflowRequest(withConfig({ field })).steps?.["doc-summary"]?.all).toEqual({});
    }
  });

  it("rejects any other field value", () => {
    const message =
      "steps.doc-summary.all.field: must be one of doc-sum, doc-keys, sect-sum, sect-keys, chunk-sum, chunk-keys, chunk-instruct, text";
    expectInvalid(withConfig({ field: "summary" }), message);
    expectInvalid(withConfig({ field: 3 }), message);
  });

  it("drops a null field, engine and includes but keeps prompt: null", () => {
    const def = validateWorkflowRequest(
      withConfig({ field: null, engine: null, includes: null, prompt: null }),
    );
    expect(def.steps?.["doc-summary"]?.all).toEqual({ prompt: null });
  });

  it("validates includes as an object of booleans", () => {
    expect(validateWorkflowRequest(withConfig({ includes: { pageImages: true } })).steps).toEqual({
      "doc-summary": { all: { includes: { pageImages: true } } },
    });
    expectInvalid(
      withConfig({ includes: { pageImages: "yes" } }),
      "steps.doc-summary.all.includes.pageImages: must be a boolean",
    );
    expectInvalid(withConfig({ includes: [true] }), "steps.doc-summary.all.includes: must be an object");
  });
});

describe("validateWorkflowRequest: engine", () => {
  const engineOf = (engine: unknown) =>
    validateWorkflowRequest(withEngine(engine)).steps?.["doc-summary"]?.all?.engine;

  it("accepts every service, including legacy eyelevel", () => {
    for (const service of [
      "openai",
      "openai-base64",
      "azure",
      "deep-infra",
      "hosted",
      "bedrock",
      "eyelevel",
    ]) {
      expect(engineOf({ service })?.service).toBe(service);
    }
  });

  it("rejects an unknown service with the full list", () => {
    expectInvalid(
      { steps: { "chunk-instruct": { table: { engine: { service: "anthropic" } } } } },
      "steps.chunk-instruct.table.engine.service: must be one of openai, openai-base64, azure, deep-infra, hosted, bedrock, eyelevel",
    );
  });

  it("pre-fills baseURL for the OpenAI services only", () => {
    expect(engineOf({ service: "openai" })).toEqual({ service: "openai", baseURL: OPENAI_BASE_URL });
    expect(engineOf({ service: "openai-base64" })?.baseURL).toBe(OPENAI_BASE_URL);
    expect(engineOf({ service: "openai", baseURL: "http://localhost:11434/v1" })?.baseURL).toBe(
      "http://localhost:11434/v1",
    );
    expect(engineOf({ service: "azure" })).toEqual({ service: "azure" });
    expect(engineOf({ service: "hosted", baseURL: null })).toEqual({ service: "hosted" });
    expect(engineOf({ engineID: "m" })).toEqual({ engineID: "m" });
  });

  it("requires baseURL to be an absolute http(s) URL", () => {
    expect(engineOf({ baseURL: "HTTPS://Example.com/v1" })?.baseURL).toBe("HTTPS://Example.com/v1");
    for (const baseURL of ["ftp://example.com", "example.com/v1", "/v1", "https://", "https:example.com"]) {
      expectInvalid(
        withEngine({ baseURL }),
        "steps.doc-summary.all.engine.baseURL: must be an absolute http(s) URL",
      );
    }
    expectInvalid(withEngine({ baseURL: 1 }), "steps.doc-summary.all.engine.baseURL: must be a string");
  });

  it("checks engineID, apiKey, reasoningEffort and maxImages", () => {
    expect(engineOf({ engineID: "gpt", apiKey: "k", reasoningEffort: "minimal", maxImages: 1 })).toEqual({
      engineID: "gpt",
      apiKey: "k",
      reasoningEffort: "minimal",
      maxImages: 1,
    });
    expectInvalid(withEngine({ engineID: 4 }), "steps.doc-summary.all.engine.engineID: must be a string");
    expectInvalid(withEngine({ apiKey: {} }), "steps.doc-summary.all.engine.apiKey: must be a string");
    expectInvalid(
      withEngine({ reasoningEffort: "max" }),
      "steps.doc-summary.all.engine.reasoningEffort: must be one of minimal, low, medium, high",
    );
    for (const maxImages of [0, -1, 1.5, "2"]) {
      expectInvalid(
        withEngine({ maxImages }),
        "steps.doc-summary.all.engine.maxImages: must be a positive integer",
      );
    }
  });

  it("requires apiKey on the same engine for requestHeaders", () => {
    const headers = { "X-Org": "acme" };
    expect(engineOf({ apiKey: "k", requestHeaders: headers })?.requestHeaders).toEqual(headers);
    expectInvalid(
      withEngine({ requestHeaders: headers }),
      "steps.doc-summary.all.engine.requestHeaders: requires apiKey on the same engine",
    );
    expectInvalid(
      withEngine({ apiKey: null, requestHeaders: headers }),
      /^steps\.doc-summary\.all\.engine\.requestHeaders:/,
    );
    expectInvalid(
      withEngine({ apiKey: "k", requestHeaders: { "X-Org": 1 } }),
      "steps.doc-summary.all.engine.requestHeaders.X-Org: must be a string",
    );
  });

  it("keeps requestPassthrough verbatim and rejects non-objects", () => {
    const passthrough = { temperature: 0.2, stop: ["\n"], nested: { x: null } };
    expect(engineOf({ requestPassthrough: passthrough })?.requestPassthrough).toEqual(passthrough);
    expectInvalid(
      withEngine({ requestPassthrough: [1] }),
      "steps.doc-summary.all.engine.requestPassthrough: must be an object",
    );
  });

  it("rejects unknown engine keys (e.g. a mis-cased baseUrl)", () => {
    expectInvalid(
      withEngine({ baseUrl: "https://x.test" }),
      /^steps\.doc-summary\.all\.engine\.baseUrl: is not allowed/,
    );
  });
});

describe("validateWorkflowRequest: prompts", () => {
  const promptOf = (prompt: unknown) =>
    validateWorkflowRequest(withPrompt(prompt)).steps?.["doc-summary"]?.all?.prompt;

  it("keeps {} and null members, drops null parts", () => {
    expect(promptOf({})).toEqual({});
    expect(promptOf({ task: null, request: { prompt: "p", role: null } })).toEqual({
      task: null,
      request: { prompt: "p" },
    });
  });

  it("checks prompt parts and role", () => {
    const prompt = { prompt: "p", role: "developer", abbreviated: "a", additionalContext: "c" };
    expect(promptOf({ task: prompt })).toEqual({ task: prompt });
    expectInvalid(
      withPrompt({ task: { prompt: 1 } }),
      "steps.doc-summary.all.prompt.task.prompt: must be a string",
    );
    expectInvalid(
      withPrompt({ request: { role: "bot" } }),
      "steps.doc-summary.all.prompt.request.role: must be one of system, developer, user, assistant",
    );
    expectInvalid(
      withPrompt({ task: { abbreviated: false } }),
      /^steps\.doc-summary\.all\.prompt\.task\.abbreviated:/,
    );
    expectInvalid(withPrompt({ system: {} }), /^steps\.doc-summary\.all\.prompt\.system: is not allowed/);
    expectInvalid(
      withPrompt({ task: { text: "p" } }),
      /^steps\.doc-summary\.all\.prompt\.task\.text: is not allowed/,
    );
    expectInvalid(withPrompt("p"), "steps.doc-summary.all.prompt: must be an object");
  });

  it("limits additionalContext to 4096 UTF-8 bytes", () => {
    expect(promptOf({ task: { additionalContext: "a".repeat(4096) } })).toBeDefined();
    expectInvalid(
      withPrompt({ task: { additionalContext: "a".repeat(4097) } }),
      "steps.doc-summary.all.prompt.task.additionalContext: must be at most 4096 bytes (UTF-8)",
    );
    // 2,049 two-byte characters: under 4096 characters, over 4096 bytes.
    expectInvalid(
      withPrompt({ task: { additionalContext: "é".repeat(2049) } }),
      /^steps\.doc-summary\.all\.prompt\.task\.additionalContext:/,
    );
  });
});

describe("validateWorkflowRequest: template and extract", () => {
  it("accepts string template values with identifier keys", () => {
    const template = { CUSTOM_INSTRUCTIONS: "be brief", _x1: "" };
    expect(validateWorkflowRequest({ template }).template).toEqual(template);
  });

  it("rejects non-string values and bad keys, naming the key", () => {
    expectInvalid({ template: { A: "a", B: 2 } }, "template.B: must be a string");
    expectInvalid({ template: { C: null } }, "template.C: must be a string");
    expectInvalid({ template: { "bad-key": "x" } }, "template.bad-key: key must be an identifier");
    expectInvalid({ template: { "1A": "x" } }, /^template\.1A:/);
    expectInvalid({ template: ["x"] }, "template: must be an object");
  });

  it("keeps extract verbatim (deep copy, same key order)", () => {
    const extract = { z: { b: [1, { c: null }], a: "x" }, a: true };
    const def = validateWorkflowRequest({ extract });
    expect(def.extract).toEqual(extract);
    expect(JSON.stringify(def.extract)).toBe(JSON.stringify(extract));
    expect(def.extract).not.toBe(extract);
  });
});

describe("validateWorkflowRequest: a realistic workflow", () => {
  it("passes and is normalised", () => {
    const def = validateWorkflowRequest(realistic);
    expect(Object.keys(def)).toEqual([
      "name",
      "chunkStrategy",
      "sectionStrategy",
      "steps",
      "customSteps",
      "outputRoutes",
      "leafFields",
      "extract",
      "template",
    ]);
    expect(def.steps?.["doc-summary"]?.all?.engine?.baseURL).toBe(OPENAI_BASE_URL);
    expect(def.steps?.["doc-summary"]?.all?.prompt).toEqual({
      task: { role: "system", additionalContext: "Documents are {{CUSTOM_INSTRUCTIONS}}." },
      request: null,
    });
    expect(def.steps?.["sect-summary"]).toBeNull();
    expect(def.steps?.["chunk-instruct"]?.figure).toBeNull();
    expect(def.customSteps?.[0]?.config?.all?.engine?.baseURL).toBe(OPENAI_BASE_URL);
    expect(def.outputRoutes).toEqual(realistic.outputRoutes);
    expect(def.leafFields).toEqual(realistic.leafFields);
    expect(def.extract).toEqual(realistic.extract);
    expect(def.template).toEqual(realistic.template);
  });

  it("is idempotent: validating the normalised form gives the same form", () => {
    const def = validateWorkflowRequest(realistic);
    expect(validateWorkflowRequest(def)).toEqual(def);
  });
});

describe("applyWorkflowUpdate / validateWorkflowUpdate", () => {
  const stored: WorkflowDefinition = {
    name: "old",
    chunkStrategy: "size",
    steps: { "sect-summary": null },
    template: { A: "a", B: "b" },
  };

  it("replaces everything but merges template", () => {
    expect(applyWorkflowUpdate(stored, { name: "new", template: { B: "B2", C: "c" } })).toEqual({
      name: "new",
      template: { A: "a", B: "B2", C: "c" },
    });
  });

  it("keeps the stored template when the update omits it", () => {
    expect(applyWorkflowUpdate(stored, { name: "new" })).toEqual({
      name: "new",
      template: { A: "a", B: "b" },
    });
    expect(applyWorkflowUpdate({}, { name: "new" })).toEqual({ name: "new" });
  });

  it("a name-only PUT resets custom steps and steps", () => {
    const full = validateWorkflowRequest(realistic);
    const updated = validateWorkflowUpdate({ name: "renamed", steps: null }, full);
    expect(updated).toEqual({ name: "renamed", template: full.template });
  });

  it("checks requiredTemplateKeys against the merged template", () => {
    const input = {
      template: { OTHER: "x" },
      customSteps: [{ name: "totals", level: "document", kind: "keys", requiredTemplateKeys: ["A"] }],
    };
    expect(validateWorkflowUpdate(input, stored).template).toEqual({ A: "a", B: "b", OTHER: "x" });
    const error = errorOf(() => validateWorkflowUpdate(input, {}));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toBe("customSteps[0].requiredTemplateKeys: template key 'A' is not set");
    expect(() => validateWorkflowRequest(input)).toThrow(/template key 'A' is not set/);
  });

  it("validates the update body like a create", () => {
    const error = errorOf(() => validateWorkflowUpdate({ chunkStrategy: "pages" }, stored));
    expect(error.message).toMatch(/^chunkStrategy:/);
  });
});
