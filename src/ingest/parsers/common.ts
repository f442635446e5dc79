/** Helpers shared by the parsers: limits, empty documents, names. */
import { ParseError, type ParseLimits } from "../types.js";

/** LIMIT_EXCEEDED when the extracted text is longer than `limits.maxChars`. */
export function checkCharLimit(length: number, limits: ParseLimits): void {
  if (length > limits.maxChars) {
    throw new ParseError(
      "LIMIT_EXCEEDED",
      `the document has ${length} characters of text, more than the limit of ${limits.maxChars}`,
    );
  }
}

/** LIMIT_EXCEEDED when a table has more body rows than `limits.maxRows`. */
export function checkRowLimit(rows: number, limits: ParseLimits): void {
  if (rows > limits.maxRows) {
    throw new ParseError("LIMIT_EXCEEDED", `the document has more than ${limits.maxRows} table rows`);
  }
}

/** The error for a document without any text. */
export function emptyDocument(): ParseError {
  return new ParseError("EMPTY_DOCUMENT", "the document contains no text");
}

/** `reports/2024 Q3.final.csv` → `2024 Q3.final`. */
export function fileStem(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Collapse runs of whitespace (incl. NBSP) to one space and trim. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
