import { invalid } from "../../errors/index.js";
import {
  CUSTOM_STEP_CONFIG_KEYS,
  HTTP_URL_PATTERN,
  MAX_ADDITIONAL_CONTEXT_BYTES,
  OPENAI_BASE_URL,
  OPENAI_SERVICES,
  WORKFLOW_ELEMENT_KEYS,
  WORKFLOW_ENGINE_KEYS,
  WORKFLOW_OUTPUT_FIELDS,
  WORKFLOW_PROMPT_GROUP_KEYS,
  WORKFLOW_PROMPT_KEYS,
  WORKFLOW_PROMPT_ROLES,
  WORKFLOW_REASONING_EFFORTS,
  WORKFLOW_SERVICES,
  WORKFLOW_STAGE_ONLY_FIELDS,
  WORKFLOW_STEP_CONFIG_KEYS,
  WORKFLOW_STEP_KEYS,
} from "./constants.js";
import {
  child,
  expectObject,
  isAbsent,
  own,
  type PlainObject,
  readBooleanMap,
  readEnum,
  readJsonObject,
  readString,
  readStringMap,
  rejectUnknownKeys,
} from "./guards.js";
import type {
  CustomWorkflowStepConfig,
  WorkflowEngine,
  WorkflowOutputField,
  WorkflowPrompt,
  WorkflowPromptGroup,
  WorkflowStep,
  WorkflowStepConfig,
  WorkflowSteps,
} from "./types.js";

/**
 * Readers for the fixed-step model (§9.3) and the parts custom steps share with it (engine,
 * includes, prompt). Output objects list keys in canonical order, whatever the input order.
 */

/** `steps`: known step keys only; a `null` step is kept (it disables that default step). */
export function readSteps(value: unknown, path: string): WorkflowSteps {
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, WORKFLOW_STEP_KEYS, path);
  const steps: WorkflowSteps = {};
  for (const key of WORKFLOW_STEP_KEYS) {
    if (!Object.hasOwn(obj, key)) continue;
    const step = obj[key];
    steps[key] = step === null ? null : readStep(step, child(path, key));
  }
  return steps;
}

/** One step: known element keys only; a `null` element config is kept. */
function readStep(value: unknown, path: string): WorkflowStep {
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, WORKFLOW_ELEMENT_KEYS, path);
  const step: WorkflowStep = {};
  for (const key of WORKFLOW_ELEMENT_KEYS) {
    if (!Object.hasOwn(obj, key)) continue;
    const config = obj[key];
    step[key] = config === null ? null : readStepConfig(config, child(path, key));
  }
  return step;
}

function readStepConfig(value: unknown, path: string): WorkflowStepConfig {
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, WORKFLOW_STEP_CONFIG_KEYS, path);
  const config: WorkflowStepConfig = {};
  const field = readField(own(obj, "field"), child(path, "field"));
  if (field !== undefined) config.field = field;
  Object.assign(config, readSharedConfig(obj, path));
  return config;
}

/** A custom step's element config: as a fixed step's, but `field` is rejected (routes decide). */
export function readCustomStepConfig(value: unknown, path: string): CustomWorkflowStepConfig {
  const obj = expectObject(value, path);
  if (Object.hasOwn(obj, "field")) {
    throw invalid(child(path, "field"), "is not allowed in a custom step config (use outputRoutes)");
  }
  rejectUnknownKeys(obj, CUSTOM_STEP_CONFIG_KEYS, path);
  return readSharedConfig(obj, path);
}

function readSharedConfig(obj: PlainObject, path: string): CustomWorkflowStepConfig {
  const config: CustomWorkflowStepConfig = {};
  const engine = own(obj, "engine");
  if (!isAbsent(engine)) config.engine = readEngine(engine, child(path, "engine"));
  const includes = own(obj, "includes");
  if (!isAbsent(includes)) config.includes = readBooleanMap(includes, child(path, "includes"));
  // `prompt: null` means "no prompt group" (§9.4), unlike an omitted prompt (default prompts).
  const prompt = own(obj, "prompt");
  if (prompt === null) config.prompt = null;
  else if (prompt !== undefined) config.prompt = readPromptGroup(prompt, child(path, "prompt"));
  return config;
}

/**
 * `field`: an output field, or absent. A stage name that is not also a field (`doc-summary`, …)
 * is dropped, as the hosted service "silently nulls" it; anything else is an error.
 */
function readField(value: unknown, path: string): WorkflowOutputField | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value === "string" && (WORKFLOW_STAGE_ONLY_FIELDS as readonly string[]).includes(value)) {
    return undefined;
  }
  return readEnum(value, WORKFLOW_OUTPUT_FIELDS, path);
}

/** An engine; the OpenAI services get their default `baseURL` filled in. */
export function readEngine(value: unknown, path: string): WorkflowEngine {
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, WORKFLOW_ENGINE_KEYS, path);
  const engine: WorkflowEngine = {};
  const at = (key: string) => child(path, key);

  const service = own(obj, "service");
  if (!isAbsent(service)) engine.service = readEnum(service, WORKFLOW_SERVICES, at("service"));
  const baseURL = own(obj, "baseURL");
  if (!isAbsent(baseURL)) engine.baseURL = readHttpUrl(baseURL, at("baseURL"));
  else if (engine.service !== undefined && (OPENAI_SERVICES as readonly string[]).includes(engine.service)) {
    // Compile step: the stored engine is explicit about where requests go. Azure URLs are
    // per-deployment and cannot be pre-filled; the other services are labels.
    engine.baseURL = OPENAI_BASE_URL;
  }
  const engineID = own(obj, "engineID");
  if (!isAbsent(engineID)) engine.engineID = readString(engineID, at("engineID"));
  const apiKey = own(obj, "apiKey");
  if (!isAbsent(apiKey)) engine.apiKey = readString(apiKey, at("apiKey"));
  const effort = own(obj, "reasoningEffort");
  if (!isAbsent(effort))
    engine.reasoningEffort = readEnum(effort, WORKFLOW_REASONING_EFFORTS, at("reasoningEffort"));
  const maxImages = own(obj, "maxImages");
  if (!isAbsent(maxImages)) {
    if (typeof maxImages !== "number" || !Number.isInteger(maxImages) || maxImages < 1) {
      throw invalid(at("maxImages"), "must be a positive integer");
    }
    engine.maxImages = maxImages;
  }
  const headers = own(obj, "requestHeaders");
  if (!isAbsent(headers)) {
    engine.requestHeaders = readStringMap(headers, at("requestHeaders"));
    // Custom headers only make sense for a caller-supplied endpoint; without an apiKey they
    // would be sent to the server's own default engine.
    if (engine.apiKey === undefined || engine.apiKey === "") {
      throw invalid(at("requestHeaders"), "requires apiKey on the same engine");
    }
  }
  const passthrough = own(obj, "requestPassthrough");
  if (!isAbsent(passthrough))
    engine.requestPassthrough = readJsonObject(passthrough, at("requestPassthrough"));
  return engine;
}

function readHttpUrl(value: unknown, path: string): string {
  const text = readString(value, path);
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    (url.protocol !== "http:" && url.protocol !== "https:") ||
    !new RegExp(HTTP_URL_PATTERN, "u").test(text)
  ) {
    throw invalid(path, "must be an absolute http(s) URL");
  }
  return text;
}

/** A prompt group; `task: null` / `request: null` clear that member only (§9.4). */
function readPromptGroup(value: unknown, path: string): WorkflowPromptGroup {
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, WORKFLOW_PROMPT_GROUP_KEYS, path);
  const group: WorkflowPromptGroup = {};
  for (const key of WORKFLOW_PROMPT_GROUP_KEYS) {
    if (!Object.hasOwn(obj, key)) continue;
    const prompt = obj[key];
    group[key] = prompt === null ? null : readPrompt(prompt, child(path, key));
  }
  return group;
}

function readPrompt(value: unknown, path: string): WorkflowPrompt {
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, WORKFLOW_PROMPT_KEYS, path);
  const prompt: WorkflowPrompt = {};
  const text = own(obj, "prompt");
  if (!isAbsent(text)) prompt.prompt = readString(text, child(path, "prompt"));
  const role = own(obj, "role");
  if (!isAbsent(role)) prompt.role = readEnum(role, WORKFLOW_PROMPT_ROLES, child(path, "role"));
  const abbreviated = own(obj, "abbreviated");
  if (!isAbsent(abbreviated)) prompt.abbreviated = readString(abbreviated, child(path, "abbreviated"));
  const context = own(obj, "additionalContext");
  if (!isAbsent(context)) {
    const contextPath = child(path, "additionalContext");
    prompt.additionalContext = readString(context, contextPath);
    if (Buffer.byteLength(prompt.additionalContext, "utf8") > MAX_ADDITIONAL_CONTEXT_BYTES) {
      throw invalid(contextPath, `must be at most ${MAX_ADDITIONAL_CONTEXT_BYTES} bytes (UTF-8)`);
    }
  }
  return prompt;
}
