import {
  CHUNK_STRATEGIES,
  SECTION_STRATEGIES,
  TEMPLATE_KEY_PATTERN,
  WORKFLOW_REQUEST_FIELDS,
} from "./constants.js";
import { readCustomSteps, readLeafFields, readOutputRoutes } from "./custom.js";
import {
  child,
  isAbsent,
  own,
  type PlainObject,
  readEnum,
  readJsonObject,
  readString,
  readStringMap,
} from "./guards.js";
import { readSteps } from "./steps.js";
import type { WorkflowDefinition } from "./types.js";

/**
 * Reads the workflow fields (everything but `yaml`) of a JSON body or of a parsed YAML document,
 * in schema order. Top-level nulls are dropped; unknown keys are the caller's business (ignored
 * for JSON bodies, rejected in YAML).
 *
 * @param root path prefix for errors: `""` for the JSON body, `"yaml"` inside the YAML
 */
export function readWorkflowFields(obj: PlainObject, root: string): WorkflowDefinition {
  const def: WorkflowDefinition = {};
  const at = (key: string) => child(root, key);
  const field = (key: string) => {
    const value = own(obj, key);
    return isAbsent(value) ? undefined : value;
  };

  const name = field("name");
  if (name !== undefined) def.name = readString(name, at("name"));
  const chunkStrategy = field("chunkStrategy");
  if (chunkStrategy !== undefined)
    def.chunkStrategy = readEnum(chunkStrategy, CHUNK_STRATEGIES, at("chunkStrategy"));
  const sectionStrategy = field("sectionStrategy");
  if (sectionStrategy !== undefined) {
    def.sectionStrategy = readEnum(sectionStrategy, SECTION_STRATEGIES, at("sectionStrategy"));
  }
  const steps = field("steps");
  if (steps !== undefined) def.steps = readSteps(steps, at("steps"));
  const customSteps = field("customSteps");
  if (customSteps !== undefined) def.customSteps = readCustomSteps(customSteps, at("customSteps"));
  const outputRoutes = field("outputRoutes");
  if (outputRoutes !== undefined) def.outputRoutes = readOutputRoutes(outputRoutes, at("outputRoutes"));
  const leafFields = field("leafFields");
  if (leafFields !== undefined) def.leafFields = readLeafFields(leafFields, at("leafFields"));
  const extract = field("extract");
  if (extract !== undefined) def.extract = readJsonObject(extract, at("extract"));
  const template = field("template");
  if (template !== undefined) {
    def.template = readStringMap(template, at("template"), {
      pattern: TEMPLATE_KEY_PATTERN,
      name: "an identifier",
    });
  }
  return def;
}

/** The same definition with its keys in schema order (stable output and YAML serialisation). */
export function orderDefinition(def: WorkflowDefinition): WorkflowDefinition {
  const ordered: Record<string, unknown> = {};
  for (const key of WORKFLOW_REQUEST_FIELDS) {
    if (def[key] !== undefined) ordered[key] = def[key];
  }
  return ordered as WorkflowDefinition;
}
