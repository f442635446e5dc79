import type { ParseErrorCode, ParseLimits, ParserOptions, SourceFormat, XRay } from "../types.js";

/** Parse one document: parse → chunk → enrich → X-Ray. */
export interface ProcessTask {
  readonly kind: "process";
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly fileName: string;
  readonly format: SourceFormat;
  readonly processLevel: "full" | "none";
  readonly limits: ParseLimits;
  readonly chunkIdPrefix: string;
  readonly options?: ParserOptions;
}

/** Render one page of a paged document as a JPEG (the page images of CONTRACT.md §5.3). */
export interface RenderTask {
  readonly kind: "render";
  readonly id: number;
  /** The original file, or for DOCX/PPTX the PDF LibreOffice made of it (then `format` is "pdf"). */
  readonly bytes: Uint8Array;
  readonly format: SourceFormat;
  /** 1-based. */
  readonly pageNumber: number;
}

/** What the main thread sends a sandbox worker. */
export type SandboxTask = ProcessTask | RenderTask;

export type SandboxReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly kind: "process";
      readonly xray: Omit<XRay, "sourceUrl">;
      readonly tokens: number;
      /** DOCX/PPTX converted by LibreOffice: the PDF the pages refer to. */
      readonly pagesPdf?: Uint8Array;
    }
  | { readonly id: number; readonly ok: true; readonly kind: "render"; readonly jpeg: Uint8Array }
  | { readonly id: number; readonly ok: false; readonly code: ParseErrorCode; readonly message: string };
