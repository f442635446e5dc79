import type { SourceFormat } from "./types.js";

/** Media type of each format, for serving stored originals and uploads. */
export const MIME_TYPES: Readonly<Record<SourceFormat, string>> = {
  pdf: "application/pdf",
  txt: "text/plain",
  json: "application/json",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  html: "text/html",
  png: "image/png",
  jpg: "image/jpeg",
  gif: "image/gif",
  bmp: "image/bmp",
  tiff: "image/tiff",
  webp: "image/webp",
  heif: "image/heif",
  ico: "image/x-icon",
  svg: "image/svg+xml",
  hwp: "application/x-hwp",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** The media type of a document type or format; octet-stream when unknown. */
export function mimeType(format: string | undefined): string {
  return (format && (MIME_TYPES as Readonly<Record<string, string>>)[format]) || "application/octet-stream";
}
