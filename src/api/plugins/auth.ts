import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Account, ApiKeyRecord } from "../../core/types.js";
import { AppError } from "../../errors/index.js";
import { hashApiKey } from "../../services/api-keys.js";
import type { MetadataStore } from "../../store/contracts/metadata-store.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated account; set on every `/api/v1` route. */
    account: Account;
    /** The key the request authenticated with. */
    apiKey: ApiKeyRecord;
  }
}

/**
 * `X-API-Key` authentication (CONTRACT.md §1.2): the key's hash is looked up on
 * every request, so a deleted key stops working at once. Missing, unknown and
 * deleted keys all get the same 401.
 */
export function registerAuth(app: FastifyInstance, store: MetadataStore): void {
  app.decorateRequest("account", null as unknown as Account);
  app.decorateRequest("apiKey", null as unknown as ApiKeyRecord);
  app.addHook("onRequest", async (request: FastifyRequest) => {
    const header = request.headers["x-api-key"];
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || key.length > 512) throw new AppError("UNAUTHORIZED");
    const found = await store.findAccountByKeyHash(hashApiKey(key.trim()));
    if (!found) throw new AppError("UNAUTHORIZED", "The X-API-Key is unknown or has been deleted");
    request.account = found.account;
    request.apiKey = found.key;
    request.log = request.log.child({ accountId: found.account.id });
  });
}
