import Type, { type Static, type TProperties, type TSchema, type TUnsafe } from "typebox";
import {
  CHUNK_STRATEGIES,
  CUSTOM_OUTPUT_MAPS,
  CUSTOM_STEP_KINDS,
  CUSTOM_STEP_LEVELS,
  HTTP_URL_PATTERN,
  JSON_POINTER_PATTERN,
  LOWER_SNAKE_PATTERN,
  MAX_ADDITIONAL_CONTEXT_BYTES,
  REPETITION_SCOPES,
  SECTION_STRATEGIES,
  TEMPLATE_KEY_PATTERN,
  WORKFLOW_ELEMENT_KEYS,
  WORKFLOW_OUTPUT_FIELDS,
  WORKFLOW_PROMPT_ROLES,
  WORKFLOW_REASONING_EFFORTS,
  WORKFLOW_SERVICES,
  WORKFLOW_STAGE_ONLY_FIELDS,
  WORKFLOW_STEP_KEYS,
} from "./constants.js";
import type { JsonObject } from "./types.js";

/*
 * JSON Schemas of the workflow routes, for fastify (Ajv 8) and @fastify/swagger.
 *
 * Written to behave the same under fastify's default Ajv options (`coerceTypes: "array"`,
 * `removeAdditional: true`) as under a plain Ajv:
 * - nullable values use `type: [T, "null"]` rather than `anyOf`: with `anyOf`, Ajv coerces
 *   `null` to `""`/`0`/`[null]` inside the first branch and then rejects it;
 * - closed objects carry `propertyNames` next to `additionalProperties: false`: with
 *   `removeAdditional`, Ajv silently deletes unknown keys instead of failing, but
 *   `propertyNames` still rejects them.
 * The schema is never stricter than `validateWorkflowRequest`, which adds the rules a schema
 * cannot state (reserved names, route pairing, byte limits, requestHeaders needing apiKey, …).
 */

type SchemaObject = Record<string, unknown>;

/** Adds `null` to a schema's `type` (and to its `enum`, if any). */
function nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const raw = schema as SchemaObject;
  if (typeof raw.type !== "string") throw new TypeError("nullable() needs a schema with a single `type`");
  const copy: SchemaObject = { ...raw, type: [raw.type, "null"] };
  if (Array.isArray(raw.enum)) copy.enum = [...raw.enum, null];
  return Type.Unsafe<Static<T> | null>(copy);
}

function stringEnum<const T extends readonly string[]>(values: T, description?: string): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({
    type: "string",
    enum: [...values],
    ...(description ? { description } : {}),
  });
}

function string(options: SchemaObject = {}): TUnsafe<string> {
  return Type.Unsafe<string>({ type: "string", ...options });
}

/** An object that rejects keys outside `properties`, under any Ajv `removeAdditional` setting. */
function closedObject<P extends TProperties>(properties: P, description?: string) {
  return Type.Object(properties, {
    additionalProperties: false,
    propertyNames: { enum: Object.keys(properties) },
    ...(description ? { description } : {}),
  });
}

/**
 * A map keyed by a fixed set of names (steps by step key, configs by element key). Written as
 * `propertyNames` + one `additionalProperties` schema instead of one property per key, so the
 * nested config schema appears once rather than 9 × 6 times in the document.
 */
function keyedMap<K extends string, S extends TSchema>(
  keys: readonly K[],
  value: S,
  description?: string,
): TUnsafe<{ [P in K]?: Static<S> }> {
  return Type.Unsafe<{ [P in K]?: Static<S> }>({
    type: "object",
    propertyNames: { enum: [...keys] },
    additionalProperties: value,
    ...(description ? { description } : {}),
  });
}

const optionalNullableString = (options: SchemaObject = {}) => Type.Optional(nullable(string(options)));
const nonEmptyString = (description?: string) =>
  string({ minLength: 1, ...(description ? { description } : {}) });

const EngineSchema = closedObject(
  {
    service: Type.Optional(
      nullable(
        stringEnum(WORKFLOW_SERVICES, "How requests are configured; `eyelevel` is the legacy `hosted`"),
      ),
    ),
    baseURL: optionalNullableString({
      pattern: HTTP_URL_PATTERN,
      description: "Absolute http(s) URL before /chat/completions; pre-filled for openai/openai-base64",
    }),
    engineID: optionalNullableString({ description: "Model name" }),
    apiKey: optionalNullableString({ description: "Bearer token for baseURL" }),
    reasoningEffort: Type.Optional(nullable(stringEnum(WORKFLOW_REASONING_EFFORTS))),
    maxImages: Type.Optional(
      Type.Unsafe<number | null>({
        type: ["integer", "null"],
        minimum: 1,
        description: "Images per request",
      }),
    ),
    requestHeaders: Type.Optional(
      Type.Unsafe<Record<string, string> | null>({
        type: ["object", "null"],
        additionalProperties: { type: "string" },
        description: "Extra HTTP headers; requires apiKey on the same engine",
      }),
    ),
    requestPassthrough: Type.Optional(
      Type.Unsafe<JsonObject | null>({
        type: ["object", "null"],
        additionalProperties: true,
        description: "Merged into the LLM request body, winning on conflicts",
      }),
    ),
  },
  "The LLM an agent uses",
);

const PromptSchema = closedObject({
  prompt: optionalNullableString(),
  role: Type.Optional(nullable(stringEnum(WORKFLOW_PROMPT_ROLES))),
  abbreviated: optionalNullableString({ description: "Short form kept in chat history" }),
  // maxLength counts characters; the byte limit itself is checked in code (bytes >= characters).
  additionalContext: optionalNullableString({
    maxLength: MAX_ADDITIONAL_CONTEXT_BYTES,
    description: `Appended to the default prompt; at most ${MAX_ADDITIONAL_CONTEXT_BYTES} UTF-8 bytes`,
  }),
});

const PromptGroupSchema = closedObject(
  { task: Type.Optional(nullable(PromptSchema)), request: Type.Optional(nullable(PromptSchema)) },
  "Omitted or {}: default prompts; null members clear that prompt only",
);

const IncludesSchema = Type.Unsafe<Record<string, boolean> | null>({
  type: ["object", "null"],
  additionalProperties: { type: "boolean" },
  description: 'Extra context, e.g. { "pageImages": true }',
});

const StepConfigSchema = closedObject({
  field: Type.Optional(
    nullable(
      stringEnum(
        [...WORKFLOW_OUTPUT_FIELDS, ...WORKFLOW_STAGE_ONLY_FIELDS],
        "Output field; a step name that is not a field is accepted and ignored",
      ),
    ),
  ),
  engine: Type.Optional(nullable(EngineSchema)),
  includes: Type.Optional(IncludesSchema),
  prompt: Type.Optional(nullable(PromptGroupSchema)),
});

const StepSchema = keyedMap(
  WORKFLOW_ELEMENT_KEYS,
  nullable(StepConfigSchema),
  "Configs by element type; a specific element overrides `all`; null disables that element",
);

/** `steps`: only the fixed step keys; a null step disables that default step. */
export const WorkflowStepsSchema = keyedMap(
  WORKFLOW_STEP_KEYS,
  nullable(StepSchema),
  "Fixed steps by key; null disables that default step",
);

const CustomStepConfigSchema = closedObject({
  engine: Type.Optional(nullable(EngineSchema)),
  includes: Type.Optional(IncludesSchema),
  prompt: Type.Optional(nullable(PromptGroupSchema)),
});

/** One custom extraction step (§9.5). */
export const CustomWorkflowStepSchema = closedObject({
  name: string({
    pattern: LOWER_SNAKE_PATTERN,
    description: "lower_snake, unique, not a reserved step name",
  }),
  level: stringEnum(CUSTOM_STEP_LEVELS),
  kind: stringEnum(CUSTOM_STEP_KINDS, "document level: keys or summary only"),
  config: Type.Optional(
    nullable(keyedMap(WORKFLOW_ELEMENT_KEYS, nullable(CustomStepConfigSchema), "Configs by element type")),
  ),
  requiredTemplateKeys: Type.Optional(
    Type.Unsafe<string[] | null>({ type: ["array", "null"], items: { type: "string", minLength: 1 } }),
  ),
});

const finalPath = () =>
  string({ pattern: JSON_POINTER_PATTERN, description: "RFC 6901 pointer; `*` = repeated item" });
const outputKey = () => string({ pattern: LOWER_SNAKE_PATTERN });

/** Where a custom step's output key is written; needs exactly one matching leaf field. */
export const CustomWorkflowOutputRouteSchema = closedObject({
  workflowGroup: nonEmptyString(),
  workflowField: nonEmptyString(),
  finalPath: finalPath(),
  stepName: nonEmptyString("Name of a customSteps entry"),
  level: stringEnum(CUSTOM_STEP_LEVELS),
  outputMap: stringEnum(CUSTOM_OUTPUT_MAPS, "Must match level"),
  outputKey: outputKey(),
  readbackPath: nonEmptyString(),
});

/** One prompted field of a custom step. */
export const CustomWorkflowLeafFieldSchema = closedObject({
  finalPath: finalPath(),
  workflowGroup: nonEmptyString(),
  workflowField: nonEmptyString(),
  stepName: nonEmptyString("Name of a customSteps entry"),
  level: stringEnum(CUSTOM_STEP_LEVELS),
  outputKey: outputKey(),
  fieldType: nonEmptyString(),
  isRepeated: Type.Boolean(),
  repetitionScope: stringEnum(REPETITION_SCOPES),
});

const TemplateSchema = Type.Unsafe<Record<string, string> | null>({
  type: ["object", "null"],
  propertyNames: { pattern: TEMPLATE_KEY_PATTERN },
  additionalProperties: { type: "string" },
  description: "Prompt template values; merged into the stored template on update",
});

const ExtractSchema = Type.Unsafe<JsonObject | null>({
  type: ["object", "null"],
  additionalProperties: true,
  description: "Opaque extract-agent definition, stored verbatim",
});

const nullableArray = <S extends TSchema>(items: S) =>
  Type.Optional(Type.Unsafe<Static<S>[] | null>({ type: ["array", "null"], items }));

/** Fields shared by the request and the detail, in schema order. */
const workflowFields = {
  name: optionalNullableString(),
  chunkStrategy: Type.Optional(nullable(stringEnum(CHUNK_STRATEGIES))),
  sectionStrategy: Type.Optional(nullable(stringEnum(SECTION_STRATEGIES))),
  steps: Type.Optional(nullable(WorkflowStepsSchema)),
  customSteps: nullableArray(CustomWorkflowStepSchema),
  outputRoutes: nullableArray(CustomWorkflowOutputRouteSchema),
  leafFields: nullableArray(CustomWorkflowLeafFieldSchema),
  extract: Type.Optional(ExtractSchema),
  template: Type.Optional(TemplateSchema),
  yaml: optionalNullableString({
    description: "Authored YAML; excludes steps, customSteps, outputRoutes, leafFields and extract",
  }),
};

/**
 * Body of POST /workflow, POST /workflow/validate and PUT /workflow/{id} (§9.2–9.5). Every
 * optional field accepts `null`; unknown top-level fields are allowed (and ignored), unknown
 * keys inside `steps` are not.
 */
export const WorkflowRequestSchema = Type.Object(workflowFields, {
  description: "Workflow definition; all fields optional, {} = built-in defaults",
});

/** The request body as the schema admits it (before {@link validateWorkflowRequest}). */
export type WorkflowRequest = Static<typeof WorkflowRequestSchema>;

/** `workflow` of the workflow responses (§2.8). Permissive: readback may add fields or nulls. */
export const WorkflowDetailSchema = Type.Object(
  {
    workflowId: optionalNullableString({ description: "UUID" }),
    ...workflowFields,
    relationships: Type.Optional(
      nullable(
        Type.Object(
          {
            account: Type.Optional(Type.Unsafe<boolean | null>({ type: ["boolean", "null"] })),
            documents: nullableArray(string()),
            ids: nullableArray(Type.Integer()),
          },
          { additionalProperties: true },
        ),
      ),
    ),
    id: Type.Optional(
      Type.Unsafe<number | null>({ type: ["integer", "null"], description: "bucketId/groupId looked up by" }),
    ),
    documentId: optionalNullableString(),
    updatedAt: optionalNullableString({ format: "date-time" }),
  },
  { additionalProperties: true },
);

/** A workflow as the detail schema describes it. */
export type WorkflowDetail = Static<typeof WorkflowDetailSchema>;
