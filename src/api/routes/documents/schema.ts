import { Type } from "typebox";
import { DOCUMENT_TYPE_ALIASES, DOCUMENT_TYPES } from "../../../ingest/types.js";
import { NextToken, PageSize } from "../../schemas/common.js";

/** Every ProcessingStatus a client may filter by (§3); mapped onto Openground's five. */
export const PROCESSING_STATUSES = [
  "queued",
  "training",
  "generating",
  "processing",
  "error",
  "complete",
  "cancelled",
  "active",
  "inactive",
] as const;

export const FileType = Type.Enum([...DOCUMENT_TYPES, ...Object.keys(DOCUMENT_TYPE_ALIASES)], {
  description: "DocumentType (aliases jpeg, heic, tif accepted)",
});
export const ProcessLevel = Type.Enum(["full", "none"]);
export const JsonObject = Type.Record(Type.String(), Type.Unknown());

export const DocumentDetail = Type.Object(
  {
    documentId: Type.String(),
    bucketId: Type.Integer(),
    fileName: Type.String(),
    fileSize: Type.String(),
    fileType: Type.Optional(Type.String()),
    filter: Type.Optional(JsonObject),
    searchData: Type.Optional(JsonObject),
    processId: Type.String(),
    processLevel: ProcessLevel,
    sourceUrl: Type.String({ description: "Hosted copy of the original (no key needed)" }),
    status: Type.String(),
    statusMessage: Type.Optional(Type.String()),
    xrayUrl: Type.Optional(Type.String()),
    created: Type.String(),
    updated: Type.String(),
  },
  { $id: "DocumentDetail", additionalProperties: true },
);

export const DocumentListQuery = Type.Object({
  n: Type.Optional(PageSize),
  filter: Type.Optional(
    Type.String({ maxLength: 1024, description: "Case-insensitive substring of the file name" }),
  ),
  sort: Type.Optional(Type.Enum(["name", "created"])),
  sortOrder: Type.Optional(Type.Enum(["asc", "desc"])),
  status: Type.Optional(Type.Enum([...PROCESSING_STATUSES])),
  nextToken: Type.Optional(NextToken),
});

export const DocumentListResponse = Type.Object({
  documents: Type.Array(DocumentDetail),
  count: Type.Integer(),
  total: Type.Integer(),
  remaining: Type.Integer(),
  nextToken: Type.Optional(Type.String()),
});

export const DocumentResponse = Type.Object({ document: DocumentDetail });

export const DocumentIdParams = Type.Object({ documentId: Type.String() });
export const LookupParams = Type.Object({
  id: Type.String({ description: "processId (UUID), bucketId or groupId" }),
});

/** `callbackUrl` + `callbackData` of ingest, crawl and update requests (§13). */
export const CallbackFields = {
  callbackUrl: Type.Optional(Type.String({ minLength: 1 })),
  callbackData: Type.Optional(Type.String()),
};

export const DocumentUpdateBody = Type.Object({
  documents: Type.Array(
    Type.Object({
      documentId: Type.String(),
      fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
      filter: Type.Optional(JsonObject),
      searchData: Type.Optional(JsonObject),
    }),
    { minItems: 1 },
  ),
  ...CallbackFields,
});

export const DocumentsDeleteQuery = Type.Object({
  documentIds: Type.Union([Type.String(), Type.Array(Type.String())], {
    description: "Repeated and/or comma-separated document ids",
  }),
});

export const IngestResponse = Type.Object(
  {
    ingest: Type.Object(
      { processId: Type.String(), status: Type.String(), id: Type.Optional(Type.Integer()) },
      { additionalProperties: true },
    ),
  },
  { $id: "IngestResponse" },
);

export const XRayResponse = Type.Object(
  {},
  { additionalProperties: true, description: "The bare X-Ray (§5)" },
);
