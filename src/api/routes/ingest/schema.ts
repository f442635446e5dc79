import { Type } from "typebox";
import { DOCUMENT_TYPE_ALIASES, DOCUMENT_TYPES } from "../../../ingest/types.js";
import { CallbackFields, FileType, IngestResponse, JsonObject, ProcessLevel } from "../documents/schema.js";

export const RemoteIngestBody = Type.Object({
  documents: Type.Array(
    Type.Object({
      bucketId: Type.Integer({ minimum: 1 }),
      sourceUrl: Type.String({ minLength: 1, maxLength: 8192 }),
      fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
      fileType: Type.Optional(FileType),
      processLevel: Type.Optional(ProcessLevel),
      searchData: Type.Optional(JsonObject),
      filter: Type.Optional(JsonObject),
    }),
    { minItems: 1 },
  ),
  ...CallbackFields,
});

export const WebsiteCrawlBody = Type.Object({
  websites: Type.Array(
    Type.Object({
      bucketId: Type.Integer({ minimum: 1 }),
      sourceUrl: Type.String({ minLength: 1, maxLength: 8192 }),
      cap: Type.Optional(Type.Integer({ minimum: 1, description: "Most pages to ingest (default 100)" })),
      depth: Type.Optional(
        Type.Integer({ minimum: 0, description: "Link depth from sourceUrl (default 2)" }),
      ),
      searchData: Type.Optional(JsonObject),
    }),
    { minItems: 1 },
  ),
  ...CallbackFields,
});

/** Crawl defaults of D12. */
export const CRAWL_DEFAULTS = { depth: 2, cap: 100 } as const;

export const CopyBody = Type.Object({
  toBucket: Type.Integer({ minimum: 1 }),
  documentIds: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
  fromBucket: Type.Optional(Type.Integer({ minimum: 1 })),
});

export const ProcessIdParams = Type.Object({ processId: Type.String() });

export const ProcessesQuery = Type.Object({
  n: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  status: Type.Optional(
    Type.Enum([
      "queued",
      "training",
      "generating",
      "processing",
      "error",
      "complete",
      "cancelled",
      "active",
      "inactive",
    ]),
  ),
});

export const ProcessesResponse = Type.Object({
  processes: Type.Array(
    Type.Object({
      processId: Type.String(),
      id: Type.Integer(),
      status: Type.String(),
      statusMessage: Type.Optional(Type.String()),
    }),
  ),
});

export { IngestResponse };

/** Canonical DocumentType of a `fileType` value (aliases resolved). */
export function canonicalType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if ((DOCUMENT_TYPES as readonly string[]).includes(lower)) return lower;
  return DOCUMENT_TYPE_ALIASES[lower];
}
