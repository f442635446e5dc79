import type { FastifyRequest } from "fastify";
import { AppError, invalid } from "../../../errors/index.js";
import type { IngestDocumentInput } from "../../../ingest/service.js";
import { canonicalType } from "./schema.js";

/** Extension → DocumentType, for files sent without a fileType (as the TS helper guesses). */
export function typeFromFileName(fileName: string): string | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return ext ? canonicalType(ext) : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Validate one local-ingest metadata object (§4.2); `field` names it in errors. */
export function readLocalMetadata(
  raw: unknown,
  field: string,
  fallbackName: string | undefined,
): Omit<IngestDocumentInput, "source"> {
  if (!isObject(raw)) throw invalid(field, "must be a JSON object");
  const bucketId = raw.bucketId;
  if (typeof bucketId !== "number" || !Number.isSafeInteger(bucketId) || bucketId < 1) {
    throw invalid(`${field}.bucketId`, "is required and must be a positive integer");
  }
  const optionalString = (key: string): string | undefined => {
    const value = raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" || value.length === 0)
      throw invalid(`${field}.${key}`, "must be a non-empty string");
    return value;
  };
  const optionalObject = (key: string): Record<string, unknown> | undefined => {
    const value = raw[key];
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) throw invalid(`${field}.${key}`, "must be a JSON object");
    return value;
  };
  const fileName = optionalString("fileName") ?? fallbackName;
  if (!fileName) throw invalid(`${field}.fileName`, "is required when the file part has no filename");
  const declared = optionalString("fileType");
  const fileType = canonicalType(declared);
  if (declared !== undefined && fileType === undefined) {
    throw invalid(`${field}.fileType`, `"${declared}" is not a supported document type`);
  }
  const processLevel = optionalString("processLevel") ?? "full";
  if (processLevel !== "full" && processLevel !== "none")
    throw invalid(`${field}.processLevel`, "must be full or none");
  return {
    bucketId,
    fileName,
    declaredType: fileType ?? typeFromFileName(fileName),
    processLevel,
    filter: optionalObject("filter"),
    searchData: optionalObject("searchData"),
  };
}

function parseJsonText(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid(field, "is not valid JSON");
  }
}

/**
 * Read a multipart local ingest: `blob` and `metadata` parts paired in order.
 * Metadata may be a file part (the TS helper sends `data.json`) or a text field.
 */
export async function readMultipartDocuments(
  request: FastifyRequest,
  maxDocuments: number,
): Promise<{
  documents: IngestDocumentInput[];
  callbackUrl: string | undefined;
  callbackData: string | undefined;
}> {
  const blobs: { bytes: Uint8Array; fileName: string | undefined }[] = [];
  const metadata: unknown[] = [];
  let callbackUrl: string | undefined;
  let callbackData: string | undefined;
  for await (const part of request.parts()) {
    if (part.fieldname === "blob") {
      if (part.type !== "file") throw invalid(`blob[${blobs.length}]`, "must be a file part");
      const bytes = new Uint8Array(await part.toBuffer());
      blobs.push({ bytes, fileName: part.filename || undefined });
    } else if (part.fieldname === "metadata") {
      const field = `metadata[${metadata.length}]`;
      const text = part.type === "file" ? (await part.toBuffer()).toString("utf8") : String(part.value);
      metadata.push(parseJsonText(text, field));
    } else if (part.type === "field" && part.fieldname === "callbackUrl") {
      callbackUrl = String(part.value);
    } else if (part.type === "field" && part.fieldname === "callbackData") {
      callbackData = String(part.value);
    } else if (part.type === "file") {
      await part.toBuffer(); // drain unknown file parts
    }
    if (blobs.length > maxDocuments) throw invalid("blob", `at most ${maxDocuments} files per request`);
  }
  if (blobs.length === 0) throw invalid("blob", "at least one file part named blob is required");
  if (blobs.length !== metadata.length) {
    throw invalid(
      "metadata",
      `${blobs.length} blob parts but ${metadata.length} metadata parts; send them in pairs`,
    );
  }
  const documents = blobs.map((blob, i) => ({
    ...readLocalMetadata(metadata[i], `metadata[${i}]`, blob.fileName),
    source: { kind: "upload" as const, bytes: blob.bytes },
  }));
  return { documents, callbackUrl, callbackData };
}

/** The JSON form of local ingest (what the generated SDK methods send): `[{ blob: base64, metadata }]`. */
export function readJsonDocuments(
  body: unknown,
  maxDocuments: number,
  maxFileBytes: number,
): IngestDocumentInput[] {
  const items = Array.isArray(body)
    ? body
    : isObject(body) && Array.isArray(body.documents)
      ? body.documents
      : undefined;
  if (!items || items.length === 0) throw invalid("body", "must be a non-empty array of { blob, metadata }");
  if (items.length > maxDocuments) throw invalid("body", `at most ${maxDocuments} documents per request`);
  return items.map((item: unknown, i: number) => {
    if (!isObject(item) || typeof item.blob !== "string")
      throw invalid(`[${i}].blob`, "must be a base64 string");
    if (!/^[A-Za-z0-9+/=\s_-]*$/.test(item.blob)) throw invalid(`[${i}].blob`, "must be base64");
    const bytes = new Uint8Array(Buffer.from(item.blob, "base64"));
    if (bytes.byteLength > maxFileBytes) {
      throw new AppError("PAYLOAD_TOO_LARGE", `[${i}].blob: larger than the limit of ${maxFileBytes} bytes`);
    }
    return {
      ...readLocalMetadata(item.metadata, `[${i}].metadata`, undefined),
      source: { kind: "upload" as const, bytes },
    };
  });
}
