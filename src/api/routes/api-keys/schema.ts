import { Type } from "typebox";
import { Timestamp } from "../../schemas/common.js";
import { Name } from "../buckets/schema.js";

const ApiKeyDetail = Type.Object({
  apiKey: Type.String({ description: "Plaintext only in the response that created it; otherwise masked" }),
  name: Type.String(),
  created: Timestamp,
});

export const ApiKeyResponse = Type.Object({ apiKeys: Type.Array(ApiKeyDetail) });

/** Both shapes seen in the wild: `{ name }` (Python SDK) and `{ apiKey: { name } }` (HARN). */
export const ApiKeyCreateBody = Type.Object({
  name: Type.Optional(Name),
  apiKey: Type.Optional(Type.Object({ name: Name })),
});

export const ApiKeyUpdateBody = Type.Object({ name: Name });
export const ApiKeyParams = Type.Object({ apiKey: Type.String({ minLength: 1, maxLength: 512 }) });
