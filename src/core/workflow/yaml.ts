import { type Document, LineCounter, parseDocument, stringify, visit } from "yaml";
import { AppError, invalid } from "../../errors/index.js";
import { WORKFLOW_REQUEST_FIELDS } from "./constants.js";
import { orderDefinition, readWorkflowFields } from "./fields.js";
import { isPlainObject, rejectUnknownKeys } from "./guards.js";
import type { WorkflowDefinition } from "./types.js";

/** Keys an authored YAML document may contain: every request field except `yaml` itself. */
const YAML_DOCUMENT_FIELDS = WORKFLOW_REQUEST_FIELDS.filter((field) => field !== "yaml");

/**
 * Parses authored workflow YAML and validates it like a JSON request body. Errors name the
 * path inside the document with a `yaml.` prefix (`yaml.steps.doc-summary.all.field: …`).
 * Cross-field rules (routes, template keys) are left to the caller, which knows the final
 * template after merging the JSON body's overrides.
 *
 * @param path where the YAML text came from (the `yaml` field)
 */
export function compileWorkflowYaml(text: string, path = "yaml"): WorkflowDefinition {
  const lineCounter = new LineCounter();
  let parsed: unknown;
  try {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
    const [error] = doc.errors;
    // The pretty message's first line reads "<reason> at line L, column C:"; the rest is a
    // source excerpt that does not belong in a one-line API error.
    if (error !== undefined) throw invalid(path, firstLine(error.message));
    const unresolved = firstUnresolvedAlias(doc, lineCounter);
    if (unresolved !== undefined) throw invalid(path, unresolved);
    // The default alias cap (100) stops "billion laughs" expansion.
    parsed = doc.toJS();
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    // Anything else the parser throws (alias cap, deep nesting) is still the author's YAML.
    throw invalid(path, firstLine(cause instanceof Error ? cause.message : String(cause)));
  }
  if (!isPlainObject(parsed)) throw invalid(path, "must be a YAML mapping of workflow fields");
  rejectUnknownKeys(parsed, YAML_DOCUMENT_FIELDS, path);
  return readWorkflowFields(parsed, path);
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/:$/, "");
}

/** `toJS` reports an alias without an anchor without its position; find it to name the line. */
function firstUnresolvedAlias(doc: Document, lineCounter: LineCounter): string | undefined {
  let problem: string | undefined;
  visit(doc, {
    Alias(_key, alias) {
      if (alias.resolve(doc) !== undefined) return undefined;
      const offset = alias.range?.[0] ?? 0;
      const { line, col } = lineCounter.linePos(offset);
      problem = `Unresolved alias *${alias.source} at line ${line}, column ${col}`;
      return visit.BREAK;
    },
  });
  return problem;
}

/**
 * The workflow as YAML: the authored `yaml` verbatim when there is one, otherwise a
 * serialisation of the definition's fields that compiles back to an equal definition.
 */
export function workflowToYaml(def: WorkflowDefinition): string {
  if (def.yaml !== undefined) return def.yaml;
  const { yaml: _authored, ...fields } = orderDefinition(def);
  // No anchors/aliases for shared sub-objects, no folding of long prompts: the output is meant
  // to be read and edited by people.
  return stringify(fields, { aliasDuplicateObjects: false, lineWidth: 0 });
}
