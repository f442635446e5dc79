import { invalid } from "../../../errors/index.js";
import { formatFromFileName, normalizeDeclaredType } from "../../../ingest/detect/index.js";
import { MIME_TYPES } from "../../../ingest/mime.js";
import type { SourceFormat } from "../../../ingest/types.js";

/** What the PUT is told to send and what the hosted URL serves, by detected format. */

/** Suffix aliases of the Python SDK that remote ingest does not know by name. */
const EXTRA_TYPES: Readonly<Record<string, SourceFormat>> = { jpe: "jpg", jfi: "jpg" };

/** Path separators and control characters (C0 and DEL) have no place in a file name. */
function hasForbiddenCharacter(name: string): boolean {
  for (const ch of name) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "/" || ch === "\\" || code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Longest URL-encoded name: it is a path parameter of the hosted URL (router limit 2048). */
export const MAX_ENCODED_NAME = 2048;

/** Validate `name` (400 naming the field): 1–1024 characters, no path separators or control characters. */
export function checkFileName(name: string | undefined): string {
  if (name === undefined || name.length === 0) throw invalid("name", "is required (the file name)");
  if (name.length > 1024) throw invalid("name", "must be at most 1024 characters");
  if (hasForbiddenCharacter(name)) {
    throw invalid("name", "must be a bare file name without path separators or control characters");
  }
  if (name.trim() === "" || name === "." || name === "..") throw invalid("name", "is not a file name");
  let encoded: string;
  try {
    encoded = encodeURIComponent(name);
  } catch {
    throw invalid("name", "is not well-formed Unicode");
  }
  if (encoded.length > MAX_ENCODED_NAME) {
    throw invalid("name", `is too long once URL-encoded (at most ${MAX_ENCODED_NAME} characters)`);
  }
  return name;
}

/**
 * The MIME type of an upload from `type` (an extension without the dot, as the
 * Python SDK sends it; aliases such as jpeg, tif, heic, md accepted), or from the
 * name's extension when `type` is absent. Unknown → 400.
 */
export function contentTypeFor(type: string | undefined, fileName: string): string {
  const raw = type?.trim().toLowerCase().replace(/^\./, "");
  if (raw !== undefined && raw !== "") {
    const format = normalizeDeclaredType(raw) ?? EXTRA_TYPES[raw];
    if (!format)
      throw invalid("type", `"${type}" is not a supported file type (send the extension, e.g. pdf)`);
    return MIME_TYPES[format];
  }
  const format = formatFromFileName(fileName);
  if (!format) throw invalid("type", "is required when the name has no supported extension");
  return MIME_TYPES[format];
}
