import { describe, expect, it } from "vitest";
import { AppError } from "../errors/index.js";
import { compileFilter, MAX_FILTER_CLAUSES, MAX_FILTER_DEPTH, matchesFilter } from "./filter.js";

function matches(filter: unknown, metadata: Record<string, unknown> | undefined): boolean {
  return matchesFilter(compileFilter(filter), metadata);
}

function rejection(filter: unknown, field?: string): AppError {
  try {
    if (field === undefined) compileFilter(filter);
    else compileFilter(filter, field);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(filter)} to be rejected`);
}

function expectInvalid(filter: unknown, message: string): void {
  const error = rejection(filter);
  expect(error.code).toBe("VALIDATION_FAILED");
  expect(error.status).toBe(400);
  expect(error.message).toBe(message);
}

const movie = {
  title: "Heat",
  year: 1995,
  rating: 8.3,
  released: true,
  genre: "crime",
  roles: ["director", "executive"],
  scores: [3, 7, 12],
  permissions: { roles: ["admin", "viewer"], level: 2, owner: { name: "ann" } },
  cast: [
    { name: "Pacino", age: 55 },
    { name: "De Niro", age: 52, tags: ["lead"] },
  ],
  empty: [],
  nothing: null,
};

describe("compileFilter / matchesFilter: basics", () => {
  it("an empty filter matches everything, including missing metadata", () => {
    expect(matches({}, movie)).toBe(true);
    expect(matches({}, {})).toBe(true);
    expect(matches({}, undefined)).toBe(true);
  });

  it("missing metadata behaves like an empty object", () => {
    expect(matches({ year: 1995 }, undefined)).toBe(false);
    expect(matches({ year: { $ne: 1995 } }, undefined)).toBe(true);
    expect(matches({ year: { $exists: false } }, undefined)).toBe(true);
  });

  it("several keys are ANDed", () => {
    expect(matches({ title: "Heat", year: 1995 }, movie)).toBe(true);
    expect(matches({ title: "Heat", year: 1996 }, movie)).toBe(false);
    expect(matches({ title: "Ronin", year: 1995 }, movie)).toBe(false);
  });

  it("a compiled filter is reusable across documents", () => {
    const filter = compileFilter({ year: { $gte: 2000 } });
    expect(matchesFilter(filter, { year: 2001 })).toBe(true);
    expect(matchesFilter(filter, { year: 1999 })).toBe(false);
    expect(matchesFilter(filter, { year: 2000 })).toBe(true);
  });
});

describe("$eq and bare scalars", () => {
  it("matches strings, numbers and booleans exactly", () => {
    expect(matches({ title: "Heat" }, movie)).toBe(true);
    expect(matches({ title: { $eq: "Heat" } }, movie)).toBe(true);
    expect(matches({ title: "heat" }, movie)).toBe(false);
    expect(matches({ year: 1995 }, movie)).toBe(true);
    expect(matches({ year: { $eq: 1995 } }, movie)).toBe(true);
    expect(matches({ rating: 8.3 }, movie)).toBe(true);
    expect(matches({ released: true }, movie)).toBe(true);
    expect(matches({ released: false }, movie)).toBe(false);
    expect(matches({ released: { $eq: true } }, movie)).toBe(true);
  });

  it("does not coerce types", () => {
    expect(matches({ year: "1995" }, movie)).toBe(false);
    expect(matches({ year: { $eq: "1995" } }, { year: 1995 })).toBe(false);
    expect(matches({ flag: 1 }, { flag: true })).toBe(false);
    expect(matches({ flag: true }, { flag: 1 })).toBe(false);
    expect(matches({ flag: "true" }, { flag: true })).toBe(false);
    expect(matches({ n: 0 }, { n: false })).toBe(false);
    expect(matches({ n: 0 }, { n: null })).toBe(false);
  });

  it("treats 0 and -0 as equal", () => {
    expect(matches({ n: 0 }, { n: -0 })).toBe(true);
  });

  it("does not match a missing field or null", () => {
    expect(matches({ studio: "Warner" }, movie)).toBe(false);
    expect(matches({ nothing: "x" }, movie)).toBe(false);
  });

  it("matches any element of a list-valued field", () => {
    expect(matches({ roles: "director" }, movie)).toBe(true);
    expect(matches({ roles: "executive" }, movie)).toBe(true);
    expect(matches({ roles: { $eq: "executive" } }, movie)).toBe(true);
    expect(matches({ roles: "actor" }, movie)).toBe(false);
    expect(matches({ scores: 7 }, movie)).toBe(true);
    expect(matches({ empty: "x" }, movie)).toBe(false);
  });

  it("does not look up inherited properties", () => {
    expect(matches({ constructor: { $exists: true } }, {})).toBe(false);
    expect(matches({ toString: { $exists: true } }, movie)).toBe(false);
    expect(matches({ "title.length": 4 }, movie)).toBe(false);
    expect(matches({ "roles.length": 2 }, movie)).toBe(false);
    expect(matches(JSON.parse('{"__proto__": {"$exists": true}}'), {})).toBe(false);
  });

  it("a stored own '__proto__' key is an ordinary key", () => {
    const stored: Record<string, unknown> = JSON.parse('{"__proto__": {"x": 1}}');
    expect(matches(JSON.parse('{"__proto__.x": 1}'), stored)).toBe(true);
    expect(matches(JSON.parse('{"__proto__": {"x": 1}}'), stored)).toBe(true);
  });
});

describe("bare arrays and objects: exact deep equality", () => {
  it("an array matches an identical stored list only", () => {
    expect(matches({ roles: ["director", "executive"] }, movie)).toBe(true);
    expect(matches({ roles: { $eq: ["director", "executive"] } }, movie)).toBe(true);
    expect(matches({ roles: ["executive", "director"] }, movie)).toBe(false);
    expect(matches({ roles: ["director"] }, movie)).toBe(false);
    expect(matches({ roles: ["director", "executive", "cfo"] }, movie)).toBe(false);
    expect(matches({ title: ["Heat"] }, movie)).toBe(false);
    expect(matches({ empty: [] }, movie)).toBe(true);
    expect(matches({ roles: [] }, movie)).toBe(false);
  });

  it("an array also matches a list holding it as an element", () => {
    expect(matches({ grid: [1, 2] }, { grid: [[1, 2], [3]] })).toBe(true);
    expect(matches({ grid: [2, 1] }, { grid: [[1, 2], [3]] })).toBe(false);
  });

  it("an object matches an equal stored object regardless of key order", () => {
    const stored = { permissions: { level: 2, roles: ["admin", "viewer"], owner: { name: "ann" } } };
    expect(
      matches({ permissions: { owner: { name: "ann" }, roles: ["admin", "viewer"], level: 2 } }, stored),
    ).toBe(true);
    expect(matches({ "permissions.owner": { name: "ann" } }, movie)).toBe(true);
    expect(matches({ "permissions.owner": { name: "bob" } }, movie)).toBe(false);
    expect(matches({ permissions: { level: 2 } }, movie)).toBe(false);
    expect(matches({ "permissions.owner": { name: "ann", x: 1 } }, movie)).toBe(false);
    expect(matches({ "permissions.owner": {} }, movie)).toBe(false);
    expect(matches({ o: {} }, { o: {} })).toBe(true);
    expect(matches({ o: {} }, { o: [] })).toBe(false);
    expect(matches({ o: [] }, { o: {} })).toBe(false);
    expect(matches({ o: { a: 1 } }, { o: { b: 1 } })).toBe(false);
    expect(matches({ o: { a: 1 } }, { o: "a" })).toBe(false);
  });

  it("an object matches an element of a list of objects", () => {
    expect(matches({ cast: { name: "Pacino", age: 55 } }, movie)).toBe(true);
    expect(matches({ cast: { name: "Pacino" } }, movie)).toBe(false);
  });

  it("$ne with a literal is its negation", () => {
    expect(matches({ roles: { $ne: ["director", "executive"] } }, movie)).toBe(false);
    expect(matches({ roles: { $ne: ["director"] } }, movie)).toBe(true);
    expect(matches({ "permissions.owner": { $ne: { name: "bob" } } }, movie)).toBe(true);
  });
});

describe("$ne", () => {
  it("matches a different value and rejects an equal one", () => {
    expect(matches({ title: { $ne: "Ronin" } }, movie)).toBe(true);
    expect(matches({ title: { $ne: "Heat" } }, movie)).toBe(false);
    expect(matches({ year: { $ne: 1995 } }, movie)).toBe(false);
    expect(matches({ year: { $ne: 2000 } }, movie)).toBe(true);
    expect(matches({ released: { $ne: false } }, movie)).toBe(true);
    expect(matches({ released: { $ne: true } }, movie)).toBe(false);
  });

  it("does not coerce types", () => {
    expect(matches({ year: { $ne: "1995" } }, movie)).toBe(true);
  });

  it("on a list: no element may equal the operand", () => {
    expect(matches({ roles: { $ne: "director" } }, movie)).toBe(false);
    expect(matches({ roles: { $ne: "actor" } }, movie)).toBe(true);
    expect(matches({ empty: { $ne: "x" } }, movie)).toBe(true);
  });

  it("matches a missing field and a null value", () => {
    expect(matches({ studio: { $ne: "Warner" } }, movie)).toBe(true);
    expect(matches({ nothing: { $ne: "x" } }, movie)).toBe(true);
    expect(matches({ "permissions.missing": { $ne: 1 } }, movie)).toBe(true);
  });
});

describe("$gt, $gte, $lt, $lte", () => {
  it("compare numbers", () => {
    expect(matches({ year: { $gt: 1994 } }, movie)).toBe(true);
    expect(matches({ year: { $gt: 1995 } }, movie)).toBe(false);
    expect(matches({ year: { $gte: 1995 } }, movie)).toBe(true);
    expect(matches({ year: { $gte: 1996 } }, movie)).toBe(false);
    expect(matches({ year: { $lt: 1996 } }, movie)).toBe(true);
    expect(matches({ year: { $lt: 1995 } }, movie)).toBe(false);
    expect(matches({ year: { $lte: 1995 } }, movie)).toBe(true);
    expect(matches({ year: { $lte: 1994 } }, movie)).toBe(false);
    expect(matches({ rating: { $gt: 8.29, $lt: 8.31 } }, movie)).toBe(true);
    expect(matches({ t: { $lt: 0 } }, { t: -3.5 })).toBe(true);
    expect(matches({ t: { $gte: -3.5 } }, { t: -3.5 })).toBe(true);
  });

  it("never match a stored string, boolean, null, object or missing field", () => {
    expect(matches({ year: { $gt: 1000 } }, { year: "1995" })).toBe(false);
    expect(matches({ year: { $lt: 3000 } }, { year: "1995" })).toBe(false);
    expect(matches({ title: { $gte: 0 } }, movie)).toBe(false);
    expect(matches({ released: { $gte: 0 } }, movie)).toBe(false);
    expect(matches({ released: { $lte: 1 } }, movie)).toBe(false);
    expect(matches({ nothing: { $lte: 1 } }, movie)).toBe(false);
    expect(matches({ nothing: { $gte: 0 } }, movie)).toBe(false);
    expect(matches({ permissions: { $gt: 0 } }, movie)).toBe(false);
    expect(matches({ studio: { $lt: 10 } }, movie)).toBe(false);
    expect(matches({ empty: { $lt: 10 } }, movie)).toBe(false);
  });

  it("match when any element of a list qualifies", () => {
    expect(matches({ scores: { $gt: 10 } }, movie)).toBe(true);
    expect(matches({ scores: { $gt: 12 } }, movie)).toBe(false);
    expect(matches({ scores: { $lt: 4 } }, movie)).toBe(true);
    expect(matches({ scores: { $lt: 3 } }, movie)).toBe(false);
    expect(matches({ mixed: { $gt: 5 } }, { mixed: ["9", 6] })).toBe(true);
    expect(matches({ mixed: { $gt: 5 } }, { mixed: ["9", 4] })).toBe(false);
  });

  it("several operators in one object are ANDed", () => {
    const decade = { year: { $gte: 1990, $lt: 2000 } };
    expect(matches(decade, movie)).toBe(true);
    expect(matches(decade, { year: 2000 })).toBe(false);
    expect(matches(decade, { year: 1989 })).toBe(false);
    expect(matches({ year: { $gt: 1990, $ne: 1995 } }, movie)).toBe(false);
    expect(matches({ year: { $gt: 1990, $ne: 1996 } }, movie)).toBe(true);
    expect(matches({ year: { $exists: true, $in: [1995] } }, movie)).toBe(true);
  });

  it("several operators on a list are each satisfied by any element (MongoDB semantics)", () => {
    expect(matches({ scores: { $gt: 10, $lt: 5 } }, movie)).toBe(true);
    expect(matches({ scores: { $gt: 12, $lt: 5 } }, movie)).toBe(false);
  });
});

describe("$in and $nin", () => {
  it("$in matches when the value is in the list", () => {
    expect(matches({ genre: { $in: ["crime", "drama"] } }, movie)).toBe(true);
    expect(matches({ genre: { $in: ["comedy", "drama"] } }, movie)).toBe(false);
    expect(matches({ year: { $in: [1994, 1995] } }, movie)).toBe(true);
    expect(matches({ released: { $in: [true] } }, movie)).toBe(true);
    expect(matches({ released: { $in: [false] } }, movie)).toBe(false);
    expect(matches({ year: { $in: ["1995"] } }, movie)).toBe(false);
    expect(matches({ genre: { $in: [] } }, movie)).toBe(false);
  });

  it("$in on a list matches on intersection", () => {
    expect(matches({ roles: { $in: ["executive", "cfo"] } }, movie)).toBe(true);
    expect(matches({ roles: { $in: ["cfo", "actor"] } }, movie)).toBe(false);
    expect(matches({ empty: { $in: ["x"] } }, movie)).toBe(false);
  });

  it("$in never matches a missing field, null or an object", () => {
    expect(matches({ studio: { $in: ["x"] } }, movie)).toBe(false);
    expect(matches({ nothing: { $in: ["x", 0, false] } }, movie)).toBe(false);
    expect(matches({ permissions: { $in: ["admin"] } }, movie)).toBe(false);
  });

  it("$nin matches when the value is not in the list", () => {
    expect(matches({ genre: { $nin: ["comedy", "drama"] } }, movie)).toBe(true);
    expect(matches({ genre: { $nin: ["crime"] } }, movie)).toBe(false);
    expect(matches({ year: { $nin: ["1995"] } }, movie)).toBe(true);
    expect(matches({ genre: { $nin: [] } }, movie)).toBe(true);
  });

  it("$nin on a list: no element may be in the operand", () => {
    expect(matches({ roles: { $nin: ["executive", "cfo"] } }, movie)).toBe(false);
    expect(matches({ roles: { $nin: ["cfo", "actor"] } }, movie)).toBe(true);
  });

  it("$nin matches a missing field and null", () => {
    expect(matches({ studio: { $nin: ["x"] } }, movie)).toBe(true);
    expect(matches({ nothing: { $nin: ["x"] } }, movie)).toBe(true);
  });
});

describe("$exists", () => {
  it("true when the path resolves to any value, including null and empty lists", () => {
    expect(matches({ title: { $exists: true } }, movie)).toBe(true);
    expect(matches({ nothing: { $exists: true } }, movie)).toBe(true);
    expect(matches({ empty: { $exists: true } }, movie)).toBe(true);
    expect(matches({ released: { $exists: true } }, { released: false })).toBe(true);
    expect(matches({ n: { $exists: true } }, { n: 0 })).toBe(true);
    expect(matches({ s: { $exists: true } }, { s: "" })).toBe(true);
    expect(matches({ studio: { $exists: true } }, movie)).toBe(false);
  });

  it("false matches exactly the documents lacking the path", () => {
    expect(matches({ studio: { $exists: false } }, movie)).toBe(true);
    expect(matches({ title: { $exists: false } }, movie)).toBe(false);
    expect(matches({ nothing: { $exists: false } }, movie)).toBe(false);
  });

  it("an undefined stored value counts as missing", () => {
    expect(matches({ u: { $exists: false } }, { u: undefined })).toBe(true);
    expect(matches({ u: { $exists: true } }, { u: undefined })).toBe(false);
  });

  it("works on nested paths and through lists of objects", () => {
    expect(matches({ "permissions.owner.name": { $exists: true } }, movie)).toBe(true);
    expect(matches({ "permissions.owner.age": { $exists: true } }, movie)).toBe(false);
    expect(matches({ "permissions.owner.age": { $exists: false } }, movie)).toBe(true);
    expect(matches({ "cast.tags": { $exists: true } }, movie)).toBe(true);
    expect(matches({ "cast.award": { $exists: true } }, movie)).toBe(false);
    expect(matches({ "title.x": { $exists: true } }, movie)).toBe(false);
    expect(matches({ "empty.x": { $exists: true } }, movie)).toBe(false);
    expect(matches({ "nothing.x": { $exists: true } }, movie)).toBe(false);
  });
});

describe("dotted paths", () => {
  it("address nested objects", () => {
    expect(matches({ "permissions.roles": "admin" }, movie)).toBe(true);
    expect(matches({ "permissions.roles": "owner" }, movie)).toBe(false);
    expect(matches({ "permissions.level": { $gte: 2 } }, movie)).toBe(true);
    expect(matches({ "permissions.owner.name": "ann" }, movie)).toBe(true);
    expect(matches({ "permissions.owner.name": { $in: ["bob", "ann"] } }, movie)).toBe(true);
  });

  it("traverse lists of objects", () => {
    const doc = { a: [{ b: 1 }, { b: 2 }] };
    expect(matches({ "a.b": 2 }, doc)).toBe(true);
    expect(matches({ "a.b": 3 }, doc)).toBe(false);
    expect(matches({ "a.b": { $ne: 1 } }, doc)).toBe(false);
    expect(matches({ "a.b": { $ne: 3 } }, doc)).toBe(true);
    expect(matches({ "a.b": { $nin: [3] } }, doc)).toBe(true);
    expect(matches({ "a.b": { $gt: 1 } }, doc)).toBe(true);
    expect(matches({ "cast.name": "De Niro" }, movie)).toBe(true);
    expect(matches({ "cast.tags": "lead" }, movie)).toBe(true);
    expect(matches({ "cast.age": { $lt: 53 } }, movie)).toBe(true);
    expect(matches({ "cast.age": { $lt: 50 } }, movie)).toBe(false);
  });

  it("traverse nested lists of objects at several levels", () => {
    const doc = { a: [{ b: [{ c: "x" }, { c: "y" }] }, { b: { c: "z" } }] };
    expect(matches({ "a.b.c": "y" }, doc)).toBe(true);
    expect(matches({ "a.b.c": "z" }, doc)).toBe(true);
    expect(matches({ "a.b.c": "w" }, doc)).toBe(false);
  });

  it("do not index lists positionally or descend into non-objects", () => {
    expect(matches({ "roles.0": "director" }, movie)).toBe(false);
    expect(matches({ "grid.x": 1 }, { grid: [[{ x: 1 }]] })).toBe(false);
    expect(matches({ "mixed.x": 1 }, { mixed: ["x", 1, null, { x: 1 }] })).toBe(true);
  });

  it("do not match a stored key that contains a dot", () => {
    expect(matches({ "a.b": 1 }, { "a.b": 1 })).toBe(false);
  });

  it("$ne and $nin match when an intermediate object is missing", () => {
    expect(matches({ "studio.name": { $ne: "x" } }, movie)).toBe(true);
    expect(matches({ "studio.name": { $nin: ["x"] } }, movie)).toBe(true);
    expect(matches({ "studio.name": { $exists: false } }, movie)).toBe(true);
  });
});

describe("$and and $or", () => {
  it("$and requires every sub-filter", () => {
    expect(matches({ $and: [{ title: "Heat" }, { year: 1995 }] }, movie)).toBe(true);
    expect(matches({ $and: [{ title: "Heat" }, { year: 1996 }] }, movie)).toBe(false);
    expect(matches({ $and: [{}] }, movie)).toBe(true);
  });

  it("$or requires at least one sub-filter", () => {
    expect(matches({ $or: [{ title: "Ronin" }, { year: 1995 }] }, movie)).toBe(true);
    expect(matches({ $or: [{ title: "Ronin" }, { year: 1996 }] }, movie)).toBe(false);
    expect(matches({ $or: [{}] }, movie)).toBe(true);
  });

  it("combine with plain field keys in the same object (AND)", () => {
    expect(matches({ genre: "crime", $or: [{ year: 1994 }, { year: 1995 }] }, movie)).toBe(true);
    expect(matches({ genre: "drama", $or: [{ year: 1994 }, { year: 1995 }] }, movie)).toBe(false);
    expect(
      matches(
        { $or: [{ year: 1995 }], $and: [{ genre: "crime" }, { released: true }], title: "Heat" },
        movie,
      ),
    ).toBe(true);
  });

  it("$or nested in $and", () => {
    const filter = {
      $and: [
        { $or: [{ genre: "crime" }, { genre: "drama" }] },
        { $or: [{ year: { $lt: 1990 } }, { rating: 8.3 }] },
      ],
    };
    expect(matches(filter, movie)).toBe(true);
    expect(matches(filter, { ...movie, rating: 7 })).toBe(false);
    expect(matches(filter, { ...movie, genre: "comedy" })).toBe(false);
  });

  it("$and nested in $or", () => {
    const filter = {
      $or: [
        { $and: [{ genre: "comedy" }, { year: 1995 }] },
        { $and: [{ roles: "director" }, { "permissions.level": { $gt: 1 } }] },
      ],
    };
    expect(matches(filter, movie)).toBe(true);
    expect(matches(filter, { ...movie, roles: ["actor"] })).toBe(false);
    expect(matches(filter, { genre: "comedy", year: 1995 })).toBe(true);
  });

  it("nest deeply", () => {
    let filter: Record<string, unknown> = { year: 1995 };
    for (let i = 0; i < MAX_FILTER_DEPTH - 1; i += 1) filter = i % 2 ? { $and: [filter] } : { $or: [filter] };
    expect(matches(filter, movie)).toBe(true);
    expect(matches(filter, { year: 1 })).toBe(false);
  });

  it("missing fields inside combinators", () => {
    expect(matches({ $or: [{ studio: { $exists: false } }, { studio: "x" }] }, movie)).toBe(true);
    expect(matches({ $and: [{ studio: { $ne: "x" } }, { studio: { $nin: ["y"] } }] }, movie)).toBe(true);
  });
});

describe("invalid filters", () => {
  it("rejects anything but a JSON object at the top", () => {
    for (const raw of [null, undefined, [], [{}], "year", 3, true, new Date(0), new Map()]) {
      expectInvalid(raw, "filter: must be a JSON object");
    }
  });

  it("names the request field given by the caller", () => {
    const error = rejection({ year: { $gt: "x" } }, "searchFilter");
    expect(error.message).toBe("searchFilter.year.$gt: must be a number");
    expect(rejection(null, "body.filter").message).toBe("body.filter: must be a JSON object");
  });

  it("accepts objects without a prototype", () => {
    const raw = Object.assign(Object.create(null) as Record<string, unknown>, { year: 1995 });
    expect(matches(raw, movie)).toBe(true);
  });

  it("rejects unknown operators at field and filter level", () => {
    expectInvalid({ tags: { $regex: "^a" } }, "filter.tags.$regex: unknown operator $regex");
    expectInvalid({ tags: { $elemMatch: {} } }, "filter.tags.$elemMatch: unknown operator $elemMatch");
    expectInvalid({ tags: { $not: { $eq: 1 } } }, "filter.tags.$not: unknown operator $not");
    expectInvalid({ $nor: [{ a: 1 }] }, "filter.$nor: unknown operator $nor");
    expectInvalid({ $where: "1" }, "filter.$where: unknown operator $where");
    expectInvalid({ $: 1 }, "filter.$: unknown operator $");
  });

  it("rejects field operators used at filter level", () => {
    expectInvalid({ $gt: 3 }, 'filter.$gt: $gt must be applied to a field, as in {"<field>": {"$gt": ...}}');
    expectInvalid(
      { $and: [{ $exists: true }] },
      'filter.$and[0].$exists: $exists must be applied to a field, as in {"<field>": {"$exists": ...}}',
    );
  });

  it("rejects $and/$or inside a field's operators", () => {
    expectInvalid(
      { year: { $or: [{ $lt: 1 }] } },
      "filter.year.$or: $or combines whole filters and cannot be used inside a field's operators",
    );
    expectInvalid(
      { year: { $and: [] } },
      "filter.year.$and: $and combines whole filters and cannot be used inside a field's operators",
    );
  });

  it("rejects non-numeric comparison operands", () => {
    expectInvalid({ year: { $gt: "2000" } }, "filter.year.$gt: must be a number");
    expectInvalid({ year: { $gte: true } }, "filter.year.$gte: must be a number");
    expectInvalid({ year: { $lt: null } }, "filter.year.$lt: must be a number");
    expectInvalid({ year: { $lte: [1] } }, "filter.year.$lte: must be a number");
    expectInvalid({ year: { $gt: Number.NaN } }, "filter.year.$gt: must be a number");
    expectInvalid({ year: { $gt: Number.POSITIVE_INFINITY } }, "filter.year.$gt: must be a number");
    expectInvalid({ year: { $lt: undefined } }, "filter.year.$lt: must be a number");
  });

  it("rejects bad $eq/$ne operands", () => {
    expectInvalid(
      { a: { $eq: null } },
      'filter.a.$eq: null is not supported; use {"$exists": false} to match a missing field',
    );
    expectInvalid(
      { a: { $ne: null } },
      'filter.a.$ne: null is not supported; use {"$exists": false} to match a missing field',
    );
    expectInvalid({ a: { $eq: Number.NaN } }, "filter.a.$eq: must be a finite number");
    expectInvalid(
      { a: { $eq: undefined } },
      "filter.a.$eq: must be a string, number, boolean, array or object",
    );
    expectInvalid(
      { a: { $eq: { $gt: 1 } } },
      'filter.a.$eq.$gt: operator $gt is not allowed inside a literal value; use a dotted field name such as "a.b"',
    );
  });

  it("rejects bad bare values", () => {
    expectInvalid(
      { a: null },
      'filter.a: null is not supported; use {"$exists": false} to match a missing field',
    );
    expectInvalid({ a: Number.NEGATIVE_INFINITY }, "filter.a: must be a finite number");
    expectInvalid({ a: undefined }, "filter.a: must be a string, number, boolean, array or object");
    expectInvalid({ a: () => 1 }, "filter.a: must be a string, number, boolean, array or object");
    expectInvalid({ a: new Date(0) }, "filter.a: must be a string, number, boolean, array or object");
    expectInvalid({ a: 10n }, "filter.a: must be a string, number, boolean, array or object");
    expectInvalid(
      { a: [1, null] },
      'filter.a[1]: null is not supported; use {"$exists": false} to match a missing field',
    );
    expectInvalid(
      { a: { b: [{ c: null }] } },
      'filter.a.b[0].c: null is not supported; use {"$exists": false} to match a missing field',
    );
    expectInvalid(
      { a: { b: { $gt: 1 } } },
      'filter.a.b.$gt: operator $gt is not allowed inside a literal value; use a dotted field name such as "a.b"',
    );
  });

  it("rejects bad $in/$nin operands", () => {
    expectInvalid(
      { tags: { $in: "a" } },
      "filter.tags.$in: must be an array of strings, numbers or booleans",
    );
    expectInvalid(
      { tags: { $nin: { a: 1 } } },
      "filter.tags.$nin: must be an array of strings, numbers or booleans",
    );
    expectInvalid(
      { tags: { $in: null } },
      "filter.tags.$in: must be an array of strings, numbers or booleans",
    );
    expectInvalid({ tags: { $in: ["a", null] } }, "filter.tags.$in[1]: must be a string, number or boolean");
    expectInvalid({ tags: { $in: [["a"]] } }, "filter.tags.$in[0]: must be a string, number or boolean");
    expectInvalid({ tags: { $nin: [{ a: 1 }] } }, "filter.tags.$nin[0]: must be a string, number or boolean");
    expectInvalid(
      { tags: { $in: [1, Number.NaN] } },
      "filter.tags.$in[1]: must be a string, number or boolean",
    );
  });

  it("rejects non-boolean $exists", () => {
    expectInvalid({ a: { $exists: 1 } }, "filter.a.$exists: must be true or false");
    expectInvalid({ a: { $exists: "true" } }, "filter.a.$exists: must be true or false");
    expectInvalid({ a: { $exists: null } }, "filter.a.$exists: must be true or false");
  });

  it("rejects bad $and/$or operands", () => {
    expectInvalid({ $and: { a: 1 } }, "filter.$and: must be an array of filters");
    expectInvalid({ $or: "a" }, "filter.$or: must be an array of filters");
    expectInvalid({ $or: null }, "filter.$or: must be an array of filters");
    expectInvalid({ $and: [] }, "filter.$and: must be a non-empty array of filters");
    expectInvalid({ $or: [] }, "filter.$or: must be a non-empty array of filters");
    expectInvalid({ $and: [{ a: 1 }, 3] }, "filter.$and[1]: must be a JSON object");
    expectInvalid({ $or: [[{ a: 1 }]] }, "filter.$or[0]: must be a JSON object");
    expectInvalid({ $or: [null] }, "filter.$or[0]: must be a JSON object");
  });

  it("reports the full path of nested errors", () => {
    expectInvalid(
      { $and: [{ a: 1 }, { $or: [{ b: 2 }, { "c.d": { $in: [1, {}] } }] }] },
      "filter.$and[1].$or[1].c.d.$in[1]: must be a string, number or boolean",
    );
    expectInvalid({ $or: [{ tags: { $regex: "x" } }] }, "filter.$or[0].tags.$regex: unknown operator $regex");
  });

  it("rejects a mix of operators and plain keys in one field object", () => {
    expectInvalid(
      { year: { $gt: 1, x: 2 } },
      "filter.year: cannot mix operators ($gt) with plain keys (x) in one object",
    );
    expectInvalid(
      { year: { a: 1, $gt: 1, b: 2, $lt: 5 } },
      "filter.year: cannot mix operators ($gt, $lt) with plain keys (a, b) in one object",
    );
  });

  it("rejects malformed field paths", () => {
    expectInvalid({ "": 1 }, "filter: field names must not be empty");
    expectInvalid(
      { "a..b": 1 },
      "filter.a..b: field paths must not have an empty segment (leading, trailing or double dot)",
    );
    expectInvalid(
      { ".a": 1 },
      "filter..a: field paths must not have an empty segment (leading, trailing or double dot)",
    );
    expectInvalid(
      { "a.": 1 },
      "filter.a.: field paths must not have an empty segment (leading, trailing or double dot)",
    );
    expectInvalid({ "a.$b": 1 }, "filter.a.$b: field path segments must not start with $");
    expectInvalid({ $or: [{ "": 1 }] }, "filter.$or[0]: field names must not be empty");
  });

  it("reports the first problem in key order", () => {
    expectInvalid({ a: { $gt: "x" }, b: { $regex: 1 } }, "filter.a.$gt: must be a number");
  });
});

describe("size and depth guards", () => {
  function nest(levels: number): Record<string, unknown> {
    let filter: Record<string, unknown> = { a: 1 };
    for (let i = 1; i < levels; i += 1) filter = { $and: [filter] };
    return filter;
  }

  it(`accepts ${MAX_FILTER_DEPTH} levels of filter objects and rejects one more`, () => {
    expect(matches(nest(MAX_FILTER_DEPTH), { a: 1 })).toBe(true);
    const deepest = `filter${".$and[0]".repeat(MAX_FILTER_DEPTH)}`;
    expectInvalid(nest(MAX_FILTER_DEPTH + 1), `${deepest}: is nested more than 20 levels deep`);
  });

  it("rejects absurd nesting without overflowing the stack", () => {
    expect(rejection(nest(100_000)).code).toBe("VALIDATION_FAILED");
    let literal: unknown = 1;
    for (let i = 0; i < 100_000; i += 1) literal = [literal];
    expect(rejection({ a: literal }).code).toBe("VALIDATION_FAILED");
  });

  it(`limits literal values to ${MAX_FILTER_DEPTH} levels`, () => {
    let ok: unknown = 1;
    for (let i = 1; i < MAX_FILTER_DEPTH; i += 1) ok = [ok];
    expect(matches({ a: ok }, { a: ok })).toBe(true);
    expectInvalid(
      { a: [ok] },
      `filter.a${"[0]".repeat(MAX_FILTER_DEPTH)}: is nested more than 20 levels deep`,
    );
    let obj: unknown = 1;
    for (let i = 0; i < MAX_FILTER_DEPTH; i += 1) obj = { x: obj };
    expectInvalid({ a: obj }, `filter.a${".x".repeat(MAX_FILTER_DEPTH)}: is nested more than 20 levels deep`);
  });

  it(`accepts ${MAX_FILTER_CLAUSES} clauses and rejects one more`, () => {
    const fields: Record<string, unknown> = {};
    for (let i = 0; i < MAX_FILTER_CLAUSES; i += 1) fields[`f${i}`] = i;
    expect(matches(fields, {})).toBe(false);
    expect(matches(fields, fields)).toBe(true);
    expectInvalid({ ...fields, extra: 1 }, "filter: has more than 1000 clauses");
  });

  it("counts operators, bare values and combinators as clauses, an $in list as one", () => {
    const big = { tags: { $in: Array.from({ length: 5000 }, (_, i) => `t${i}`) } };
    expect(matches(big, { tags: ["t4999"] })).toBe(true);
    const ops: Record<string, unknown> = {};
    for (let i = 0; i < 500; i += 1) ops[`f${i}`] = { $gte: 0, $lte: 10 };
    expect(matches(ops, {})).toBe(false);
    expectInvalid({ ...ops, x: 1 }, "filter: has more than 1000 clauses");
    const ors = Array.from({ length: 999 }, (_, i) => ({ [`f${i}`]: 1 }));
    expect(matches({ $or: ors }, { f998: 1 })).toBe(true);
    expectInvalid({ $or: [...ors, { x: 1 }] }, "filter: has more than 1000 clauses");
    expect(rejection({ $or: [...ors, { x: 1 }] }, "q").message).toBe("q: has more than 1000 clauses");
  });
});
