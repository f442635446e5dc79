import type { EmbedderSpec } from "./spec.js";
import type { EmbedKind } from "./types.js";

/** workerData of an embedder thread. */
export interface EmbedWorkerData {
  readonly spec: EmbedderSpec;
}

export type EmbedRequest =
  | {
      readonly type: "embed";
      readonly id: number;
      readonly texts: readonly string[];
      readonly kind: EmbedKind;
    }
  | { readonly type: "close" };

export type EmbedReply =
  | { readonly type: "ready"; readonly embedderId: string; readonly dimensions: number }
  | { readonly type: "init-error"; readonly code: string; readonly message: string }
  | { readonly type: "result"; readonly id: number; readonly vectors: Float32Array[] }
  | { readonly type: "error"; readonly id: number; readonly code: string; readonly message: string }
  | { readonly type: "log"; readonly obj: object; readonly msg: string }
  | { readonly type: "closed" };
