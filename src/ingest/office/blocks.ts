/**
 * @module Small helpers over the blocks the Office readers produce: their
 * linear text (for the character limit and emptiness checks) and the title.
 */
import type { Block } from "../types.js";

/** The text of one block as the chunker will see it (tables: cells joined). */
export function blockText(block: Block): string {
  switch (block.kind) {
    case "heading":
    case "text":
      return block.text;
    case "table":
      return [block.title ?? "", ...block.header, ...block.rows.flat()].join(" ");
    case "figure":
      return [block.caption ?? "", block.text ?? ""].join(" ");
  }
}

/**
 * All blocks' text, separated by blank lines.
 *
 * @example blocksText([{ kind: "text", text: "a" }, { kind: "heading", level: 1, text: "b" }]) === "a\n\nb"
 */
export function blocksText(blocks: readonly Block[]): string {
  return blocks.map(blockText).join("\n\n");
}

/** The document title: the first level-1 heading, when it comes before any body text. */
export function documentTitle(blocks: readonly Block[]): string | undefined {
  for (const block of blocks) {
    if (block.kind === "heading") return block.level === 1 ? block.text : undefined;
    if (blockText(block).trim()) return undefined;
  }
  return undefined;
}

const FILE_NAME = /^[^\s/\\]+\.(?:png|jpe?g|gif|bmp|tiff?|emf|wmf|svg|webp|heic|ico)$/i;

/**
 * Alt text worth indexing: trimmed, and not just an image file name (Office
 * fills `descr` with the inserted file's name).
 *
 * @example usefulAltText("image1.png") === ""; usefulAltText(" A duck ") === "A duck"
 */
export function usefulAltText(text: string | undefined): string {
  const trimmed = text?.trim() ?? "";
  return FILE_NAME.test(trimmed) ? "" : trimmed;
}
