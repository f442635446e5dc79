import { invalid } from "../../errors/index.js";
import type { JsonObject, JsonValue } from "./types.js";

/**
 * Small readers shared by the workflow validators. Each one either returns a checked value or
 * throws `invalid(path, problem)` for the first problem, so callers read top to bottom in the
 * order errors must be reported.
 */

/** A plain (non-array, non-null) object as produced by JSON or YAML parsing. */
export type PlainObject = Record<string, unknown>;

/** `a.b` for a key below `path` (no leading dot at the root). */
export function child(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** `a[3]` for an array item below `path`. */
export function item(path: string, index: number): string {
  return `${path}[${index}]`;
}

export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  // Dates, Maps, class instances are not JSON objects even though typeof says "object".
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Own property only: a key like `constructor` must not resolve to `Object.prototype`. */
export function own(obj: PlainObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** `null` and `undefined` both mean "absent" for ordinary optional fields (CONTRACT.md §1.3). */
export function isAbsent(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** Builds an object with own data properties only (safe for keys such as `__proto__`). */
export function fromEntries<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  return Object.fromEntries(entries) as Record<string, T>;
}

export function expectObject(value: unknown, path: string): PlainObject {
  if (!isPlainObject(value)) throw invalid(path, "must be an object");
  return value;
}

export function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, "must be an array");
  return value;
}

/** Rejects the first key (in input order) that is not in `allowed`. */
export function rejectUnknownKeys(obj: PlainObject, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw invalid(child(path, key), `is not allowed; expected one of ${allowed.join(", ")}`);
    }
  }
}

export interface StringRules {
  nonEmpty?: boolean;
  /** A regular expression source the whole string must match. */
  pattern?: string;
  /** How to describe `pattern` in the error, e.g. "lower_snake_case". */
  patternName?: string;
}

export function readString(value: unknown, path: string, rules: StringRules = {}): string {
  if (typeof value !== "string") throw invalid(path, "must be a string");
  if (rules.nonEmpty && value === "") throw invalid(path, "must not be empty");
  if (rules.pattern !== undefined && !new RegExp(rules.pattern, "u").test(value)) {
    throw invalid(path, `must be ${rules.patternName ?? `a string matching ${rules.pattern}`}`);
  }
  return value;
}

/** Like {@link readString}, but `null`/absent is reported as missing. */
export function readRequiredString(value: unknown, path: string, rules: StringRules = {}): string {
  if (isAbsent(value)) throw invalid(path, "is required");
  return readString(value, path, rules);
}

export function readEnum<T extends string>(value: unknown, values: readonly T[], path: string): T {
  if (typeof value !== "string" || !(values as readonly string[]).includes(value)) {
    throw invalid(path, `must be one of ${values.join(", ")}`);
  }
  return value as T;
}

export function readRequiredEnum<T extends string>(value: unknown, values: readonly T[], path: string): T {
  if (isAbsent(value)) throw invalid(path, "is required");
  return readEnum(value, values, path);
}

export function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") throw invalid(path, "must be a boolean");
  return value;
}

export function readRequiredBoolean(value: unknown, path: string): boolean {
  if (isAbsent(value)) throw invalid(path, "is required");
  return readBoolean(value, path);
}

/** An object whose every value is a string, optionally with constrained keys. */
export function readStringMap(
  value: unknown,
  path: string,
  keyRule?: { pattern: string; name: string },
): Record<string, string> {
  const obj = expectObject(value, path);
  const keyPattern = keyRule ? new RegExp(keyRule.pattern, "u") : undefined;
  return fromEntries(
    Object.entries(obj).map(([key, entry]) => {
      if (keyPattern && !keyPattern.test(key))
        throw invalid(child(path, key), `key must be ${keyRule?.name}`);
      return [key, readString(entry, child(path, key))] as const;
    }),
  );
}

/** An object whose every value is a boolean. */
export function readBooleanMap(value: unknown, path: string): Record<string, boolean> {
  const obj = expectObject(value, path);
  return fromEntries(Object.entries(obj).map(([key, entry]) => [key, readBoolean(entry, child(path, key))]));
}

/** Nesting limit for opaque JSON (extract, requestPassthrough): a guard against stack exhaustion. */
export const MAX_JSON_DEPTH = 100;

/**
 * Deep copy of a JSON value that keeps key order. Bodies that came through JSON.parse always
 * pass unless absurdly deep; the other checks matter for YAML (aliases can build cycles) and for
 * programmatic callers passing functions, `undefined`, etc.
 */
export function cloneJson(value: unknown, path: string, depth = 0): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw invalid(path, "must be a finite number");
    return value;
  }
  if (depth >= MAX_JSON_DEPTH) throw invalid(path, `is nested too deeply (max ${MAX_JSON_DEPTH} levels)`);
  if (Array.isArray(value))
    return value.map((entry, index) => cloneJson(entry, item(path, index), depth + 1));
  if (isPlainObject(value)) {
    return fromEntries(
      Object.entries(value).map(([key, entry]) => [key, cloneJson(entry, child(path, key), depth + 1)]),
    );
  }
  throw invalid(path, "must be a JSON value");
}

/** A JSON object, deep-copied verbatim. */
export function readJsonObject(value: unknown, path: string): JsonObject {
  return cloneJson(expectObject(value, path), path) as JsonObject;
}
