/**
 * Enumerations and limits of the workflow model (CONTRACT.md §3 and §9). Every list is a
 * `readonly` tuple so the union types in `types.ts` and the enums in `schema.ts` derive from
 * one source and cannot drift apart.
 */

/** Top-level fields of a WorkflowRequest, in schema order (also the order errors are reported in). */
export const WORKFLOW_REQUEST_FIELDS = [
  "name",
  "chunkStrategy",
  "sectionStrategy",
  "steps",
  "customSteps",
  "outputRoutes",
  "leafFields",
  "extract",
  "template",
  "yaml",
] as const;

/** Fields a `yaml` request may not carry alongside it (§9.2), in schema order. */
export const YAML_EXCLUSIVE_FIELDS = [
  "steps",
  "customSteps",
  "outputRoutes",
  "leafFields",
  "extract",
] as const;

export const CHUNK_STRATEGIES = ["element", "size"] as const;
export const SECTION_STRATEGIES = ["chunks", "page"] as const;

/** Fixed step keys, in default pipeline order (§9.3). */
export const WORKFLOW_STEP_KEYS = [
  "doc-summary",
  "doc-keys",
  "sect-summary",
  "sect-instruct",
  "sect-keys",
  "chunk-instruct",
  "chunk-summary",
  "chunk-keys",
  "search-query",
] as const;

/** Element keys of a step; a specific element overrides `all` for that element type. */
export const WORKFLOW_ELEMENT_KEYS = ["all", "paragraph", "table", "figure", "json", "table-figure"] as const;

/** Keys of a fixed step's element config. */
export const WORKFLOW_STEP_CONFIG_KEYS = ["field", "engine", "includes", "prompt"] as const;

/** Keys of a custom step's element config: like a fixed step's, but the output field is implied. */
export const CUSTOM_STEP_CONFIG_KEYS = ["engine", "includes", "prompt"] as const;

export const WORKFLOW_OUTPUT_FIELDS = [
  "doc-sum",
  "doc-keys",
  "sect-sum",
  "sect-keys",
  "chunk-sum",
  "chunk-keys",
  "chunk-instruct",
  "text",
] as const;

/**
 * Step names that are not output fields. The contract says such a `field` is "silently nulled",
 * so it is accepted (by the schema too) and dropped by normalisation rather than rejected.
 */
export const WORKFLOW_STAGE_ONLY_FIELDS = [
  "doc-summary",
  "sect-summary",
  "sect-instruct",
  "chunk-summary",
  "search-query",
] as const;

/** `eyelevel` is the legacy name of `hosted`; still accepted. */
export const WORKFLOW_SERVICES = [
  "openai",
  "openai-base64",
  "azure",
  "deep-infra",
  "hosted",
  "bedrock",
  "eyelevel",
] as const;

/** Services whose `baseURL` is pre-filled with {@link OPENAI_BASE_URL} when omitted. */
export const OPENAI_SERVICES = ["openai", "openai-base64"] as const;

/** Default base URL (the part before `/chat/completions`) of the OpenAI services. */
export const OPENAI_BASE_URL = "https://api.openai.com/v1";

export const WORKFLOW_ENGINE_KEYS = [
  "service",
  "baseURL",
  "engineID",
  "apiKey",
  "reasoningEffort",
  "maxImages",
  "requestHeaders",
  "requestPassthrough",
] as const;

export const WORKFLOW_REASONING_EFFORTS = ["minimal", "low", "medium", "high"] as const;

export const WORKFLOW_PROMPT_GROUP_KEYS = ["task", "request"] as const;
export const WORKFLOW_PROMPT_KEYS = ["prompt", "role", "abbreviated", "additionalContext"] as const;
export const WORKFLOW_PROMPT_ROLES = ["system", "developer", "user", "assistant"] as const;

/** `additionalContext` is appended to the default prompt; capped in UTF-8 bytes (§9.3). */
export const MAX_ADDITIONAL_CONTEXT_BYTES = 4096;

export const CUSTOM_STEP_KEYS = ["name", "level", "kind", "config", "requiredTemplateKeys"] as const;
export const CUSTOM_STEP_LEVELS = ["chunk", "section", "document"] as const;
export const CUSTOM_STEP_KINDS = ["instruct", "keys", "summary"] as const;

/** Kinds allowed per level (§9.5: a document-level step cannot be `instruct`). */
export const CUSTOM_STEP_KINDS_BY_LEVEL = {
  chunk: ["instruct", "keys", "summary"],
  section: ["instruct", "keys", "summary"],
  document: ["keys", "summary"],
} as const satisfies Record<
  (typeof CUSTOM_STEP_LEVELS)[number],
  readonly (typeof CUSTOM_STEP_KINDS)[number][]
>;

export const CUSTOM_OUTPUT_MAPS = [
  "customChunkOutputs",
  "customSectionOutputs",
  "customDocumentOutputs",
] as const;

/** The X-Ray map a route must write to for each level. */
export const CUSTOM_OUTPUT_MAP_BY_LEVEL = {
  chunk: "customChunkOutputs",
  section: "customSectionOutputs",
  document: "customDocumentOutputs",
} as const satisfies Record<(typeof CUSTOM_STEP_LEVELS)[number], (typeof CUSTOM_OUTPUT_MAPS)[number]>;

export const REPETITION_SCOPES = ["none", "field", "item"] as const;

/** Keys of an output route, in the order they are checked. */
export const OUTPUT_ROUTE_KEYS = [
  "workflowGroup",
  "workflowField",
  "finalPath",
  "stepName",
  "level",
  "outputMap",
  "outputKey",
  "readbackPath",
] as const;

/** Keys of a leaf field, in the order they are checked. */
export const LEAF_FIELD_KEYS = [
  "finalPath",
  "workflowGroup",
  "workflowField",
  "stepName",
  "level",
  "outputKey",
  "fieldType",
  "isRepeated",
  "repetitionScope",
] as const;

/** The identity a route and its leaf field must share (§9.5). */
export const ROUTE_LEAF_IDENTITY_KEYS = [
  "finalPath",
  "workflowGroup",
  "workflowField",
  "stepName",
  "level",
  "outputKey",
] as const;

/**
 * Maximum prompted fields (leafFields) per custom step. The openspec says 20, the SDK constant
 * 30 (CONTRACT.md §16.14); we enforce the stricter value.
 */
export const MAX_PROMPTED_FIELDS_PER_STEP = 20;

/** Names a custom step may not take: they collide with fixed steps or readback keys. */
export const RESERVED_CUSTOM_STEP_NAMES: readonly string[] = [
  ...WORKFLOW_STEP_KEYS,
  ...WORKFLOW_STEP_KEYS.map((key) => key.replaceAll("-", "_")),
  "text",
  "_records",
  "all",
];

/** lower_snake identifiers: custom step names and route output keys. */
export const LOWER_SNAKE_PATTERN = "^[a-z][a-z0-9]*(_[a-z0-9]+)*$";

/** Prompt template keys (they are substituted into prompts, so identifier-like). */
export const TEMPLATE_KEY_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$";

/**
 * RFC 6901 JSON pointer: empty, or `/`-separated segments where `~` only appears as `~0`/`~1`.
 * A `*` segment (repeated item) needs no special case: it is an ordinary segment.
 */
export const JSON_POINTER_PATTERN = "^(/([^~/]|~[01])*)*$";

/** `baseURL` must be absolute http(s); the scheme check is case-insensitive like URL parsing. */
export const HTTP_URL_PATTERN = "^[Hh][Tt][Tt][Pp][Ss]?://";
