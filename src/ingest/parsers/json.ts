/**
 * @module JSON documents: structure kept as readable `path: value` lines.
 *
 * One text block per top-level object member (or per group of top-level array
 * elements), each with its JSON path (`$.items[3]`, `$["odd key"]`, `$[0:12]`
 * for a group). A member whose text is larger than a chunk is broken up along
 * its own structure, so chunks follow the JSON tree instead of cutting lines.
 */
import { type ParseError as JsoncError, printParseErrorCode, visit } from "jsonc-parser";
import { countTokens } from "../chunk/tokens.js";
import { type Block, type ParseContext, type ParsedDocument, ParseError, type Parser } from "../types.js";
import { checkCharLimit, emptyDocument } from "./common.js";
import { decodeText, normalizeNewlines } from "./text-decode.js";

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A block's text is kept below this many tokens before it is broken along the JSON structure. */
const BLOCK_TOKEN_BUDGET = 300;
/** Arrays of scalars up to this many characters render on one line: `tags: a, b, c`. */
const INLINE_ARRAY_CHARS = 200;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isScalar(value: JsonValue): value is null | boolean | number | string {
  return value === null || typeof value !== "object";
}

/** `$` + `.key` for identifiers, `["odd key"]` otherwise. */
function memberPath(parent: string, key: string): string {
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** Line labels are paths without the leading `$` (`address.city`, `[3].name`). */
function label(path: string): string {
  return path.startsWith("$.") ? path.slice(2) : path.slice(1);
}

function scalarText(value: null | boolean | number | string): string {
  return value === null ? "null" : String(value);
}

/** Readable lines for a value: `label: value`, nested containers flattened with their paths. */
function renderLines(value: JsonValue, path: string, out: string[]): void {
  const name = label(path);
  if (isScalar(value)) {
    out.push(name ? `${name}: ${scalarText(value)}` : scalarText(value));
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(name ? `${name}: []` : "[]");
      return;
    }
    if (value.every(isScalar)) {
      const inline = value.map((v) => scalarText(v as null | boolean | number | string)).join(", ");
      if (inline.length <= INLINE_ARRAY_CHARS) {
        out.push(name ? `${name}: ${inline}` : inline);
        return;
      }
    }
    value.forEach((element, i) => {
      renderLines(element, `${path}[${i}]`, out);
    });
    return;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) {
    out.push(name ? `${name}: {}` : "{}");
    return;
  }
  for (const [key, member] of entries) renderLines(member, memberPath(path, key), out);
}

function render(value: JsonValue, path: string): string {
  const out: string[] = [];
  renderLines(value, path, out);
  return out.join("\n");
}

function emitValue(value: JsonValue, path: string, blocks: Block[]): void {
  const text = render(value, path);
  if (isScalar(value) || countTokens(text) <= BLOCK_TOKEN_BUDGET) {
    blocks.push({ kind: "text", role: "json", text, path });
    return;
  }
  if (Array.isArray(value)) {
    emitArray(value, path, blocks);
    return;
  }
  for (const [key, member] of Object.entries(value)) emitValue(member, memberPath(path, key), blocks);
}

/** Consecutive small elements are grouped into one block (`$.items[4:9]`); a large one is broken up. */
function emitArray(items: readonly JsonValue[], path: string, blocks: Block[]): void {
  let group: string[] = [];
  let groupStart = 0;
  let groupTokens = 0;
  const flush = (end: number): void => {
    if (group.length === 0) return;
    const groupPath = end - groupStart === 1 ? `${path}[${groupStart}]` : `${path}[${groupStart}:${end}]`;
    blocks.push({ kind: "text", role: "json", text: group.join("\n"), path: groupPath });
    group = [];
  };
  items.forEach((item, i) => {
    const text = render(item, `${path}[${i}]`);
    const tokens = countTokens(text);
    if (tokens > BLOCK_TOKEN_BUDGET && !isScalar(item)) {
      flush(i);
      emitValue(item, `${path}[${i}]`, blocks);
      groupStart = i + 1;
      groupTokens = 0;
      return;
    }
    if (group.length > 0 && groupTokens + tokens > BLOCK_TOKEN_BUDGET) {
      flush(i);
      groupStart = i;
      groupTokens = 0;
    }
    group.push(text);
    groupTokens += tokens;
  });
  flush(items.length);
}

/**
 * Deepest nesting of objects/arrays, by a linear scan of the raw text (strings
 * skipped). Done before JSON.parse so that absurdly deep input is refused
 * cheaply; a hand scan because no JSON library reports depth without building
 * (or recursing into) the whole tree.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

const ERROR_TEXT: Readonly<Record<string, string>> = {
  InvalidSymbol: "invalid symbol",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "property name expected",
  ValueExpected: "value expected",
  ColonExpected: "':' expected",
  CommaExpected: "',' expected",
  CloseBraceExpected: "'}' expected",
  CloseBracketExpected: "']' expected",
  EndOfFileExpected: "end of input expected",
  InvalidCommentToken: "comments are not allowed",
  UnexpectedEndOfComment: "unexpected end of comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unexpected end of number",
  InvalidUnicode: "invalid unicode escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "invalid character in string",
};

/** PARSE_FAILED with the line and column of the first syntax error (jsonc-parser locates it; JSON.parse does not always). */
function syntaxError(text: string, fallback: string): ParseError {
  let first: { error: JsoncError["error"]; line: number; column: number } | undefined;
  visit(
    text,
    {
      onError: (error, _offset, _length, line, column) => {
        first ??= { error, line, column };
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  if (!first) return new ParseError("PARSE_FAILED", `invalid JSON: ${fallback}`);
  const code = printParseErrorCode(first.error);
  const reason = ERROR_TEXT[code] ?? code;
  return new ParseError(
    "PARSE_FAILED",
    `invalid JSON at line ${first.line + 1}, column ${first.column + 1}: ${reason}`,
  );
}

/**
 * Parse JSON text into blocks.
 *
 * @throws ParseError LIMIT_EXCEEDED (too deep), PARSE_FAILED (syntax), EMPTY_DOCUMENT
 * @example parseJsonText('{"a": {"b": 1}}', ctx).blocks[0] // { kind: "text", path: "$.a", text: "a.b: 1" }
 */
export function parseJsonText(text: string, context: ParseContext): ParsedDocument {
  checkCharLimit(text.length, context.limits);
  if (!text.trim()) throw emptyDocument();
  const depth = jsonDepth(text);
  if (depth > context.limits.maxJsonDepth) {
    throw new ParseError("LIMIT_EXCEEDED", `JSON nesting deeper than ${context.limits.maxJsonDepth} levels`);
  }
  let root: JsonValue;
  try {
    root = JSON.parse(text) as JsonValue;
  } catch (error) {
    throw syntaxError(text, error instanceof Error ? error.message : String(error));
  }
  const blocks: Block[] = [];
  if (isObject(root)) {
    for (const [key, member] of Object.entries(root)) emitValue(member, memberPath("$", key), blocks);
  } else if (Array.isArray(root)) {
    emitArray(root, "$", blocks);
  } else {
    emitValue(root, "$", blocks);
  }
  if (blocks.length === 0 || blocks.every((b) => b.kind === "text" && !b.text.trim())) throw emptyDocument();
  return { blocks };
}

export const jsonParser: Parser = {
  name: "json",
  formats: ["json"],
  async parse(bytes, context) {
    return parseJsonText(normalizeNewlines(decodeText(bytes).text), context);
  },
};
