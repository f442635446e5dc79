/**
 * @module The input of the layout stage: positioned text, ruling lines and image
 * regions of each page, in the pixel space of the page image (origin top-left,
 * y down). PDF text layers and OCR word boxes both arrive in this shape, so one
 * layout analysis (lines → blocks, reading order, headers/footers, tables,
 * figures) serves every paged format.
 */

/** The resolution of page images: PDF points (1/72 in) are scaled by PAGE_IMAGE_DPI / 72. */
export const PAGE_IMAGE_DPI = 150;

/** An axis-aligned rectangle in page pixels. */
export interface Rect {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** A run of text on one baseline (a PDF text item or an OCR word). */
export interface TextItem extends Rect {
  readonly text: string;
  /** Font size in page pixels (PDF: the glyph height; OCR: the word's box height). */
  readonly fontSize: number;
  readonly fontName?: string;
  readonly bold?: boolean;
  /** OCR only: 0–100. */
  readonly confidence?: number;
}

/** The content of one page, as the layout stage receives it. */
export interface PageContent {
  /** 1-based. */
  readonly pageNumber: number;
  /** Page image size in pixels. */
  readonly width: number;
  readonly height: number;
  readonly items: readonly TextItem[];
  /** Ruling lines and thin filled rectangles (table borders), from the PDF's path operators. */
  readonly rules: readonly Rect[];
  /** Regions painted by images (figures). */
  readonly images: readonly Rect[];
  /** True when the items come from OCR. */
  readonly ocr?: boolean;
}
