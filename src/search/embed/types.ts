/** What a text is embedded as: some models encode queries and documents differently. */
export type EmbedKind = "query" | "document";

/**
 * Turns texts into dense vectors. Implementations hold no global state: pass one explicitly to
 * whatever needs it, and `close()` it when done.
 */
export interface Embedder {
  /** Model and variant, e.g. "all-MiniLM-L6-v2:onnx-int8"; store it with the vectors it made. */
  readonly id: string;
  /** Length of every vector. */
  readonly dimensions: number;
  /** One L2-normalised vector per text, in order. */
  embed(texts: readonly string[], kind: EmbedKind): Promise<Float32Array[]>;
  /** Release the model, sessions, threads or sockets. Further `embed` calls reject. */
  close(): Promise<void>;
}

/** The part of a pino/Fastify logger the embedders use. */
export interface EmbedLogger {
  warn(obj: object, msg: string): void;
}

/** An embedding failure with a stable `code` (e.g. EMBED_HTTP_STATUS, EMBED_TIMEOUT, EMBED_CLOSED). */
export class EmbedError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EmbedError";
    this.code = code;
  }
}
