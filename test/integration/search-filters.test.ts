/**
 * The metadata filter language of search bodies through the official SDK
 * (CONTRACT.md §6.5; semantics as documented in src/search/filter.ts): bare values
 * and every operator over strings, numbers, booleans, lists and nested objects,
 * combinators, and 400s that name the offending part of an invalid filter.
 */
import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestServer, type TestServer } from "../helpers/server.js";
import {
  type CorpusFile,
  hits,
  ingestCorpus,
  sdkFailure,
  searchContent,
  searchDocuments,
  tempDir,
  waitForProcess,
} from "./search-support.js";
import { call } from "./support.js";

/** The stored `filter` metadata of each document (E has none). */
const METADATA: Record<string, Record<string, unknown> | undefined> = {
  A: {
    kind: "report",
    year: 2019,
    rating: 4.5,
    public: true,
    tags: ["alpha", "beta"],
    nums: [2, 4],
    owner: { name: "ana", level: 3, roles: ["admin", "editor"] },
  },
  B: {
    kind: "memo",
    year: 2021,
    rating: 3,
    public: false,
    tags: ["beta", "gamma"],
    nums: [7],
    owner: { name: "bo", level: 1, roles: ["viewer"] },
  },
  C: {
    kind: "report",
    year: 2023,
    public: false,
    tags: ["delta"],
    owner: { name: "cy", level: 2 },
  },
  D: {
    kind: "invoice",
    year: 2020,
    rating: 10,
    tags: [],
    region: "eu",
    owner: { name: "dee", level: 5, roles: ["admin"] },
    contacts: [{ name: "x", phone: "555-0100" }, { name: "y" }],
  },
  E: undefined,
  // The year is a string here: never equal to, or comparable with, a number.
  F: { kind: "memo", year: "2021", public: true, tags: ["alpha"], nums: [1, 5, 9], region: "us" },
};
const LETTERS = Object.keys(METADATA);

let server: TestServer;
let client: Client;
let dir: string;
let bucket: number;
let otherBucket: number;
let groupId: number;
/** documentId → letter, and letter → documentId. */
const letterOf = new Map<string, string>();
const idOf = new Map<string, string>();

/** The letters of the documents a bucket search for "aurora" with `filter` returns, sorted. */
async function matching(filter: Record<string, unknown>, id: number = bucket): Promise<string[]> {
  const body = await searchContent(client, id, { query: "aurora", filter, n: 100 });
  const results = hits(body);
  expect(body.count).toBe(results.length);
  return results.map((h) => letterOf.get(h.documentId) ?? `?${h.fileName}`).sort();
}

beforeAll(async () => {
  server = await startTestServer();
  client = server.client();
  dir = await tempDir("openground-filters-");
  bucket = (await client.buckets.create({ name: "filtered" })).bucket.bucketId;
  otherBucket = (await client.buckets.create({ name: "also-filtered" })).bucket.bucketId;
  groupId = (await client.groups.create({ name: "both" })).group.groupId;
  await client.groups.addBucket(groupId, bucket);
  await client.groups.addBucket(groupId, otherBucket);
  const files: CorpusFile[] = LETTERS.map((letter) => {
    const filter = METADATA[letter];
    return {
      name: `doc-${letter}.txt`,
      content: `Aurora observation log ${letter}. The aurora glowed green and violet over the northern sky.\n`,
      bucketId: bucket,
      ...(filter ? { filter } : {}),
    };
  });
  files.push({
    name: "doc-G.txt",
    content: "Aurora observation log G, kept in the second bucket of the group.\n",
    bucketId: otherBucket,
    filter: { kind: "report", year: 2019 },
  });
  const ids = await ingestCorpus(client, dir, files);
  for (const [fileName, documentId] of ids) {
    const letter = fileName.replace(/^doc-|\.txt$/g, "");
    letterOf.set(documentId, letter);
    idOf.set(letter, documentId);
  }
}, 40_000);

afterAll(async () => {
  await server?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe("the corpus", () => {
  it("stores each document's filter and matches all of them without a filter", async () => {
    for (const letter of LETTERS) {
      const doc = (await client.documents.get(idOf.get(letter) ?? "")).document;
      if (METADATA[letter]) expect(doc?.filter, letter).toEqual(METADATA[letter]);
      else expect(doc?.filter ?? {}, letter).toEqual({});
    }
    const body = await searchContent(client, bucket, { query: "aurora", n: 100 });
    expect(
      hits(body)
        .map((h) => letterOf.get(h.documentId))
        .sort(),
    ).toEqual(LETTERS);
    expect(await matching({})).toEqual(LETTERS);
  });
});

describe("bare values and $eq", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["a string", { kind: "report" }, ["A", "C"]],
    ["true", { public: true }, ["A", "F"]],
    ["false", { public: false }, ["B", "C"]],
    ["a number (never a numeric string)", { year: 2021 }, ["B"]],
    ["a string (never a number)", { year: "2021" }, ["F"]],
    ["a decimal", { rating: 4.5 }, ["A"]],
    ["two keys (AND)", { kind: "report", public: false }, ["C"]],
    ["a value nobody has", { kind: "letter" }, []],
    ["a field nobody has", { colour: "red" }, []],
    ["$eq on a string", { kind: { $eq: "memo" } }, ["B", "F"]],
    ["$eq on a boolean", { public: { $eq: false } }, ["B", "C"]],
    ["$eq on a number", { rating: { $eq: 10 } }, ["D"]],
    ["a whole list (exact)", { tags: ["alpha", "beta"] }, ["A"]],
  ])("%s", async (_label, filter, expected) => {
    expect(await matching(filter)).toEqual(expected);
  });
});

describe("$ne (documents lacking the field match)", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["string", { kind: { $ne: "report" } }, ["B", "D", "E", "F"]],
    ["boolean", { public: { $ne: true } }, ["B", "C", "D", "E"]],
    ["field most lack", { region: { $ne: "eu" } }, ["A", "B", "C", "E", "F"]],
    ["number", { year: { $ne: 2021 } }, ["A", "C", "D", "E", "F"]],
    ["list: no element may equal", { tags: { $ne: "beta" } }, ["C", "D", "E", "F"]],
  ])("%s", async (_label, filter, expected) => {
    expect(await matching(filter)).toEqual(expected);
  });
});

describe("$gt, $gte, $lt, $lte (numbers only)", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["$gt", { year: { $gt: 2020 } }, ["B", "C"]],
    ["$gte", { year: { $gte: 2020 } }, ["B", "C", "D"]],
    ["$lt", { year: { $lt: 2020 } }, ["A"]],
    ["$lte", { year: { $lte: 2020 } }, ["A", "D"]],
    ["$gt on a decimal field", { rating: { $gt: 3 } }, ["A", "D"]],
    ["$gte a decimal bound", { rating: { $gte: 4.5 } }, ["A", "D"]],
    ["$lt with a decimal bound", { rating: { $lt: 4.5 } }, ["B"]],
    ["a range (two operators ANDed)", { year: { $gte: 2019, $lte: 2021 } }, ["A", "B", "D"]],
    ["a half-open range", { rating: { $gte: 3, $lt: 10 } }, ["A", "B"]],
    ["an empty range", { year: { $gt: 2021, $lt: 2023 } }, []],
    ["a range on a nested number", { "owner.level": { $gt: 1, $lte: 3 } }, ["A", "C"]],
  ])("%s", async (_label, filter, expected) => {
    expect(await matching(filter)).toEqual(expected);
  });
});

describe("$in, $nin", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["$in strings", { kind: { $in: ["memo", "invoice"] } }, ["B", "D", "F"]],
    ["$in on a list (intersection)", { tags: { $in: ["alpha", "delta"] } }, ["A", "C", "F"]],
    ["$in numbers", { year: { $in: [2019, 2023] } }, ["A", "C"]],
    ["$in a numeric string", { year: { $in: ["2021"] } }, ["F"]],
    ["$in empty", { kind: { $in: [] } }, []],
    ["$nin strings (missing field matches)", { kind: { $nin: ["report", "memo"] } }, ["D", "E"]],
    ["$nin on a list (no element in)", { tags: { $nin: ["beta"] } }, ["C", "D", "E", "F"]],
    ["$nin empty", { kind: { $nin: [] } }, LETTERS],
    ["$in and $nin on one field", { tags: { $in: ["alpha", "beta"], $nin: ["gamma"] } }, ["A", "F"]],
  ])("%s", async (_label, filter, expected) => {
    expect(await matching(filter)).toEqual(expected);
  });
});

describe("$exists", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["true", { rating: { $exists: true } }, ["A", "B", "D"]],
    ["false", { rating: { $exists: false } }, ["C", "E", "F"]],
    ["true on an empty list", { tags: { $exists: true } }, ["A", "B", "C", "D", "F"]],
    ["true on a nested key", { "owner.roles": { $exists: true } }, ["A", "B", "D"]],
    ["false on an object", { owner: { $exists: false } }, ["E", "F"]],
    ["false through a list of objects", { "contacts.phone": { $exists: false } }, ["A", "B", "C", "E", "F"]],
  ])("%s", async (_label, filter, expected) => {
    expect(await matching(filter)).toEqual(expected);
  });
});

describe("list-valued fields match any element", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["a string element", { tags: "beta" }, ["A", "B"]],
    ["a nested list", { "owner.roles": "admin" }, ["A", "D"]],
    ["a number element", { nums: 5 }, ["F"]],
    ["$gt on a number list", { nums: { $gt: 8 } }, ["F"]],
    ["$lte on a number list", { nums: { $lte: 2 } }, ["A", "F"]],
    // MongoDB semantics: each operator may be satisfied by a different element (F: 9 > 5, 1 < 7).
    ["several operators, element by element", { nums: { $gt: 5, $lt: 7 } }, ["F"]],
    ["$eq on a list", { tags: { $eq: "gamma" } }, ["B"]],
  ])("%s", async (_label, filter, expected) => {
    expect(await matching(filter)).toEqual(expected);
  });
});

describe("dotted keys into nested objects", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["a nested string", { "owner.name": "bo" }, ["B"]],
    ["a nested number", { "owner.level": 2 }, ["C"]],
    ["a nested comparison", { "owner.level": { $gte: 3 } }, ["A", "D"]],
    ["through a list of objects", { "contacts.name": "y" }, ["D"]],
    ["a path through a scalar", { "kind.length": 6 }, []],
    ["$ne on a nested key", { "owner.name": { $ne: "ana" } }, ["B", "C", "D", "E", "F"]],
    ["a whole nested object (exact)", { owner: { name: "cy", level: 2 } }, ["C"]],
  ])("%s", async (_label, filter, expected) => {
    expect(await matching(filter)).toEqual(expected);
  });
});

describe("$and and $or", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["$and", { $and: [{ kind: "report" }, { year: { $gt: 2020 } }] }, ["C"]],
    ["$or", { $or: [{ kind: "invoice" }, { region: "us" }] }, ["D", "F"]],
    [
      "$and with a nested $or",
      {
        $and: [
          { kind: { $in: ["report", "memo"] } },
          { $or: [{ year: { $gt: 2022 } }, { "owner.roles": "viewer" }] },
        ],
      },
      ["B", "C"],
    ],
    [
      "$or with nested $and",
      {
        $or: [
          { $and: [{ kind: "memo" }, { public: true }] },
          { $and: [{ region: "eu" }, { rating: { $gte: 10 } }] },
        ],
      },
      ["D", "F"],
    ],
    ["$or next to a field key (ANDed)", { public: true, $or: [{ year: 2019 }, { region: "eu" }] }, ["A"]],
    [
      "three levels deep",
      {
        $or: [
          { $and: [{ tags: "alpha" }, { $or: [{ nums: 9 }, { "owner.level": 1 }] }] },
          { $and: [{ kind: "invoice" }, { $or: [{ rating: { $lt: 0 } }, { "contacts.name": "x" }] }] },
        ],
      },
      ["D", "F"],
    ],
    ["$or where nothing matches", { $or: [{ kind: "letter" }, { year: 1900 }] }, []],
    [
      "$and with $ne and $exists",
      { $and: [{ public: { $ne: false } }, { owner: { $exists: true } }] },
      ["A", "D"],
    ],
  ])("%s", async (_label, filter, expected) => {
    expect(await matching(filter)).toEqual(expected);
  });
});

describe("filters in every scope", () => {
  it("applies to group searches across buckets", async () => {
    expect(await matching({ kind: "report" }, groupId)).toEqual(["A", "C", "G"]);
    expect(await matching({ year: 2019 }, groupId)).toEqual(["A", "G"]);
  });

  it("applies to search.documents and to a single-document search", async () => {
    const ids = ["A", "B", "C"].map((l) => idOf.get(l) ?? "");
    const body = await searchDocuments(client, {
      query: "aurora",
      documentIds: ids,
      filter: { kind: "report" },
    });
    expect(
      hits(body)
        .map((h) => letterOf.get(h.documentId))
        .sort(),
    ).toEqual(["A", "C"]);
    const single = await searchContent(client, idOf.get("B") ?? "", {
      query: "aurora",
      filter: { kind: "report" },
    });
    expect(single.count).toBe(0);
    const kept = await searchContent(client, idOf.get("B") ?? "", {
      query: "aurora",
      filter: { kind: "memo" },
    });
    expect(hits(kept).map((h) => h.documentId)).toEqual([idOf.get("B")]);
  });

  it("treats a null filter as no filter (§1.3)", async () => {
    const response = await call(server, `/search/${bucket}`, {
      method: "POST",
      json: { query: "aurora", filter: null, n: 100 },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.search.count).toBe(LETTERS.length);
  });

  it("follows a filter replaced by PUT /ingest/documents once the update completes", async () => {
    const id = idOf.get("E") ?? "";
    const update = await call(server, "/ingest/documents", {
      method: "PUT",
      json: { documents: [{ documentId: id, filter: { kind: "report", year: 2030 } }] },
    });
    expect(update.status, JSON.stringify(update.body)).toBe(200);
    const done = await waitForProcess(client, update.body.ingest.processId);
    expect(done.status).toBe("complete");
    expect(await matching({ kind: "report" })).toEqual(["A", "C", "E"]);
    expect(await matching({ year: { $gt: 2025 } })).toEqual(["E"]);
    expect(await matching({ kind: { $exists: false } })).toEqual([]);
  });
});

describe("invalid filters → 400 naming the problem", () => {
  it.each<[string, unknown, string, RegExp]>([
    [
      "an unknown field operator",
      { kind: { $regex: "rep" } },
      "filter.kind.$regex",
      /unknown operator \$regex/,
    ],
    ["an unknown top-level operator", { $nor: [{ kind: "memo" }] }, "filter.$nor", /unknown operator \$nor/],
    ["a field operator at the top level", { $in: ["memo"] }, "filter.$in", /applied to a field/],
    ["$in not an array", { kind: { $in: "report" } }, "filter.kind.$in", /array/],
    ["$nin not an array", { kind: { $nin: 3 } }, "filter.kind.$nin", /array/],
    [
      "$in holding an object",
      { tags: { $in: [{ a: 1 }] } },
      "filter.tags.$in[0]",
      /string, number or boolean/,
    ],
    ["$gt with a string", { year: { $gt: "2000" } }, "filter.year.$gt", /number/],
    ["$lte with a boolean", { year: { $lte: true } }, "filter.year.$lte", /number/],
    ["$exists not a boolean", { rating: { $exists: "yes" } }, "filter.rating.$exists", /true or false/],
    ["$and not an array", { $and: { kind: "memo" } }, "filter.$and", /array/],
    ["$or empty", { $or: [] }, "filter.$or", /non-empty/],
    ["$and holding a non-object", { $and: ["memo"] }, "filter.$and[0]", /object/],
    [
      "a nested invalid clause",
      { $and: [{ kind: "memo" }, { $or: [{ tags: { $foo: 1 } }] }] },
      "filter.$and[1].$or[0].tags.$foo",
      /unknown operator \$foo/,
    ],
    ["operators mixed with plain keys", { kind: { $eq: "memo", other: 1 } }, "filter.kind", /mix/],
    ["a null operand", { kind: null }, "filter.kind", /null/],
    ["a string filter", "kind=report", "filter", /object/],
    ["an array filter", [{ kind: "report" }], "filter", /object/],
    ["a number filter", 42, "filter", /object/],
  ])("%s", async (_label, filter, path, problem) => {
    const failure = await sdkFailure(
      client.search.content(bucket, { query: "aurora", filter: filter as Record<string, unknown> }),
    );
    expect(failure.status, failure.raw).toBe(400);
    expect(failure.code).toBe("VALIDATION_FAILED");
    expect(failure.message.startsWith(`${path}:`), failure.message).toBe(true);
    expect(failure.message).toMatch(problem);
  });

  it("rejects an invalid filter on search.documents too, and counts no search", async () => {
    const before = (await client.customer.get()).customer.subscription?.meters?.searches?.value;
    const failure = await sdkFailure(
      client.search.documents({
        query: "aurora",
        documentIds: [idOf.get("A") ?? ""],
        filter: { year: { $gt: "2000" } },
      }),
    );
    expect(failure.status, failure.raw).toBe(400);
    expect(failure.message).toMatch(/^filter\.year\.\$gt: /);
    const after = (await client.customer.get()).customer.subscription?.meters?.searches?.value;
    expect(after).toBe(before);
  });
});
