import type { Account } from "../core/types.js";
import type { MetadataStore } from "../store/contracts/metadata-store.js";
import { generateApiKey, hashApiKey, storedKey } from "./api-keys.js";

export interface CreatedAccount {
  readonly account: Account;
  /** Plaintext key: shown once, never stored. */
  readonly apiKey: string;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

/** Validate an operator-supplied e-mail; returns a problem or undefined. */
export function emailProblem(email: string): string | undefined {
  return EMAIL_RE.test(email) && email.length <= 320 ? undefined : "email must look like name@host";
}

/** Split "Ada Lovelace" into first/last as CustomerDetail carries them. */
export function splitName(name: string | undefined): { first?: string; last?: string } {
  const parts = (name ?? "").trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return {};
  if (parts.length === 1) return { first: parts[0] };
  return { first: parts.slice(0, -1).join(" "), last: parts.at(-1) };
}

/** Create an account and its first API key (CLI `account create`, CONTRACT.md D5). */
export async function createAccount(
  store: MetadataStore,
  input: { email: string; name?: string | undefined; status?: "admin" | "user" },
): Promise<CreatedAccount> {
  const key = generateApiKey("default");
  const { account } = await store.createAccountWithKey(
    { email: input.email, ...splitName(input.name), status: input.status ?? "user" },
    key.record,
  );
  return { account, apiKey: key.plaintext };
}

export type BootstrapResult =
  | { readonly kind: "existing" }
  | { readonly kind: "configured-key"; readonly account: Account }
  | { readonly kind: "generated-key"; readonly account: Account; readonly apiKey: string };

export const BOOTSTRAP_EMAIL = "admin@openground.local";

/**
 * Make sure someone can use a fresh server (D5): with `OPENGROUND_API_KEY` set,
 * an account holding that key exists afterwards; without it, the first start
 * creates an admin account with a generated key that the caller prints once.
 */
export async function ensureBootstrapAccount(
  store: MetadataStore,
  configuredKey: string | undefined,
): Promise<BootstrapResult> {
  if (configuredKey !== undefined) {
    if (await store.findAccountByKeyHash(hashApiKey(configuredKey))) return { kind: "existing" };
    const { account } = await store.createAccountWithKey(
      { email: BOOTSTRAP_EMAIL, status: "admin" },
      storedKey(configuredKey, "OPENGROUND_API_KEY"),
    );
    return { kind: "configured-key", account };
  }
  if ((await store.countAccounts()) > 0) return { kind: "existing" };
  const { account, apiKey } = await createAccount(store, { email: BOOTSTRAP_EMAIL, status: "admin" });
  return { kind: "generated-key", account, apiKey };
}
