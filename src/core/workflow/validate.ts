import { invalid } from "../../errors/index.js";
import { YAML_EXCLUSIVE_FIELDS } from "./constants.js";
import { checkCustomRules } from "./custom.js";
import { orderDefinition, readWorkflowFields } from "./fields.js";
import { isAbsent, isPlainObject, own, readString } from "./guards.js";
import type { WorkflowDefinition } from "./types.js";
import { compileWorkflowYaml } from "./yaml.js";

/**
 * Validates and normalises a WorkflowRequest body (create and validate routes, §9.2–9.5).
 *
 * - Every failure throws a 400 `AppError` (`VALIDATION_FAILED`) whose message is
 *   `"<path>: <problem>"` for the first problem found: top-level fields in schema order, arrays
 *   by index, then the rules that relate fields (template keys, routes, leaf fields).
 * - `null` means absent, except a `null` step, element config, `prompt`, `prompt.task` or
 *   `prompt.request`, which are kept (§9.4). Unknown top-level fields are dropped.
 * - `yaml` is compiled: its fields form the result, the JSON body's `name`, `chunkStrategy`,
 *   `sectionStrategy` win over the YAML's, `template` keys of the body win key by key, and the
 *   YAML text is kept verbatim in `yaml`.
 *
 * @throws AppError VALIDATION_FAILED
 */
export function validateWorkflowRequest(input: unknown): WorkflowDefinition {
  return compileRequest(input, undefined);
}

/**
 * Validates a PUT body against the stored workflow and returns the definition to store: the
 * update replaces everything (§9.4) except `template`, which merges into the stored template.
 * `requiredTemplateKeys` are checked against that merged template, so an update may rely on
 * template keys set earlier.
 *
 * @throws AppError VALIDATION_FAILED
 */
export function validateWorkflowUpdate(input: unknown, stored: WorkflowDefinition): WorkflowDefinition {
  return applyWorkflowUpdate(stored, compileRequest(input, stored.template));
}

/**
 * Applies a validated update to a stored workflow (§9.4): the result is `update` as a complete
 * overlay (omitted fields revert to defaults, i.e. are absent), except that `template` is
 * `{ ...stored.template, ...update.template }` and an omitted template keeps the stored one.
 */
export function applyWorkflowUpdate(
  stored: WorkflowDefinition,
  update: WorkflowDefinition,
): WorkflowDefinition {
  const result: WorkflowDefinition = { ...update };
  if (stored.template !== undefined || update.template !== undefined) {
    result.template = { ...stored.template, ...update.template };
  }
  return orderDefinition(result);
}

function compileRequest(input: unknown, storedTemplate: Readonly<Record<string, string>> | undefined) {
  if (!isPlainObject(input)) throw invalid("body", "must be a JSON object");
  const yamlValue = own(input, "yaml");
  // Checked first: a body mixing YAML and JSON structure is wrong whatever those fields hold.
  if (!isAbsent(yamlValue)) {
    for (const field of YAML_EXCLUSIVE_FIELDS) {
      if (!isAbsent(own(input, field))) throw invalid("yaml", `cannot be combined with ${field}`);
    }
  }

  const body = readWorkflowFields(input, "");
  if (isAbsent(yamlValue)) {
    checkCustomRules(body, "", mergeTemplates(storedTemplate, body.template));
    return orderDefinition(body);
  }

  const text = readString(yamlValue, "yaml");
  const compiled = compileWorkflowYaml(text, "yaml");
  const result: WorkflowDefinition = { ...compiled, yaml: text };
  if (body.name !== undefined) result.name = body.name;
  if (body.chunkStrategy !== undefined) result.chunkStrategy = body.chunkStrategy;
  if (body.sectionStrategy !== undefined) result.sectionStrategy = body.sectionStrategy;
  if (body.template !== undefined) result.template = { ...compiled.template, ...body.template };
  // customSteps/routes/leafFields can only come from the YAML here, so their errors say `yaml.`.
  checkCustomRules(result, "yaml", mergeTemplates(storedTemplate, result.template));
  return orderDefinition(result);
}

function mergeTemplates(
  stored: Readonly<Record<string, string>> | undefined,
  update: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string>> | undefined {
  return stored === undefined ? update : { ...stored, ...update };
}
