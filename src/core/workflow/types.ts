import type {
  CHUNK_STRATEGIES,
  CUSTOM_OUTPUT_MAPS,
  CUSTOM_STEP_KINDS,
  CUSTOM_STEP_LEVELS,
  REPETITION_SCOPES,
  SECTION_STRATEGIES,
  WORKFLOW_ELEMENT_KEYS,
  WORKFLOW_OUTPUT_FIELDS,
  WORKFLOW_PROMPT_ROLES,
  WORKFLOW_REASONING_EFFORTS,
  WORKFLOW_SERVICES,
  WORKFLOW_STEP_KEYS,
} from "./constants.js";

/**
 * The normalised workflow model: what {@link validateWorkflowRequest} returns and the server
 * stores. Absent means "built-in default"; `null` only survives where §9.4 gives it meaning
 * (a disabled step, a disabled element config, a cleared prompt group or prompt member).
 */

/** Any JSON value (used for the opaque `extract` and `requestPassthrough` objects). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

export type ChunkStrategy = (typeof CHUNK_STRATEGIES)[number];
export type SectionStrategy = (typeof SECTION_STRATEGIES)[number];
export type WorkflowStepKey = (typeof WORKFLOW_STEP_KEYS)[number];
export type WorkflowElementKey = (typeof WORKFLOW_ELEMENT_KEYS)[number];
export type WorkflowOutputField = (typeof WORKFLOW_OUTPUT_FIELDS)[number];
export type WorkflowService = (typeof WORKFLOW_SERVICES)[number];
export type WorkflowReasoningEffort = (typeof WORKFLOW_REASONING_EFFORTS)[number];
export type WorkflowPromptRole = (typeof WORKFLOW_PROMPT_ROLES)[number];
export type CustomStepLevel = (typeof CUSTOM_STEP_LEVELS)[number];
export type CustomStepKind = (typeof CUSTOM_STEP_KINDS)[number];
export type CustomOutputMap = (typeof CUSTOM_OUTPUT_MAPS)[number];
export type RepetitionScope = (typeof REPETITION_SCOPES)[number];

/** The LLM an agent uses. Precedence: server config < workflow-level < step-level engine. */
export interface WorkflowEngine {
  service?: WorkflowService;
  /** OpenAI-compatible base URL (before `/chat/completions`); pre-filled for the OpenAI services. */
  baseURL?: string;
  /** Model name sent in the request. */
  engineID?: string;
  /** Bearer token for `baseURL`. */
  apiKey?: string;
  reasoningEffort?: WorkflowReasoningEffort;
  /** Cap on images per request (the earliest are dropped). */
  maxImages?: number;
  /** Extra HTTP headers; only allowed together with `apiKey`. */
  requestHeaders?: Record<string, string>;
  /** Merged into the LLM request body, winning on conflicts. */
  requestPassthrough?: JsonObject;
}

/** One prompt message. */
export interface WorkflowPrompt {
  prompt?: string;
  role?: WorkflowPromptRole;
  /** Short form kept in chat history. */
  abbreviated?: string;
  /** Appended to the default prompt (≤ 4096 UTF-8 bytes). */
  additionalContext?: string;
}

/** Task and request prompts; `null` clears that member only. */
export interface WorkflowPromptGroup {
  task?: WorkflowPrompt | null;
  request?: WorkflowPrompt | null;
}

/** Configuration of one element type within a fixed step. */
export interface WorkflowStepConfig {
  /** Where the output is written (absent: the step's default field). */
  field?: WorkflowOutputField;
  engine?: WorkflowEngine;
  /** Extra context, e.g. `{ pageImages: true }`. */
  includes?: Record<string, boolean>;
  /** Absent or `{}`: default prompts; `null`: no prompt group. */
  prompt?: WorkflowPromptGroup | null;
}

/** Element configs of a step; `null` disables the step for that element. */
export type WorkflowStep = { [Element in WorkflowElementKey]?: WorkflowStepConfig | null };

/** Fixed steps; a `null` step disables that default step. */
export type WorkflowSteps = { [Step in WorkflowStepKey]?: WorkflowStep | null };

/** Element config of a custom step: no `field`, the output goes through outputRoutes. */
export interface CustomWorkflowStepConfig {
  engine?: WorkflowEngine;
  includes?: Record<string, boolean>;
  prompt?: WorkflowPromptGroup | null;
}

/** A custom extraction step (§9.5). */
export interface CustomWorkflowStep {
  /** lower_snake, unique within the workflow, not a reserved name. */
  name: string;
  level: CustomStepLevel;
  kind: CustomStepKind;
  config?: { [Element in WorkflowElementKey]?: CustomWorkflowStepConfig };
  /** Template keys the step's prompts need; each must be set in the workflow's template. */
  requiredTemplateKeys?: string[];
}

/** Where a custom step's output key lands in the X-Ray and in the extract result. */
export interface CustomWorkflowOutputRoute {
  workflowGroup: string;
  workflowField: string;
  /** RFC 6901 pointer into the extract result; a `*` segment is the repeated item. */
  finalPath: string;
  stepName: string;
  level: CustomStepLevel;
  outputMap: CustomOutputMap;
  /** lower_snake key in the step's output. */
  outputKey: string;
  readbackPath: string;
}

/** One prompted field of a custom step; every output route has exactly one. */
export interface CustomWorkflowLeafField {
  finalPath: string;
  workflowGroup: string;
  workflowField: string;
  stepName: string;
  level: CustomStepLevel;
  outputKey: string;
  fieldType: string;
  isRepeated: boolean;
  repetitionScope: RepetitionScope;
}

/** A validated, normalised workflow (the body of a create/update/validate request). */
export interface WorkflowDefinition {
  name?: string;
  chunkStrategy?: ChunkStrategy;
  sectionStrategy?: SectionStrategy;
  steps?: WorkflowSteps;
  customSteps?: CustomWorkflowStep[];
  outputRoutes?: CustomWorkflowOutputRoute[];
  leafFields?: CustomWorkflowLeafField[];
  /** Opaque extract-agent definition, kept verbatim. */
  extract?: JsonObject;
  /** Prompt template values; merged (not replaced) on update. */
  template?: Record<string, string>;
  /** The authored YAML, verbatim, when the workflow was compiled from YAML. */
  yaml?: string;
}
