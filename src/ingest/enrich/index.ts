/**
 * @module Enrichment without a model: extractive, deterministic summaries and
 * keywords, table narratives and the language (CONTRACT.md §5.4: doc-summary →
 * fileSummary, doc-keys → fileKeywords, sect-summary → sectionSummary).
 *
 * - fileKeywords: the file name, then the top 10 terms (see keywords.ts), joined by ",".
 * - fileSummary: "<title or file name>: <lead sentences, ≤ 120 words>" +
 *   "\n\nKeywords: <terms joined by ', '>" (the ending observed in GroundX).
 * - sectionSummary: "<heading>: <lead sentences of the section, ≤ 60 words in all>";
 *   a section with only tables is described by its first table's summary.
 * - tables: json[0].summary, keywords and narrative per table chunk (tables.ts).
 */
import type { Chunk, ChunkedDocument, ParsedDocument } from "../types.js";
import { extractKeywords } from "./keywords.js";
import { type DetectedLanguage, detectLanguage } from "./language.js";
import { leadSentences, truncateWords, wordCount } from "./sentences.js";
import { stopwordsFor } from "./stopwords.js";
import { describeFigure, describeTable, locateTables, type TablePosition } from "./tables.js";

export { type DetectedLanguage, detectLanguage } from "./language.js";
export { locateTables, type TablePosition } from "./tables.js";

export const FILE_SUMMARY_WORDS = 120;
export const SECTION_SUMMARY_WORDS = 60;
export const FILE_KEYWORDS = 10;
const ELEMENT_KEYWORDS = 5;

/** Enrichment of one table or figure chunk. */
export interface ElementEnrichment {
  readonly summary: string;
  /** Comma-separated. */
  readonly keywords: string;
  readonly narrative: string[];
}

export interface Enrichment {
  /** English name of the language (D15). */
  readonly language: string;
  readonly keywords: readonly string[];
  readonly fileKeywords: string;
  readonly fileSummary: string;
  /** By section index; undefined when a section has nothing to summarise. */
  readonly sectionSummaries: readonly (string | undefined)[];
  /** By chunk index, for table and figure chunks. */
  readonly elements: ReadonlyMap<number, ElementEnrichment>;
  /** By chunk index, for table chunks. */
  readonly tables: ReadonlyMap<number, TablePosition>;
}

export interface EnrichInput {
  readonly fileName: string;
  readonly chunked: ChunkedDocument;
  readonly parsed: ParsedDocument;
  /** Reuse an earlier detection. */
  readonly language?: DetectedLanguage;
}

/** The language of a chunked document (its first ~2,000 characters). */
export function documentLanguage(chunked: ChunkedDocument): DetectedLanguage {
  return detectLanguage(chunked.text);
}

/** "Title: lead" — no colon after a heading that ends with punctuation. */
function joinTitle(title: string | undefined, lead: string): string {
  const head = title?.trim() ?? "";
  if (!head) return lead;
  if (!lead) return head;
  return /[.:!?;]$/.test(head) ? `${head} ${lead}` : `${head}: ${lead}`;
}

/**
 * Paragraph and figure text of chunks, joined as in the linear text (so a
 * sentence split between two chunks is whole again), without the heading lines
 * that open sections.
 */
function bodyText(chunked: ChunkedDocument, chunks: readonly Chunk[], headings: ReadonlySet<string>): string {
  let body = "";
  let previousEnd = -1;
  for (const chunk of chunks) {
    if (chunk.contentType === "table") {
      previousEnd = -1;
      continue;
    }
    const gap = previousEnd >= 0 ? chunked.text.slice(previousEnd, chunk.charStart) : "";
    const separator = gap !== "" && gap.trim() === "" ? gap : "\n\n";
    body += body ? separator + chunk.text : chunk.text;
    previousEnd = chunk.charEnd;
  }
  return body
    .split("\n\n")
    .filter((block) => !headings.has(block.trim()))
    .join("\n\n");
}

/**
 * Enrich a chunked document (see the module comment).
 *
 * @example enrichDocument({ fileName: "a.txt", chunked, parsed }).fileKeywords // "a.txt,term,term…"
 */
export function enrichDocument(input: EnrichInput): Enrichment {
  const { fileName, chunked, parsed } = input;
  const language = input.language ?? documentLanguage(chunked);
  const stopwords = stopwordsFor(language.stopwords);
  const headings = new Set(chunked.sections.map((s) => s.title).filter((t): t is string => t !== undefined));
  const keywords = extractKeywords(
    chunked.chunks.map((c) => c.text),
    { stopwords, emphasis: [...headings, parsed.title ?? ""], max: FILE_KEYWORDS },
  );
  const keyTerms = new Set(keywords.flatMap((k) => k.toLowerCase().split(" ")));

  const tables = locateTables(chunked, parsed);
  const elements = new Map<number, ElementEnrichment>();
  for (const chunk of chunked.chunks) {
    if (chunk.contentType === "table") {
      const position = tables.get(chunk.index) ?? {
        tableNumber: 1,
        firstRow: 0,
        totalRows: chunk.table?.rows.length ?? 0,
      };
      const { summary, narrative } = describeTable(chunk, position);
      const terms = extractKeywords([chunk.text], { stopwords, max: ELEMENT_KEYWORDS });
      elements.set(chunk.index, { summary, keywords: terms.join(", "), narrative });
    } else if (chunk.contentType === "figure") {
      const summary = describeFigure(chunk);
      const terms = extractKeywords([chunk.text], { stopwords, max: ELEMENT_KEYWORDS });
      elements.set(chunk.index, { summary, keywords: terms.join(", "), narrative: [summary] });
    }
  }

  const sectionSummaries = chunked.sections.map((section) => {
    const own = chunked.chunks.filter((c) => c.section === section.index);
    if (own.length === 0) return undefined;
    const titleWords = wordCount(section.title ?? "");
    const budget = Math.max(10, SECTION_SUMMARY_WORDS - titleWords);
    let lead = leadSentences(bodyText(chunked, own, headings), budget, keyTerms);
    if (!lead) {
      const firstElement = own.find((c) => elements.has(c.index));
      lead = firstElement ? (elements.get(firstElement.index)?.summary ?? "") : "";
    }
    const summary = truncateWords(joinTitle(section.title, lead), SECTION_SUMMARY_WORDS);
    return summary || undefined;
  });

  const title = parsed.title?.trim() || fileName;
  const titleWords = wordCount(title);
  let lead = leadSentences(
    bodyText(chunked, chunked.chunks, headings),
    Math.max(20, FILE_SUMMARY_WORDS - titleWords),
    keyTerms,
  );
  if (!lead) {
    const firstElement = chunked.chunks.find((c) => elements.has(c.index));
    lead = firstElement ? (elements.get(firstElement.index)?.summary ?? "") : "";
  }
  const summaryBody = truncateWords(joinTitle(title, lead), FILE_SUMMARY_WORDS);
  const fileSummary =
    keywords.length > 0 ? `${summaryBody}\n\nKeywords: ${keywords.join(", ")}` : summaryBody;
  const fileKeywords = [fileName, ...keywords].join(",");

  return {
    language: language.name,
    keywords,
    fileKeywords,
    fileSummary,
    sectionSummaries,
    elements,
    tables,
  };
}
