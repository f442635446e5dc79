import { createHash } from "node:crypto";
import { newUuid } from "../core/ids.js";
import type { NewApiKey } from "../store/contracts/metadata-store.js";

/** Keys are stored only as SHA-256 hashes (CONTRACT.md D4). */
export function hashApiKey(apiKey: string): string {
  return createHash("sha256").update(apiKey, "utf8").digest("hex");
}

/** How a key is shown after creation: its first 8 characters and an ellipsis (D4). */
export function maskApiKey(prefix: string): string {
  return `${prefix}…`;
}

/** A new random key (UUID v4) with its stored form. */
export function generateApiKey(name: string): { plaintext: string; record: NewApiKey } {
  const plaintext = newUuid();
  return { plaintext, record: storedKey(plaintext, name) };
}

/** The stored form of a given plaintext key. */
export function storedKey(plaintext: string, name: string): NewApiKey {
  return { hash: hashApiKey(plaintext), prefix: plaintext.slice(0, 8), name };
}
