import { invalid } from "../../errors/index.js";
import {
  CUSTOM_OUTPUT_MAP_BY_LEVEL,
  CUSTOM_OUTPUT_MAPS,
  CUSTOM_STEP_KEYS,
  CUSTOM_STEP_KINDS,
  CUSTOM_STEP_KINDS_BY_LEVEL,
  CUSTOM_STEP_LEVELS,
  JSON_POINTER_PATTERN,
  LEAF_FIELD_KEYS,
  LOWER_SNAKE_PATTERN,
  MAX_PROMPTED_FIELDS_PER_STEP,
  OUTPUT_ROUTE_KEYS,
  REPETITION_SCOPES,
  RESERVED_CUSTOM_STEP_NAMES,
  ROUTE_LEAF_IDENTITY_KEYS,
  WORKFLOW_ELEMENT_KEYS,
} from "./constants.js";
import {
  child,
  expectArray,
  expectObject,
  isAbsent,
  item,
  own,
  readRequiredBoolean,
  readRequiredEnum,
  readRequiredString,
  readString,
  rejectUnknownKeys,
  type StringRules,
} from "./guards.js";
import { readCustomStepConfig } from "./steps.js";
import type {
  CustomWorkflowLeafField,
  CustomWorkflowOutputRoute,
  CustomWorkflowStep,
  CustomWorkflowStepConfig,
  WorkflowDefinition,
} from "./types.js";

/**
 * Custom extraction steps, their output routes and leaf fields (§9.5). Shape checks run per
 * item while reading; the rules that relate the three lists (and the template) run afterwards in
 * {@link checkCustomRules}, once the whole definition is known.
 */

const LOWER_SNAKE: StringRules = {
  nonEmpty: true,
  pattern: LOWER_SNAKE_PATTERN,
  patternName: "lower_snake_case",
};
const POINTER: StringRules = { pattern: JSON_POINTER_PATTERN, patternName: "an RFC 6901 JSON pointer" };
const NON_EMPTY: StringRules = { nonEmpty: true };

export function readCustomSteps(value: unknown, path: string): CustomWorkflowStep[] {
  const seen = new Map<string, number>();
  return expectArray(value, path).map((entry, index) => {
    const at = item(path, index);
    const step = readCustomStep(entry, at);
    const first = seen.get(step.name);
    if (first !== undefined) {
      throw invalid(child(at, "name"), `duplicates the name of ${item(path, first)} ('${step.name}')`);
    }
    seen.set(step.name, index);
    return step;
  });
}

function readCustomStep(value: unknown, path: string): CustomWorkflowStep {
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, CUSTOM_STEP_KEYS, path);
  const name = readRequiredString(own(obj, "name"), child(path, "name"), LOWER_SNAKE);
  if (RESERVED_CUSTOM_STEP_NAMES.includes(name))
    throw invalid(child(path, "name"), `'${name}' is a reserved name`);
  const level = readRequiredEnum(own(obj, "level"), CUSTOM_STEP_LEVELS, child(path, "level"));
  const kind = readRequiredEnum(own(obj, "kind"), CUSTOM_STEP_KINDS, child(path, "kind"));
  const allowedKinds: readonly string[] = CUSTOM_STEP_KINDS_BY_LEVEL[level];
  if (!allowedKinds.includes(kind)) {
    throw invalid(child(path, "kind"), `must be one of ${allowedKinds.join(", ")} for level ${level}`);
  }
  const step: CustomWorkflowStep = { name, level, kind };

  const config = own(obj, "config");
  if (!isAbsent(config)) {
    const configPath = child(path, "config");
    const configObj = expectObject(config, configPath);
    rejectUnknownKeys(configObj, WORKFLOW_ELEMENT_KEYS, configPath);
    const out: { [key: string]: CustomWorkflowStepConfig } = {};
    for (const key of WORKFLOW_ELEMENT_KEYS) {
      const elementConfig = own(configObj, key);
      // Custom steps have no default to disable, so a null element config is simply absent.
      if (!isAbsent(elementConfig)) out[key] = readCustomStepConfig(elementConfig, child(configPath, key));
    }
    step.config = out;
  }

  const keys = own(obj, "requiredTemplateKeys");
  if (!isAbsent(keys)) {
    const keysPath = child(path, "requiredTemplateKeys");
    step.requiredTemplateKeys = expectArray(keys, keysPath).map((key, index) =>
      readString(key, item(keysPath, index), NON_EMPTY),
    );
  }
  return step;
}

export function readOutputRoutes(value: unknown, path: string): CustomWorkflowOutputRoute[] {
  return expectArray(value, path).map((entry, index) => readOutputRoute(entry, item(path, index)));
}

function readOutputRoute(value: unknown, path: string): CustomWorkflowOutputRoute {
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, OUTPUT_ROUTE_KEYS, path);
  const at = (key: string) => child(path, key);
  const route: CustomWorkflowOutputRoute = {
    workflowGroup: readRequiredString(own(obj, "workflowGroup"), at("workflowGroup"), NON_EMPTY),
    workflowField: readRequiredString(own(obj, "workflowField"), at("workflowField"), NON_EMPTY),
    finalPath: readRequiredString(own(obj, "finalPath"), at("finalPath"), POINTER),
    stepName: readRequiredString(own(obj, "stepName"), at("stepName"), NON_EMPTY),
    level: readRequiredEnum(own(obj, "level"), CUSTOM_STEP_LEVELS, at("level")),
    outputMap: readRequiredEnum(own(obj, "outputMap"), CUSTOM_OUTPUT_MAPS, at("outputMap")),
    outputKey: readRequiredString(own(obj, "outputKey"), at("outputKey"), LOWER_SNAKE),
    readbackPath: readRequiredString(own(obj, "readbackPath"), at("readbackPath"), NON_EMPTY),
  };
  const expectedMap = CUSTOM_OUTPUT_MAP_BY_LEVEL[route.level];
  if (route.outputMap !== expectedMap)
    throw invalid(at("outputMap"), `must be ${expectedMap} for level ${route.level}`);
  return route;
}

export function readLeafFields(value: unknown, path: string): CustomWorkflowLeafField[] {
  return expectArray(value, path).map((entry, index) => readLeafField(entry, item(path, index)));
}

function readLeafField(value: unknown, path: string): CustomWorkflowLeafField {
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, LEAF_FIELD_KEYS, path);
  const at = (key: string) => child(path, key);
  return {
    finalPath: readRequiredString(own(obj, "finalPath"), at("finalPath"), POINTER),
    workflowGroup: readRequiredString(own(obj, "workflowGroup"), at("workflowGroup"), NON_EMPTY),
    workflowField: readRequiredString(own(obj, "workflowField"), at("workflowField"), NON_EMPTY),
    stepName: readRequiredString(own(obj, "stepName"), at("stepName"), NON_EMPTY),
    level: readRequiredEnum(own(obj, "level"), CUSTOM_STEP_LEVELS, at("level")),
    outputKey: readRequiredString(own(obj, "outputKey"), at("outputKey"), LOWER_SNAKE),
    fieldType: readRequiredString(own(obj, "fieldType"), at("fieldType"), NON_EMPTY),
    isRepeated: readRequiredBoolean(own(obj, "isRepeated"), at("isRepeated")),
    repetitionScope: readRequiredEnum(own(obj, "repetitionScope"), REPETITION_SCOPES, at("repetitionScope")),
  };
}

/**
 * Rules across customSteps, outputRoutes, leafFields and the template, in this order:
 * requiredTemplateKeys, route step/level, leaf step/level, route↔leaf pairing, fields per step.
 *
 * @param root path the three lists were read from (`""` for JSON, `"yaml"` for compiled YAML)
 * @param template the template the workflow will run with (merged with the stored one on update)
 */
export function checkCustomRules(
  def: WorkflowDefinition,
  root: string,
  template: Readonly<Record<string, string>> | undefined,
): void {
  const steps = def.customSteps ?? [];
  const routes = def.outputRoutes ?? [];
  const leaves = def.leafFields ?? [];
  const stepsPath = child(root, "customSteps");

  steps.forEach((step, index) => {
    for (const key of step.requiredTemplateKeys ?? []) {
      if (template === undefined || !Object.hasOwn(template, key)) {
        throw invalid(
          child(item(stepsPath, index), "requiredTemplateKeys"),
          `template key '${key}' is not set`,
        );
      }
    }
  });

  const byName = new Map(steps.map((step) => [step.name, step]));
  const checkStepRef = (ref: { stepName: string; level: string }, path: string) => {
    const step = byName.get(ref.stepName);
    if (step === undefined)
      throw invalid(child(path, "stepName"), `names no customSteps entry ('${ref.stepName}')`);
    if (step.level !== ref.level) {
      throw invalid(
        child(path, "level"),
        `must equal the level of custom step '${step.name}' (${step.level})`,
      );
    }
  };
  const routesPath = child(root, "outputRoutes");
  routes.forEach((route, index) => {
    checkStepRef(route, item(routesPath, index));
  });
  const leavesPath = child(root, "leafFields");
  leaves.forEach((leaf, index) => {
    checkStepRef(leaf, item(leavesPath, index));
  });

  const identity = (entry: CustomWorkflowOutputRoute | CustomWorkflowLeafField) =>
    JSON.stringify(ROUTE_LEAF_IDENTITY_KEYS.map((key) => entry[key]));
  const leafCounts = new Map<string, number>();
  for (const leaf of leaves) leafCounts.set(identity(leaf), (leafCounts.get(identity(leaf)) ?? 0) + 1);
  routes.forEach((route, index) => {
    const count = leafCounts.get(identity(route)) ?? 0;
    if (count === 0) throw invalid(item(routesPath, index), "has no matching leafFields entry");
    if (count > 1)
      throw invalid(item(routesPath, index), `has ${count} matching leafFields entries (expected one)`);
  });

  const fieldsPerStep = new Map<string, number>();
  for (const leaf of leaves) fieldsPerStep.set(leaf.stepName, (fieldsPerStep.get(leaf.stepName) ?? 0) + 1);
  steps.forEach((step, index) => {
    const count = fieldsPerStep.get(step.name) ?? 0;
    if (count > MAX_PROMPTED_FIELDS_PER_STEP) {
      throw invalid(
        item(stepsPath, index),
        `has ${count} prompted fields (max ${MAX_PROMPTED_FIELDS_PER_STEP})`,
      );
    }
  });
}
