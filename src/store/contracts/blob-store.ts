import type { Readable } from "node:stream";

/**
 * Stored files: originals, X-Rays, parse artifacts, later page images. Keys are
 * relative slash-separated paths of `[A-Za-z0-9._-]` segments (no `..`, no
 * leading slash); adapters refuse anything else. Writes are atomic: a reader
 * sees the old object or the new one, never a partial file.
 */
export interface BlobStore {
  put(key: string, data: Uint8Array | string): Promise<void>;
  /** Undefined when the object does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** A stream and size for serving large objects; undefined when missing. */
  open(key: string): Promise<{ readonly stream: Readable; readonly size: number } | undefined>;
  has(key: string): Promise<boolean>;
  copy(fromKey: string, toKey: string): Promise<boolean>;
  /** Idempotent. */
  delete(key: string): Promise<void>;
  /** Delete every object whose key starts with `prefix/`. Idempotent. */
  deletePrefix(prefix: string): Promise<void>;
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Whether a key is safe to map onto a file system or an object store. */
export function isValidBlobKey(key: string): boolean {
  if (key.length === 0 || key.length > 512) return false;
  return key.split("/").every((segment) => SEGMENT.test(segment) && segment !== "." && segment !== "..");
}
