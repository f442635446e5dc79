import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AppError } from "../../errors/index.js";
import {
  validateWorkflowRequest,
  validateWorkflowUpdate,
  type WorkflowDefinition,
  workflowToYaml,
} from "./index.js";

const realistic: Record<string, unknown> = JSON.parse(
  readFileSync(new URL("./fixtures/realistic-workflow.json", import.meta.url), "utf8"),
);

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
  if (typeof message === "string") expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

/** Drops the stored `yaml` text so definitions compiled from YAML compare with JSON ones. */
function withoutYaml(def: WorkflowDefinition): WorkflowDefinition {
  const { yaml: _yaml, ...rest } = def;
  return rest;
}

const authored = `# Authored workflow
name: From YAML
chunkStrategy: size
steps:
  doc-summary:
    all:
      engine:
        service: openai
        engineID: gpt-4.1-mini
      prompt:
        task:
          additionalContext: Focus on {{CUSTOMER}}.
  sect-summary: null
customSteps:
  - name: totals
    level: document
    kind: summary
    requiredTemplateKeys: [CUSTOMER]
outputRoutes:
  - { workflowGroup: invoice, workflowField: total, finalPath: /invoice/total, stepName: totals,
      level: document, outputMap: customDocumentOutputs, outputKey: total, readbackPath: totals.total }
leafFields:
  - { finalPath: /invoice/total, workflowGroup: invoice, workflowField: total, stepName: totals,
      level: document, outputKey: total, fieldType: number, isRepeated: false, repetitionScope: none }
extract:
  invoice: { fields: [total] }
template:
  CUSTOMER: ACME
  TONE: formal
`;

describe("yaml: compile", () => {
  it("compiles authored YAML like a JSON body and keeps the text verbatim", () => {
    const def = validateWorkflowRequest({ yaml: authored });
    expect(def.yaml).toBe(authored);
    expect(def.name).toBe("From YAML");
    expect(def.chunkStrategy).toBe("size");
    expect(def.steps).toEqual({
      "doc-summary": {
        all: {
          engine: { service: "openai", baseURL: "https://api.openai.com/v1", engineID: "gpt-4.1-mini" },
          prompt: { task: { additionalContext: "Focus on {{CUSTOMER}}." } },
        },
      },
      "sect-summary": null,
    });
    expect(def.customSteps).toEqual([
      { name: "totals", level: "document", kind: "summary", requiredTemplateKeys: ["CUSTOMER"] },
    ]);
    expect(def.extract).toEqual({ invoice: { fields: ["total"] } });
    expect(Object.keys(def).at(-1)).toBe("yaml");
  });

  it("lets the JSON body's name, strategies and template keys win over the YAML", () => {
    const def = validateWorkflowRequest({
      yaml: authored,
      name: "From JSON",
      chunkStrategy: "element",
      sectionStrategy: "page",
      template: { TONE: "casual" },
      extract: null,
    });
    expect(def.name).toBe("From JSON");
    expect(def.chunkStrategy).toBe("element");
    expect(def.sectionStrategy).toBe("page");
    expect(def.template).toEqual({ CUSTOMER: "ACME", TONE: "casual" });
  });

  it.each(["steps", "customSteps", "outputRoutes", "leafFields", "extract"])(
    "rejects yaml combined with %s",
    (field) => {
      expectInvalid({ yaml: "name: x", [field]: {} }, `yaml: cannot be combined with ${field}`);
    },
  );

  it("treats null as absent for the exclusive fields", () => {
    const def = validateWorkflowRequest({ yaml: "name: x", steps: null, customSteps: null, extract: null });
    expect(withoutYaml(def)).toEqual({ name: "x" });
  });

  it("reports parse errors with their line", () => {
    expectInvalid({ yaml: "name: x\nsteps: [a\nb: c" }, /^yaml: .*line \d+, column \d+$/);
    expectInvalid({ yaml: "name: a\nname: b\n" }, /^yaml: Map keys must be unique at line 2/);
    expectInvalid(
      { yaml: "name: x\nextract: *nowhere\n" },
      "yaml: Unresolved alias *nowhere at line 2, column 10",
    );
  });

  it("rejects self-referencing aliases and over-deep JSON as too deeply nested", () => {
    expectInvalid(
      { yaml: "extract: &a { x: *a }\n" },
      /^yaml\.extract(\.x)+: is nested too deeply \(max 100 levels\)$/,
    );
    let deep: Record<string, unknown> = {};
    const extract = deep;
    for (let level = 0; level < 150; level++) {
      const next = {};
      deep.x = next;
      deep = next;
    }
    expectInvalid({ extract }, /^extract(\.x)+: is nested too deeply/);
  });

  it("requires a mapping of workflow fields", () => {
    for (const yaml of ["", "- a\n- b\n", "just text", "42"]) {
      expectInvalid({ yaml }, "yaml: must be a YAML mapping of workflow fields");
    }
    expectInvalid({ yaml: "workflowId: abc\n" }, /^yaml\.workflowId: is not allowed; expected one of name,/);
    expectInvalid({ yaml: "yaml: nested\n" }, /^yaml\.yaml: is not allowed/);
    expectInvalid({ yaml: 42 }, "yaml: must be a string");
  });

  it("prefixes errors inside the YAML with yaml.", () => {
    expectInvalid(
      { yaml: "steps:\n  doc-summary:\n    all:\n      field: summary\n" },
      /^yaml\.steps\.doc-summary\.all\.field: must be one of doc-sum/,
    );
    expectInvalid({ yaml: "template:\n  A: 1\n" }, "yaml.template.A: must be a string");
    expectInvalid(
      { yaml: "customSteps:\n  - { name: t, level: document, kind: keys, requiredTemplateKeys: [X] }\n" },
      "yaml.customSteps[0].requiredTemplateKeys: template key 'X' is not set",
    );
    expectInvalid(
      { yaml: authored.replace("outputKey: total, fieldType", "outputKey: other, fieldType") },
      "yaml.outputRoutes[0]: has no matching leafFields entry",
    );
  });

  it("accepts requiredTemplateKeys satisfied by the JSON template or the stored one", () => {
    const yaml = "customSteps:\n  - { name: t, level: document, kind: keys, requiredTemplateKeys: [X] }\n";
    expect(validateWorkflowRequest({ yaml, template: { X: "1" } }).template).toEqual({ X: "1" });
    expect(validateWorkflowUpdate({ yaml }, { template: { X: "stored" } }).template).toEqual({ X: "stored" });
  });
});

describe("yaml: workflowToYaml", () => {
  it("returns authored YAML verbatim", () => {
    expect(workflowToYaml(validateWorkflowRequest({ yaml: authored }))).toBe(authored);
  });

  it("round-trips the realistic workflow", () => {
    const def = validateWorkflowRequest(realistic);
    const text = workflowToYaml(def);
    expect(text).not.toContain("&"); // no anchors/aliases
    const back = validateWorkflowRequest({ yaml: text });
    expect(back.yaml).toBe(text);
    expect(withoutYaml(back)).toEqual(def);
    expect(JSON.stringify(withoutYaml(back))).toBe(JSON.stringify(def));
  });

  it("round-trips strings YAML would otherwise read as other types, and nulls", () => {
    const def = validateWorkflowRequest({
      name: "123",
      steps: {
        "doc-keys": null,
        "chunk-keys": { all: { prompt: { task: { prompt: "true" }, request: null } } },
      },
      extract: {
        a: "null",
        b: "~",
        c: "2024-01-01",
        d: "",
        e: "multi\nline\n",
        f: null,
        g: 1.5,
        long: "word ".repeat(80),
        odd: [" lead", "trail ", "- dash", ": colon", "{x}", "*star", "&amp", "!bang", "emoji 😀"],
      },
      template: { A: "yes", B: "0x10", C: "# not a comment" },
    });
    expect(withoutYaml(validateWorkflowRequest({ yaml: workflowToYaml(def) }))).toEqual(def);
  });

  it("round-trips a __proto__ key as data, not as a prototype", () => {
    const def = validateWorkflowRequest(JSON.parse('{"extract": {"__proto__": {"a": 1}}}'));
    const back = withoutYaml(validateWorkflowRequest({ yaml: workflowToYaml(def) }));
    expect(JSON.stringify(back)).toBe('{"extract":{"__proto__":{"a":1}}}');
    expect(Object.getPrototypeOf(back.extract)).toBe(Object.prototype);
  });

  it("serialises the empty workflow as an empty mapping", () => {
    expect(workflowToYaml({})).toBe("{}\n");
    expect(withoutYaml(validateWorkflowRequest({ yaml: workflowToYaml({}) }))).toEqual({});
  });
});
