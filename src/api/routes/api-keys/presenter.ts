import { toRfc3339 } from "../../../core/format.js";
import type { ApiKeyRecord } from "../../../core/types.js";
import { maskApiKey } from "../../../services/api-keys.js";

/** ApiKeyDetail (§2.10): masked unless the plaintext is being handed out at creation (D4). */
export function presentApiKey(key: ApiKeyRecord, plaintext?: string) {
  return { apiKey: plaintext ?? maskApiKey(key.prefix), name: key.name, created: toRfc3339(key.created) };
}
