import { describe, expect, it } from "vitest";
import { formatValidationError } from "./error-handler.js";

describe("formatValidationError", () => {
  it("names a missing property", () => {
    expect(
      formatValidationError(
        { instancePath: "", keyword: "required", params: { missingProperty: "name" } },
        "body",
      ),
    ).toBe("name: is required");
    expect(
      formatValidationError(
        { instancePath: "/customSteps/0", keyword: "required", params: { missingProperty: "kind" } },
        "body",
      ),
    ).toBe("customSteps[0].kind: is required");
  });

  it("names the field of a range error in the query", () => {
    expect(
      formatValidationError(
        { instancePath: "/n", keyword: "maximum", message: "must be <= 100", params: {} },
        "querystring",
      ),
    ).toBe("n: must be <= 100");
  });

  it("lists allowed values without null", () => {
    expect(
      formatValidationError(
        {
          instancePath: "/chunkStrategy",
          keyword: "enum",
          params: { allowedValues: ["element", "size", null] },
        },
        "body",
      ),
    ).toBe("chunkStrategy: must be one of element, size");
  });

  it("names a rejected key of a propertyNames rule", () => {
    expect(
      formatValidationError(
        {
          instancePath: "/steps",
          keyword: "enum",
          propertyName: "bogus",
          params: { allowedValues: ["doc-summary"] },
        },
        "body",
      ),
    ).toBe("steps.bogus: is not an allowed key; use one of doc-summary");
  });

  it("decodes JSON pointer escapes and falls back to the context", () => {
    expect(
      formatValidationError(
        { instancePath: "/a~1b/c~0d", keyword: "type", params: { type: "string" } },
        "body",
      ),
    ).toBe("a/b.c~d: must be string");
    expect(
      formatValidationError({ instancePath: "", keyword: "type", params: { type: "object" } }, "body"),
    ).toBe("body: must be object");
  });

  it("names a forbidden extra property", () => {
    expect(
      formatValidationError(
        {
          instancePath: "/steps/doc-summary/all",
          keyword: "additionalProperties",
          params: { additionalProperty: "feild" },
        },
        "body",
      ),
    ).toBe("steps.doc-summary.all.feild: is not allowed here");
  });
});
