/**
 * `search.text`: the LLM-ready context string assembled from the returned chunks (CONTRACT.md §6.4).
 * Pure: no I/O.
 *
 * Format, reproduced from observed hosted output:
 * - Chunks are grouped by (document, section), groups ordered by where they first appear in the
 *   score-sorted list, chunks within a group kept in list order.
 * - Each group starts with a header naming the document, then a blank line:
 *   `The following text excerpts are from the same section of a document named '<fileName>':` when the
 *   group holds more than one chunk, otherwise
 *   `The following text excerpt is from a section of a document named '<fileName>':`.
 * - Each chunk is `Text excerpt from page number <p>:` + `\n` + its text; two pages read
 *   `page number 5 and page number 6`, three or more `page number 1, page number 2 and page number 3`.
 * - Excerpts, and groups, are separated by `\n\n\n`. An empty result list gives `""`.
 *
 * Decisions on the points the contract leaves open:
 * - The chunk text is `suggestedText`, falling back to `text` when `suggestedText` is missing or empty,
 *   and to `""` when both are (the excerpt is still listed so the text covers every result).
 * - Page numbers are de-duplicated and sorted ascending; non-finite ones are ignored. A chunk with no page
 *   number is introduced by `Text excerpt:`.
 * - The header uses the file name of the group's first chunk, verbatim (quotes are not escaped).
 *
 * @example
 *   buildSearchText([{ documentId: "d", fileName: "a.pdf", sectionKey: "s", pageNumbers: [5, 6], suggestedText: "Hi" }]);
 *   // "The following text excerpt is from a section of a document named 'a.pdf':\n\n" +
 *   // "Text excerpt from page number 5 and page number 6:\nHi"
 */

/** One returned chunk, as far as `search.text` needs it. */
export interface SearchTextItem {
  readonly documentId: string;
  readonly fileName: string;
  /** Identifies the chunk's section: chunks of the same section of the same document share it. */
  readonly sectionKey: string;
  readonly pageNumbers: readonly number[];
  readonly suggestedText?: string;
  readonly text?: string;
}

const EXCERPT_SEPARATOR = "\n\n\n";

/**
 * Builds `search.text` from results already sorted by score, best first.
 *
 * @example buildSearchText([]) === ""
 */
export function buildSearchText(results: readonly SearchTextItem[]): string {
  const groups = new Map<string, SearchTextItem[]>();
  for (const item of results) {
    const key = JSON.stringify([item.documentId, item.sectionKey]);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()].map(renderGroup).join(EXCERPT_SEPARATOR);
}

function renderGroup(items: readonly SearchTextItem[]): string {
  const fileName = items[0]?.fileName ?? "";
  const header =
    items.length > 1
      ? `The following text excerpts are from the same section of a document named '${fileName}':`
      : `The following text excerpt is from a section of a document named '${fileName}':`;
  return `${header}\n\n${items.map(renderExcerpt).join(EXCERPT_SEPARATOR)}`;
}

function renderExcerpt(item: SearchTextItem): string {
  const body = item.suggestedText || item.text || "";
  return `${excerptLabel(item.pageNumbers)}\n${body}`;
}

function excerptLabel(pageNumbers: readonly number[]): string {
  const pages = [...new Set(pageNumbers.filter((p) => Number.isFinite(p)))].sort((a, b) => a - b);
  const parts = pages.map((p) => `page number ${p}`);
  const last = parts.pop();
  if (last === undefined) return "Text excerpt:";
  if (parts.length === 0) return `Text excerpt from ${last}:`;
  return `Text excerpt from ${parts.join(", ")} and ${last}:`;
}
