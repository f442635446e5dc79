import { AppError, invalid } from "../../../errors/index.js";
import { generateApiKey, hashApiKey } from "../../../services/api-keys.js";
import type { ApiContext, ApiInstance } from "../../context.js";
import { errorResponses, MessageResponse } from "../../schemas/common.js";
import { presentApiKey } from "./presenter.js";
import { ApiKeyCreateBody, ApiKeyParams, ApiKeyResponse, ApiKeyUpdateBody } from "./schema.js";

const tags = ["API keys"];
const keyNotFound = () => new AppError("API_KEY_NOT_FOUND", "apiKey: no such key in this account");

/** CONTRACT.md §11 with D4: keys are hashed at rest and shown in plaintext only once. */
export async function apiKeyRoutes(app: ApiInstance, { store }: ApiContext): Promise<void> {
  app.get(
    "/apikey",
    {
      schema: {
        tags,
        summary: "List the account's keys (masked)",
        response: { 200: ApiKeyResponse, ...errorResponses },
      },
    },
    async (request) => ({
      apiKeys: (await store.listApiKeys(request.account.id)).map((k) => presentApiKey(k)),
    }),
  );

  app.post(
    "/apikey",
    {
      schema: {
        tags,
        summary: "Create a key; the response holds its only plaintext copy",
        body: ApiKeyCreateBody,
        response: { 200: ApiKeyResponse, ...errorResponses },
      },
    },
    async (request) => {
      const name = (request.body.name ?? request.body.apiKey?.name)?.trim();
      if (!name) throw invalid("name", "is required");
      const key = generateApiKey(name);
      const record = await store.createApiKey(request.account.id, key.record);
      return { apiKeys: [presentApiKey(record, key.plaintext)] };
    },
  );

  app.put(
    "/apikey/:apiKey",
    {
      schema: {
        tags,
        summary: "Rename a key (path: the full key)",
        params: ApiKeyParams,
        body: ApiKeyUpdateBody,
        response: { 200: ApiKeyResponse, ...errorResponses },
      },
    },
    async (request) => {
      const record = await store.renameApiKey(
        request.account.id,
        hashApiKey(request.params.apiKey),
        request.body.name.trim(),
      );
      if (!record) throw keyNotFound();
      return { apiKeys: [presentApiKey(record)] };
    },
  );

  app.delete(
    "/apikey/:apiKey",
    {
      schema: {
        tags,
        summary: "Delete a key; it stops authenticating at once",
        params: ApiKeyParams,
        response: { 200: MessageResponse, ...errorResponses },
      },
    },
    async (request) => {
      const accountId = request.account.id;
      const hash = hashApiKey(request.params.apiKey);
      const keys = await store.listApiKeys(accountId);
      if (!keys.some((k) => k.hash === hash)) throw keyNotFound();
      if (keys.length === 1) {
        throw new AppError(
          "CONFLICT",
          "apiKey: the last key of an account cannot be deleted; create another first",
        );
      }
      await store.deleteApiKey(accountId, hash);
      return { message: "API key deleted" };
    },
  );
}
