/**
 * The metadata filter language of search bodies (CONTRACT.md §6.5): a subset of MongoDB's query
 * language, validated and compiled once per request by {@link compileFilter}, then evaluated against
 * each document's stored `filter` metadata by {@link matchesFilter}. Pure: no I/O.
 *
 * Semantics (decisions on the contract's open point 8 are marked DECISION):
 * - A filter is a JSON object; several keys are ANDed; `{}` matches every document.
 * - `{"k": v}` with a bare value is `{"k": {"$eq": v}}`.
 * - Field operators: `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`, `$in`, `$nin`, `$exists`. Several
 *   operators on one field are ANDed (`{"year": {"$gte": 2000, "$lt": 2010}}`), each one checked on
 *   its own, as in MongoDB: on a list-valued field different elements may satisfy different operators.
 * - `$and` / `$or` take a non-empty array of filters, nest freely and may sit next to field keys in any
 *   filter object (top level or inside another `$and`/`$or`), never inside a field's operator object.
 * - No type coercion: `"2005"` never equals `2005`; `$gt`/`$gte`/`$lt`/`$lte` only ever match stored
 *   numbers (a stored string or boolean never satisfies a numeric comparison).
 * - A list-valued stored field matches when ANY element satisfies the condition (`{"roles": "director"}`
 *   matches `["director", "executive"]`; `$in` matches on intersection). `$ne` and `$nin` are the exact
 *   negations of `$eq` and `$in`: no element may equal / be in the operand, and a missing field matches.
 * - Dotted keys address nested objects (`"permissions.roles"`), also through lists of objects: with
 *   `{"a": [{"b": 1}, {"b": 2}]}`, `{"a.b": 2}` matches. DECISION: every segment is a key name (no
 *   positional `a.0.b` indexing) and a stored key that itself contains a dot cannot be addressed. Only own
 *   properties are looked up, so `"constructor"` or `"__proto__"` never resolve to built-ins.
 * - DECISION `$exists: true` matches when the path resolves to any stored value, including `null` and
 *   empty lists (MongoDB semantics); through a list of objects it is enough that one element has the key.
 * - DECISION bare arrays and objects (and `$eq`/`$ne` operands that are arrays or objects) match by exact
 *   deep equality, as in MongoDB: `{"k": [1, 2]}` matches a stored `[1, 2]` (same order, same length) or a
 *   list holding `[1, 2]` as an element; `{"k": {"x": 1}}` matches a stored object with exactly the key
 *   `x` equal to 1 (key order does not matter, unlike MongoDB). Use `{"k.x": 1}` to match one nested key.
 *   `$`-keys inside such a literal are rejected (they would silently never match).
 * - DECISION `null` is not a valid operand (stored values are strings, numbers, booleans, lists and
 *   objects); `{"$exists": false}` matches a missing field. `$in: []` matches nothing, `$nin: []` everything.
 * - Invalid input throws `invalid(path, problem)` (400 VALIDATION_FAILED) naming the offending path, such
 *   as `filter.year.$gt: must be a number` or `filter.$and[1].tags.$regex: unknown operator $regex`.
 * - Guards: filter objects nest at most {@link MAX_FILTER_DEPTH} levels (and literal values likewise),
 *   and a filter holds at most {@link MAX_FILTER_CLAUSES} clauses (each operator applied to a field, each
 *   bare value, each `$and`/`$or`; an `$in` list counts as one clause).
 *
 * @example
 *   const filter = compileFilter({ year: { $gte: 2000 }, $or: [{ roles: "director" }, { public: true }] });
 *   matchesFilter(filter, { year: 2004, roles: ["director", "cfo"] }); // true
 */
import { invalid } from "../errors/index.js";

/** Deepest nesting of filter objects (via `$and`/`$or`) and of literal values. */
export const MAX_FILTER_DEPTH = 20;
/** Most clauses one filter may hold. */
export const MAX_FILTER_CLAUSES = 1000;

type Scalar = string | number | boolean;
type Literal = Scalar | readonly Literal[] | { readonly [key: string]: Literal };

type Condition =
  | { readonly op: "$eq" | "$ne"; readonly value: Literal }
  | { readonly op: "$gt" | "$gte" | "$lt" | "$lte"; readonly value: number }
  | { readonly op: "$in" | "$nin"; readonly values: ReadonlySet<Scalar> }
  | { readonly op: "$exists"; readonly value: boolean };

type FilterNode =
  | { readonly kind: "and" | "or"; readonly children: readonly FilterNode[] }
  | { readonly kind: "field"; readonly path: readonly string[]; readonly conditions: readonly Condition[] };

const ROOT: unique symbol = Symbol("openground.filter");

/** A validated, compiled filter. Opaque: build it with {@link compileFilter}, use it with {@link matchesFilter}. */
export interface Filter {
  readonly [ROOT]: FilterNode;
}

const FIELD_OPERATORS = new Set(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists"]);

interface Budget {
  readonly field: string;
  clauses: number;
}

/**
 * Validates a raw `filter` from a request body and compiles it.
 * `field` names the request field in error messages (`"filter"` by default).
 *
 * @throws AppError VALIDATION_FAILED (400) whose message names the offending path.
 * @example compileFilter({ tags: { $in: ["a", "b"] } });
 * @example compileFilter({ year: { $gt: "2000" } }); // throws "filter.year.$gt: must be a number"
 */
export function compileFilter(raw: unknown, field = "filter"): Filter {
  const budget: Budget = { field, clauses: 0 };
  return { [ROOT]: compileObject(raw, field, 1, budget) };
}

/**
 * Whether a document's stored metadata satisfies the filter. Missing metadata behaves like `{}`.
 *
 * @example matchesFilter(compileFilter({ "a.b": 2 }), { a: [{ b: 1 }, { b: 2 }] }); // true
 */
export function matchesFilter(
  filter: Filter,
  metadata: Readonly<Record<string, unknown>> | undefined,
): boolean {
  return evaluate(filter[ROOT], metadata ?? {});
}

// ---------------------------------------------------------------------------------------------
// Compilation

function compileObject(raw: unknown, path: string, depth: number, budget: Budget): FilterNode {
  if (!isPlainObject(raw)) throw invalid(path, "must be a JSON object");
  if (depth > MAX_FILTER_DEPTH) throw invalid(path, `is nested more than ${MAX_FILTER_DEPTH} levels deep`);
  const children: FilterNode[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const keyPath = `${path}.${key}`;
    if (key === "$and" || key === "$or") {
      children.push(compileCombinator(key, value, keyPath, depth, budget));
    } else if (FIELD_OPERATORS.has(key)) {
      throw invalid(keyPath, `${key} must be applied to a field, as in {"<field>": {"${key}": ...}}`);
    } else if (key.startsWith("$")) {
      throw invalid(keyPath, `unknown operator ${key}`);
    } else {
      children.push(compileField(key, value, path, budget));
    }
  }
  const only = children[0];
  return children.length === 1 && only ? only : { kind: "and", children };
}

function compileCombinator(
  op: "$and" | "$or",
  raw: unknown,
  path: string,
  depth: number,
  budget: Budget,
): FilterNode {
  if (!Array.isArray(raw)) throw invalid(path, "must be an array of filters");
  if (raw.length === 0) throw invalid(path, "must be a non-empty array of filters");
  spend(budget);
  const children = raw.map((item: unknown, i) => compileObject(item, `${path}[${i}]`, depth + 1, budget));
  return { kind: op === "$and" ? "and" : "or", children };
}

function compileField(key: string, raw: unknown, parentPath: string, budget: Budget): FilterNode {
  if (key === "") throw invalid(parentPath, "field names must not be empty");
  const path = `${parentPath}.${key}`;
  const segments = key.split(".");
  if (segments.includes("")) {
    throw invalid(path, "field paths must not have an empty segment (leading, trailing or double dot)");
  }
  if (segments.some((segment) => segment.startsWith("$"))) {
    throw invalid(path, "field path segments must not start with $");
  }
  if (isPlainObject(raw)) {
    const keys = Object.keys(raw);
    const operators = keys.filter((k) => k.startsWith("$"));
    if (operators.length > 0) {
      const plain = keys.filter((k) => !k.startsWith("$"));
      if (plain.length > 0) {
        throw invalid(
          path,
          `cannot mix operators (${operators.join(", ")}) with plain keys (${plain.join(", ")}) in one object`,
        );
      }
      const conditions = operators.map((op) => compileCondition(op, raw[op], `${path}.${op}`, budget));
      return { kind: "field", path: segments, conditions };
    }
  }
  spend(budget);
  return { kind: "field", path: segments, conditions: [{ op: "$eq", value: toLiteral(raw, path, 1) }] };
}

function compileCondition(op: string, raw: unknown, path: string, budget: Budget): Condition {
  spend(budget);
  switch (op) {
    case "$eq":
    case "$ne":
      return { op, value: toLiteral(raw, path, 1) };
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte":
      if (typeof raw !== "number" || !Number.isFinite(raw)) throw invalid(path, "must be a number");
      return { op, value: raw };
    case "$in":
    case "$nin": {
      if (!Array.isArray(raw)) throw invalid(path, "must be an array of strings, numbers or booleans");
      const values = raw.map((item: unknown, i): Scalar => {
        if (!isScalar(item)) throw invalid(`${path}[${i}]`, "must be a string, number or boolean");
        return item;
      });
      return { op, values: new Set(values) };
    }
    case "$exists":
      if (typeof raw !== "boolean") throw invalid(path, "must be true or false");
      return { op, value: raw };
    case "$and":
    case "$or":
      throw invalid(path, `${op} combines whole filters and cannot be used inside a field's operators`);
    default:
      throw invalid(path, `unknown operator ${op}`);
  }
}

function toLiteral(raw: unknown, path: string, depth: number): Literal {
  if (depth > MAX_FILTER_DEPTH) throw invalid(path, `is nested more than ${MAX_FILTER_DEPTH} levels deep`);
  if (typeof raw === "string" || typeof raw === "boolean") return raw;
  if (typeof raw === "number") {
    if (!Number.isFinite(raw)) throw invalid(path, "must be a finite number");
    return raw;
  }
  if (raw === null)
    throw invalid(path, 'null is not supported; use {"$exists": false} to match a missing field');
  if (Array.isArray(raw)) return raw.map((item: unknown, i) => toLiteral(item, `${path}[${i}]`, depth + 1));
  if (isPlainObject(raw)) {
    const entries = Object.entries(raw).map(([key, value]): [string, Literal] => {
      if (key.startsWith("$")) {
        throw invalid(
          `${path}.${key}`,
          `operator ${key} is not allowed inside a literal value; use a dotted field name such as "a.b"`,
        );
      }
      return [key, toLiteral(value, `${path}.${key}`, depth + 1)];
    });
    // Object.fromEntries defines own properties, so a "__proto__" key stays an ordinary key.
    return Object.fromEntries(entries);
  }
  throw invalid(path, "must be a string, number, boolean, array or object");
}

function spend(budget: Budget): void {
  budget.clauses += 1;
  if (budget.clauses > MAX_FILTER_CLAUSES) {
    throw invalid(budget.field, `has more than ${MAX_FILTER_CLAUSES} clauses`);
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

function evaluate(node: FilterNode, metadata: Readonly<Record<string, unknown>>): boolean {
  switch (node.kind) {
    case "and":
      return node.children.every((child) => evaluate(child, metadata));
    case "or":
      return node.children.some((child) => evaluate(child, metadata));
    case "field": {
      const leaves: unknown[] = [];
      collect(metadata, node.path, 0, leaves);
      return node.conditions.every((condition) => test(condition, leaves));
    }
  }
}

/** Every value the path resolves to, descending through lists of objects (MongoDB traversal). */
function collect(value: unknown, path: readonly string[], index: number, out: unknown[]): void {
  if (value === undefined) return;
  const segment = path[index];
  if (segment === undefined) {
    out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const element of value) {
      if (isRecord(element)) collect(element, path, index, out);
    }
    return;
  }
  if (isRecord(value) && Object.hasOwn(value, segment)) collect(value[segment], path, index + 1, out);
}

function test(condition: Condition, leaves: readonly unknown[]): boolean {
  switch (condition.op) {
    case "$exists":
      return leaves.length > 0 === condition.value;
    case "$eq":
      return someCandidate(leaves, (c) => deepEqual(c, condition.value));
    case "$ne":
      return !someCandidate(leaves, (c) => deepEqual(c, condition.value));
    case "$gt":
      return someCandidate(leaves, (c) => typeof c === "number" && c > condition.value);
    case "$gte":
      return someCandidate(leaves, (c) => typeof c === "number" && c >= condition.value);
    case "$lt":
      return someCandidate(leaves, (c) => typeof c === "number" && c < condition.value);
    case "$lte":
      return someCandidate(leaves, (c) => typeof c === "number" && c <= condition.value);
    case "$in":
      return someCandidate(leaves, (c) => isScalar(c) && condition.values.has(c));
    case "$nin":
      return !someCandidate(leaves, (c) => isScalar(c) && condition.values.has(c));
  }
}

/** A leaf matches when it, or (for a list) any of its elements, satisfies the predicate. */
function someCandidate(leaves: readonly unknown[], predicate: (candidate: unknown) => boolean): boolean {
  for (const leaf of leaves) {
    if (predicate(leaf)) return true;
    if (Array.isArray(leaf) && leaf.some(predicate)) return true;
  }
  return false;
}

function deepEqual(stored: unknown, literal: Literal): boolean {
  if (isLiteralList(literal)) {
    return (
      Array.isArray(stored) &&
      stored.length === literal.length &&
      literal.every((item: Literal, i) => deepEqual(stored[i], item))
    );
  }
  if (typeof literal === "object") {
    if (!isRecord(stored)) return false;
    const keys = Object.keys(literal);
    if (Object.keys(stored).length !== keys.length) return false;
    return keys.every((key) => {
      const item = literal[key];
      return item !== undefined && Object.hasOwn(stored, key) && deepEqual(stored[key], item);
    });
  }
  return stored === literal;
}

/** `Array.isArray` does not narrow readonly arrays out of a union. */
function isLiteralList(literal: Literal): literal is readonly Literal[] {
  return Array.isArray(literal);
}

function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (!isRecord(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
