import type { ParseErrorCode, ParseLimits, SourceFormat, XRay } from "../types.js";

/** What the main thread sends a parser worker. */
export interface SandboxTask {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly fileName: string;
  readonly format: SourceFormat;
  readonly processLevel: "full" | "none";
  readonly limits: ParseLimits;
  readonly chunkIdPrefix: string;
}

export type SandboxReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly xray: Omit<XRay, "sourceUrl">;
      readonly tokens: number;
    }
  | { readonly id: number; readonly ok: false; readonly code: ParseErrorCode; readonly message: string };
