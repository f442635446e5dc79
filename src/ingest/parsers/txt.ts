/**
 * @module Plain text and Markdown (`.md` files are ingested as txt).
 *
 * Only three Markdown constructs are recognised: ATX headings, pipe tables and
 * fenced code. A full Markdown lexer is deliberately not used: plain-text files
 * would lose their text as written (indented lines would become code blocks,
 * `*`/`_` would be read as emphasis, `1986 Watford` style lines as lists).
 */
import type {
  Block,
  HeadingBlock,
  ParseContext,
  ParsedDocument,
  Parser,
  TableBlock,
  TextBlock,
} from "../types.js";
import { checkCharLimit, emptyDocument } from "./common.js";
import { decodeText, normalizeNewlines } from "./text-decode.js";

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

/** Cells of a pipe-table row: split on unescaped `|`, outer pipes dropped, cells trimmed. */
export function splitPipeRow(line: string): string[] {
  let body = line.trim();
  if (body.startsWith("|")) body = body.slice(1);
  if (body.endsWith("|") && !body.endsWith("\\|")) body = body.slice(0, -1);
  return body.split(/(?<!\\)\|/).map((cell) => cell.replace(/\\\|/g, "|").trim());
}

function isTableStart(lines: readonly string[], i: number): boolean {
  const header = lines[i] ?? "";
  const delimiter = lines[i + 1];
  if (delimiter === undefined || !header.includes("|") || !TABLE_DELIMITER.test(delimiter)) return false;
  if (!delimiter.includes("|") && splitPipeRow(header).length < 2) return false;
  return splitPipeRow(header).length === splitPipeRow(delimiter).length;
}

/** Remove the indentation all lines share, trailing spaces, and blank edge lines. */
function dedent(lines: readonly string[]): string {
  const trimmed = lines.map((l) => l.replace(/\s+$/, ""));
  const indents = trimmed.filter((l) => l.length > 0).map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return trimmed
    .map((l) => l.slice(common))
    .join("\n")
    .replace(/^\n+|\n+$/g, "");
}

/**
 * Blocks of a text: paragraphs split on blank lines, ATX headings, pipe tables,
 * fenced code. Lines inside a paragraph keep their line breaks.
 *
 * @example textToBlocks("# Title\n\nHello.")[0] // { kind: "heading", level: 1, text: "Title" }
 */
export function textToBlocks(text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = (): void => {
    const body = dedent(paragraph);
    paragraph = [];
    if (body.trim()) blocks.push({ kind: "text", role: "paragraph", text: body } satisfies TextBlock);
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    const fence = FENCE_OPEN.exec(line);
    if (fence?.[1]) {
      flush();
      const marker = fence[1];
      const code: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? "").trim().startsWith(marker)) code.push(lines[i++] ?? "");
      i++; // closing fence (or end of file)
      const body = dedent(code);
      if (body.trim()) blocks.push({ kind: "text", role: "code", text: body } satisfies TextBlock);
      continue;
    }
    const heading = ATX_HEADING.exec(line);
    if (heading?.[1]) {
      flush();
      const title = (heading[2] ?? "").trim();
      if (title)
        blocks.push({ kind: "heading", level: heading[1].length, text: title } satisfies HeadingBlock);
      i++;
      continue;
    }
    if (isTableStart(lines, i)) {
      flush();
      const header = splitPipeRow(line);
      const rows: string[][] = [];
      i += 2;
      while (i < lines.length && (lines[i] ?? "").includes("|") && (lines[i] ?? "").trim() !== "") {
        const cells = splitPipeRow(lines[i] ?? "");
        rows.push(header.map((_, c) => cells[c] ?? ""));
        i++;
      }
      blocks.push({
        kind: "table",
        header: header.map((h, c) => h || `column_${c + 1}`),
        rows,
      } satisfies TableBlock);
      continue;
    }
    if (line.trim() === "") flush();
    else paragraph.push(line);
    i++;
  }
  flush();
  return blocks;
}

/** Decode, normalise line ends and split into blocks; the first level-1 heading is the title. */
export function parseTextDocument(text: string, context: ParseContext): ParsedDocument {
  checkCharLimit(text.length, context.limits);
  if (!text.trim()) throw emptyDocument();
  const blocks = textToBlocks(text);
  if (blocks.length === 0) throw emptyDocument();
  const title = blocks.find((b): b is HeadingBlock => b.kind === "heading" && b.level === 1)?.text;
  return title ? { blocks, title } : { blocks };
}

export const txtParser: Parser = {
  name: "txt",
  formats: ["txt"],
  async parse(bytes, context) {
    return parseTextDocument(normalizeNewlines(decodeText(bytes).text), context);
  },
};
