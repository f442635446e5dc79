/**
 * Search through the official GroundX SDK (CONTRACT.md §6, §2.4, D7, D8): ranking and
 * result fields on a small written corpus, the score scale and relevance threshold,
 * verbosity, the `search.text` assembly, pagination, scopes and isolation, deletes
 * and updates, the searches meter, long queries and CJK text.
 */
import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestServer, type TestServer } from "../helpers/server.js";
import {
  type CorpusFile,
  type Hit,
  hits,
  ingestCorpus,
  sdkFailure,
  searchContent,
  searchDocuments,
  tempDir,
  waitForProcess,
} from "./search-support.js";
import { call, sleep, UNKNOWN_ID, UUID_V4 } from "./support.js";

const VOLCANOES = `Volcanoes form where magma rises through the crust of the Earth. When pressure builds inside the magma chamber, an eruption sends lava, ash and volcanic gases high into the sky.

Stratovolcanoes such as Mount Fuji and Mount Vesuvius are built from alternating layers of lava and ash. The eruption of Vesuvius in 79 AD buried the Roman town of Pompeii under pyroclastic flows.

Shield volcanoes like Mauna Loa in Hawaii produce runny basaltic lava that travels many kilometres before it cools into black rock. Volcanologists monitor seismic tremors and gas emissions to forecast eruptions.
`;

const SOURDOUGH = `Sourdough bread is leavened by a starter, a culture of wild yeast and lactic acid bacteria kept alive with regular feedings of flour and water.

A healthy starter doubles in size a few hours after feeding. Bakers mix it into the dough to make a levain, then let the dough ferment slowly, which develops the tangy flavour and an open crumb.

Before baking, the loaf is shaped, proofed in a banneton and scored with a razor blade. Baking in a hot Dutch oven traps steam and gives sourdough its crisp, blistered crust.
`;

const CHESS = `Chess is a strategy game played on a board of sixty-four squares between two players, white and black. Each side begins with sixteen pieces: a king, a queen, two rooks, two bishops, two knights and eight pawns.

Popular openings include the Sicilian Defence, the Queen's Gambit and the Ruy Lopez. Castling moves the king to safety while bringing a rook toward the centre of the board.

In the endgame, an active king and passed pawns often decide the result. Checkmate ends the game when the king is attacked and has no legal escape.
`;

const HONEYBEES = `A honeybee colony contains one queen, thousands of female worker bees and a few hundred male drones. The queen lays up to two thousand eggs a day in the wax cells of the hive.

Worker bees that find flowers rich in nectar return to the hive and perform the waggle dance. The angle and duration of the dance tell other foragers the direction and distance of the flowers.

Honeybees pollinate almonds, apples and many other crops, so beekeepers rent their hives to farmers during the blooming season. Nectar is stored in the comb and evaporated into honey.
`;

const PHOTOSYNTHESIS = `Photosynthesis is the process by which plants, algae and some bacteria convert light energy into chemical energy. It takes place in chloroplasts, which contain the green pigment chlorophyll.

In the light-dependent reactions, water molecules are split and oxygen is released. The energy captured is stored in ATP and NADPH.

The Calvin cycle then uses that energy to fix carbon dioxide from the air into glucose, the sugar that feeds the plant.
`;

const JAZZ = `Bebop emerged in New York in the nineteen forties, when musicians such as Charlie Parker and Dizzy Gillespie played fast tempos and complex chord progressions.

Jazz improvisation means inventing melodies on the spot over the harmony of a tune. A saxophone solo might quote a standard, bend a blue note and answer the trumpet.

Later styles such as cool jazz, hard bop and modal jazz grew out of bebop; Miles Davis recorded Kind of Blue in 1959.
`;

const GLACIERS = `A glacier is a river of ice that forms where more snow falls each winter than melts each summer. Over centuries the snow compacts into dense blue ice.

As glaciers flow downhill they carve U-shaped valleys, pluck boulders from the bedrock and leave piles of debris called moraines. Deep crevasses open where the ice bends over steps in the valley floor.

The ice sheets of Greenland and Antarctica hold most of the fresh water on the planet, and their melting raises the sea level.
`;

const CRYPTOGRAPHY = `Public-key cryptography uses a pair of keys: a public key that anyone may use to encrypt a message and a private key that only its owner uses to decrypt it.

The RSA algorithm relies on the difficulty of factoring the product of two large prime numbers. Elliptic curve cryptography achieves similar security with much shorter keys.

Digital signatures let the recipient verify that a message really came from the holder of the private key and was not altered in transit.
`;

const MARATHON = `Training for a marathon usually takes sixteen to twenty weeks. Runners build mileage gradually, with one long run each weekend that grows to about thirty-two kilometres.

Interval sessions and tempo runs improve speed, while easy recovery runs let the muscles adapt. Three weeks before race day, runners taper, reducing their mileage so their legs are fresh.

In the final days, carbohydrate loading fills the muscles with glycogen, the fuel that helps a runner avoid hitting the wall after thirty kilometres.
`;

const PLANETS = `planet,diameter_km,moons,distance_au
Mercury,4879,0,0.39
Venus,12104,0,0.72
Earth,12756,1,1.00
Mars,6792,2,1.52
Jupiter,142984,95,5.20
Saturn,120536,146,9.58
`;

/** Two headed sections: two chunks in two different sections. */
const LIGHTHOUSES = `# The history of lighthouses

The Pharos of Alexandria, built around 280 BC, was one of the Seven Wonders of the ancient world. Its keepers burned wood at the top of the lighthouse tower to guide sailors into the harbour.

# Lighthouse optics

In 1822 Augustin Fresnel designed a lens of concentric glass rings that bent the light of the lighthouse lamp into a powerful horizontal beam visible more than twenty nautical miles away.
`;

/** Two long paragraphs without headings: two chunks (≈300-token target) in one section. */
const TIDES = [
  [
    "Tides are the regular rise and fall of the sea surface caused by the gravitational pull of the Moon and the Sun on the oceans of the Earth.",
    "Most coasts see two high tides and two low tides every lunar day, which lasts about twenty-four hours and fifty minutes.",
    "The side of the Earth facing the Moon is pulled toward it, while the far side is left behind, so two bulges of water form on opposite sides of the planet.",
    "As the Earth rotates beneath these bulges, each harbour passes through them in turn and the water along its quays climbs and then retreats.",
    "Fishermen, pilots and harbour masters have published tide tables for centuries, because a loaded ship that misjudges the ebb can settle on a sandbank and break its back.",
    "The shape of a bay can amplify the range enormously: in the Bay of Fundy in Canada the difference between low and high water can exceed sixteen metres.",
    "Narrow estuaries sometimes produce a tidal bore, a single wave that runs upstream against the current of the river when the flood tide arrives.",
    "Surfers ride the bore of the Severn in England and the Qiantang in China, where the wall of water can travel for many kilometres inland.",
  ].join(" "),
  [
    "Spring tides occur near new moon and full moon, when the Sun, the Moon and the Earth line up and their pulls on the ocean add together.",
    "Neap tides fall near the quarter moons, when the Sun pulls at right angles to the Moon and the range between high and low water is smallest.",
    "Tidal currents can be strong enough to turn turbines, and several countries now generate electricity from the flow of the tide through narrow channels.",
    "The tidal barrage on the Rance estuary in France has produced power since the nineteen sixties, using gates that trap the water at high tide.",
    "Rock pools left behind by the falling tide shelter crabs, anemones, limpets and small fish that must survive hours of sunshine before the sea returns.",
    "Coastal birds such as oystercatchers and curlews follow the tide line closely, feeding on worms and shellfish in the exposed mud of the shore.",
    "Over millions of years the friction of the tides has slowed the rotation of the Earth and pushed the Moon slowly further away from our planet.",
    "Geologists read this history in banded sediments called tidal rhythmites, which record the length of ancient days and months in layers of silt.",
  ].join(" "),
].join("\n\n");

const TOKYO_TOWER = `東京タワーは東京都港区芝公園にある総合電波塔です。高さは三百三十三メートルで、一九五八年に完成しました。

展望台からは晴れた日に富士山が見えることもあり、毎年多くの観光客が訪れます。
`;

const OOLONG = `Oolong tea is partially oxidised, which places its flavour between green tea and black tea. Leaves from the Wuyi mountains are rolled, bruised and roasted over charcoal.

Gongfu brewing uses a small clay teapot, a high ratio of leaves to water and many short infusions.
`;

const TEA_SHOP = `Our oolong selection changes with the season. Visit the tea shop on Harbour Street to taste the new oolong harvest and buy a clay teapot.
`;

const SECRET = `Zanzibarite is a rare violet mineral found only in one abandoned quarry. Collectors prize zanzibarite crystals for their deep colour and perfect cleavage.
`;

let server: TestServer;
let client: Client;
let other: { apiKey: string; client: Client };
let dir: string;
let bucketMain: number;
let bucketTea: number;
let bucketShop: number;
let bucketMutable: number;
let groupId: number;
let otherBucket: number;
let otherGroup: number;
let ids: Map<string, string>;
let otherDocId: string;

const SOURDOUGH_SEARCH_DATA = { author: "Bea Baker", cuisine: "french", servings: 2 };

function docId(name: string): string {
  const id = ids.get(name);
  if (!id) throw new Error(`no document ${name}`);
  return id;
}

/** §6.4 built independently from the returned results (groups by document and section summary). */
function expectedText(results: readonly Hit[]): string {
  const groups: Hit[][] = [];
  const byKey = new Map<string, Hit[]>();
  for (const hit of results) {
    const key = `${hit.documentId}\u0000${hit.sectionSummary ?? ""}`;
    let group = byKey.get(key);
    if (!group) {
      group = [];
      byKey.set(key, group);
      groups.push(group);
    }
    group.push(hit);
  }
  return groups
    .map((group) => {
      const name = group[0]?.fileName ?? "";
      const header =
        group.length > 1
          ? `The following text excerpts are from the same section of a document named '${name}':`
          : `The following text excerpt is from a section of a document named '${name}':`;
      const excerpts = group.map((hit) => `Text excerpt from page number 1:\n${hit.suggestedText}`);
      return `${header}\n\n${excerpts.join("\n\n\n")}`;
    })
    .join("\n\n\n");
}

function expectSortedByScore(results: readonly Hit[]): void {
  for (let i = 1; i < results.length; i += 1) {
    expect(results[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(results[i]?.score ?? 0);
  }
}

async function searchesMeter(c: Client = client): Promise<number> {
  const customer = (await c.customer.get()).customer;
  const value = customer.subscription?.meters?.searches?.value;
  if (typeof value !== "number") throw new Error("no searches meter");
  return value;
}

beforeAll(async () => {
  server = await startTestServer();
  client = server.client();
  other = await server.newAccount();
  dir = await tempDir("openground-search-");
  const create = async (c: Client, name: string) => (await c.buckets.create({ name })).bucket.bucketId;
  bucketMain = await create(client, "main");
  bucketTea = await create(client, "tea");
  bucketShop = await create(client, "shop");
  bucketMutable = await create(client, "mutable");
  groupId = (await client.groups.create({ name: "main-and-tea" })).group.groupId;
  await client.groups.addBucket(groupId, bucketMain);
  await client.groups.addBucket(groupId, bucketTea);
  otherBucket = await create(other.client, "secret");
  otherGroup = (await other.client.groups.create({ name: "secret-group" })).group.groupId;
  await other.client.groups.addBucket(otherGroup, otherBucket);

  const files: CorpusFile[] = [
    { name: "volcanoes.txt", content: VOLCANOES, bucketId: bucketMain },
    {
      name: "sourdough.txt",
      content: SOURDOUGH,
      bucketId: bucketMain,
      searchData: SOURDOUGH_SEARCH_DATA,
    },
    { name: "chess.txt", content: CHESS, bucketId: bucketMain },
    { name: "honeybees.txt", content: HONEYBEES, bucketId: bucketMain },
    { name: "photosynthesis.txt", content: PHOTOSYNTHESIS, bucketId: bucketMain },
    { name: "jazz.txt", content: JAZZ, bucketId: bucketMain },
    { name: "glaciers.txt", content: GLACIERS, bucketId: bucketMain },
    { name: "cryptography.txt", content: CRYPTOGRAPHY, bucketId: bucketMain },
    { name: "marathon.txt", content: MARATHON, bucketId: bucketMain },
    { name: "planets.csv", content: PLANETS, bucketId: bucketMain },
    { name: "lighthouses.txt", content: LIGHTHOUSES, bucketId: bucketMain },
    { name: "tides.txt", content: TIDES, bucketId: bucketMain },
    { name: "tokyo-tower.txt", content: TOKYO_TOWER, bucketId: bucketMain },
    { name: "oolong.txt", content: OOLONG, bucketId: bucketTea },
    { name: "tea-shop.txt", content: TEA_SHOP, bucketId: bucketShop },
  ];
  ids = await ingestCorpus(client, dir, files);
  const otherIds = await ingestCorpus(other.client, dir, [
    { name: "secret.txt", content: SECRET, bucketId: otherBucket },
  ]);
  otherDocId = otherIds.get("secret.txt") ?? "";
}, 40_000);

afterAll(async () => {
  await server?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe("ranking and result fields (§6.3, §2.4)", () => {
  it.each([
    ["volcanic eruption lava magma", "volcanoes.txt"],
    ["sourdough starter crust", "sourdough.txt"],
    ["Sicilian Defence castling checkmate", "chess.txt"],
    ["waggle dance of worker bees", "honeybees.txt"],
    ["chlorophyll Calvin cycle", "photosynthesis.txt"],
    ["bebop saxophone improvisation", "jazz.txt"],
    ["moraines and crevasses", "glaciers.txt"],
    ["RSA prime factoring private key", "cryptography.txt"],
    ["marathon taper carbohydrate loading", "marathon.txt"],
    ["Jupiter Saturn moons", "planets.csv"],
  ])("ranks the relevant document first for %j", async (query, fileName) => {
    const body = await searchContent(client, bucketMain, { query });
    const results = hits(body);
    expect(results.length).toBeGreaterThan(0);
    expect(results[0]?.fileName).toBe(fileName);
    expect(results[0]?.documentId).toBe(docId(fileName));
    expect(body.query).toBe(query);
    expect(body.count).toBe(results.length);
    expect(body.score).toBe(results[0]?.score);
    expectSortedByScore(results);
  });

  it("carries every §2.4 field with the document's real values", async () => {
    const body = await searchContent(client, bucketMain, { query: "sourdough levain banneton" });
    const results = hits(body);
    const top = results[0] as Hit;
    const doc = (await client.documents.get(docId("sourdough.txt"))).document;
    if (!doc) throw new Error("sourdough.txt is not found");
    const xray = await call(server, `/ingest/document/xray/${docId("sourdough.txt")}`);
    expect(xray.status).toBe(200);
    const chunks = xray.body.chunks as {
      chunk: string;
      text: string;
      suggestedText: string;
      sectionSummary?: string;
    }[];
    const chunk = chunks.find((c) => c.chunk === top.chunkId);
    if (!chunk) throw new Error(`chunk ${top.chunkId} is not in the X-Ray`);

    expect(typeof top.score).toBe("number");
    expect(top.score).toBeGreaterThan(0);
    expect(top.documentId).toBe(doc.documentId);
    expect(top.documentId).toMatch(UUID_V4);
    expect(top.processId).toBe(doc.processId);
    expect(top.processId).toMatch(UUID_V4);
    expect(top.bucketId).toBe(bucketMain);
    expect(top.chunkId).toMatch(/^[0-9a-z]{6}-\d+$/);
    expect(top.fileName).toBe("sourdough.txt");
    expect(top.sourceUrl).toBe(doc.sourceUrl);
    expect(top.sourceUrl.startsWith(`${server.url}/`)).toBe(true);
    expect(top.text).toBe(chunk.text);
    expect(top.text).toContain("banneton");
    expect(top.suggestedText).toBe(chunk.suggestedText);
    expect(Array.isArray(top.boundingBoxes)).toBe(true);
    expect(top.boundingBoxes.length).toBeGreaterThan(0);
    for (const box of top.boundingBoxes) expect(box.pageNumber).toBe(1);
    expect(top.fileSummary).toBe(xray.body.fileSummary);
    expect(top.fileSummary).toMatch(/sourdough/i);
    expect(top.sectionSummary).toBe(chunk.sectionSummary);
    expect(typeof top.sectionSummary).toBe("string");
    // verbosity 1 (default): no searchData.
    expect(top).not.toHaveProperty("searchData");
    // Every result is fully populated.
    for (const hit of results) {
      expect(typeof hit.score).toBe("number");
      expect(typeof hit.text).toBe("string");
      expect(typeof hit.suggestedText).toBe("string");
      expect(hit.documentId).toBe(ids.get(hit.fileName));
      expect(hit.bucketId).toBe(bucketMain);
      expect(typeof hit.chunkId).toBe("string");
      expect(typeof hit.sourceUrl).toBe("string");
      expect(Array.isArray(hit.boundingBoxes)).toBe(true);
    }
  });

  it("returns the CSV table chunk with its rows in the text", async () => {
    const body = await searchContent(client, bucketMain, { query: "Jupiter moons" });
    const top = hits(body)[0] as Hit;
    expect(top.fileName).toBe("planets.csv");
    expect(top.text).toContain("Jupiter");
    expect(top.text).toContain("142984");
    expect(top.suggestedText).toContain("Jupiter");
  });
});

describe("scores and relevance (D7)", () => {
  it("scores a strong match in the hundreds", async () => {
    const body = await searchContent(client, bucketMain, { query: "sourdough starter levain crust" });
    expect(body.score).toBeGreaterThanOrEqual(100);
    expect(hits(body)[0]?.score).toBeGreaterThanOrEqual(100);
  });

  it("returns nothing for an unrelated query at the default relevance", async () => {
    const body = await searchContent(client, bucketMain, { query: "zebra quantum xylophone" });
    expect(body.count).toBe(0);
    expect(body.results ?? []).toEqual([]);
    expect(body.text).toBe("");
    expect(body).not.toHaveProperty("score");
    expect(body).not.toHaveProperty("nextToken");
  });

  it("returns more with relevance 0 than with the default 10, and every default result scores ≥ 10", async () => {
    const query = "sourdough starter crust water";
    const byDefault = hits(await searchContent(client, bucketMain, { query, n: 100 }));
    const all = hits(await searchContent(client, bucketMain, { query, n: 100, relevance: 0 }));
    expect(all.length).toBeGreaterThan(byDefault.length);
    for (const hit of byDefault) expect(hit.score).toBeGreaterThanOrEqual(10);
    const below = all.filter((hit) => hit.score < 10);
    expect(below.length).toBeGreaterThan(0);
    // The default results are exactly the relevance-0 results scoring at least 10.
    expect(byDefault.map((h) => h.chunkId)).toEqual(all.filter((h) => h.score >= 10).map((h) => h.chunkId));
  });

  it("honours a custom threshold exactly and returns nothing above every score", async () => {
    const query = "sourdough starter crust water";
    const all = hits(await searchContent(client, bucketMain, { query, n: 100, relevance: 0 }));
    const middle = all[Math.floor(all.length / 2)]?.score ?? 0;
    const cut = hits(await searchContent(client, bucketMain, { query, n: 100, relevance: middle }));
    expect(cut.map((h) => h.chunkId)).toEqual(all.filter((h) => h.score >= middle).map((h) => h.chunkId));
    const none = await searchContent(client, bucketMain, { query, relevance: 1000 });
    expect(none.count).toBe(0);
    expect(none.results ?? []).toEqual([]);
  });

  it("gives identical scores to the same query twice", async () => {
    const query = "glacier ice valley";
    const first = hits(await searchContent(client, bucketMain, { query, relevance: 0 }));
    const second = hits(await searchContent(client, bucketMain, { query, relevance: 0 }));
    expect(first.length).toBeGreaterThan(0);
    expect(second.map((h) => [h.chunkId, h.score])).toEqual(first.map((h) => [h.chunkId, h.score]));
  });

  it("rejects a negative relevance", async () => {
    const failure = await sdkFailure(client.search.content(bucketMain, { query: "lava", relevance: -1 }));
    expect(failure.status, failure.raw).toBe(400);
    expect(failure.message).toMatch(/relevance/);
  });
});

describe("verbosity (§6.3)", () => {
  const query = "sourdough starter crust";

  it("0 returns the text and no results", async () => {
    const reference = await searchContent(client, bucketMain, { query });
    const body = await searchContent(client, bucketMain, { query, verbosity: 0 });
    expect(body).not.toHaveProperty("results");
    expect(body.text).toBe(reference.text);
    expect(body.text.length).toBeGreaterThan(0);
    expect(body.count).toBe(reference.count);
    expect(body.score).toBe(reference.score);
  });

  it("1 returns results without searchData", async () => {
    const results = hits(await searchContent(client, bucketMain, { query, verbosity: 1 }));
    expect(results.length).toBeGreaterThan(0);
    for (const hit of results) expect(hit).not.toHaveProperty("searchData");
  });

  it("2 returns results with the document's searchData plus fullTitle", async () => {
    // relevance 0 so that documents without custom searchData are in the results too.
    const body = await searchContent(client, bucketMain, {
      query: "sourdough starter crust water",
      verbosity: 2,
      relevance: 0,
    });
    const results = hits(body);
    const top = results[0] as Hit;
    expect(top.fileName).toBe("sourdough.txt");
    expect(top.searchData).toMatchObject(SOURDOUGH_SEARCH_DATA);
    expect(top.searchData?.fullTitle).toBe("sourdough.txt");
    expect(top.searchData?.documentSummary).toBe(top.fileSummary);
    expect(top.searchData?.sectionSummary).toBe(top.sectionSummary);
    for (const hit of results) {
      expect(typeof hit.searchData).toBe("object");
      expect(hit.searchData?.fullTitle).toBe(hit.fileName);
    }
    // A document ingested without searchData gets the system keys only.
    const plain = results.find((h) => h.fileName !== "sourdough.txt");
    expect(plain, "a second document in the results").toBeDefined();
    expect(plain?.searchData).not.toHaveProperty("author");
    expect(plain?.searchData).not.toHaveProperty("cuisine");
    // The same search at verbosity 1 returns the same results without searchData.
    const plainBody = await searchContent(client, bucketMain, {
      query: "sourdough starter crust water",
      relevance: 0,
    });
    expect(hits(plainBody).map((h) => h.chunkId)).toEqual(results.map((h) => h.chunkId));
    expect(plainBody.text).toBe(body.text);
  });

  it("rejects a verbosity outside 0–2", async () => {
    const failure = await sdkFailure(client.search.content(bucketMain, { query, verbosity: 3 }));
    expect(failure.status, failure.raw).toBe(400);
  });
});

describe("search.text (§6.4)", () => {
  it("renders two chunks of two sections of one document byte for byte", async () => {
    const body = await searchContent(client, docId("lighthouses.txt"), { query: "lighthouse" });
    const results = hits(body);
    expect(results.length).toBe(2);
    const [a, b] = results as [Hit, Hit];
    expect(a.sectionSummary).not.toBe(b.sectionSummary);
    expect(body.text).toBe(
      "The following text excerpt is from a section of a document named 'lighthouses.txt':\n\n" +
        `Text excerpt from page number 1:\n${a.suggestedText}` +
        "\n\n\n" +
        "The following text excerpt is from a section of a document named 'lighthouses.txt':\n\n" +
        `Text excerpt from page number 1:\n${b.suggestedText}`,
    );
    expect(body.text).toContain("Pharos");
    expect(body.text).toContain("Fresnel");
  });

  it("renders two chunks of one section under one plural header byte for byte", async () => {
    const body = await searchContent(client, docId("tides.txt"), { query: "tide" });
    const results = hits(body);
    expect(results.length).toBe(2);
    const [a, b] = results as [Hit, Hit];
    expect(a.sectionSummary).toBe(b.sectionSummary);
    expect(a.chunkId).not.toBe(b.chunkId);
    expect(body.text).toBe(
      "The following text excerpts are from the same section of a document named 'tides.txt':\n\n" +
        `Text excerpt from page number 1:\n${a.suggestedText}` +
        "\n\n\n" +
        `Text excerpt from page number 1:\n${b.suggestedText}`,
    );
  });

  it("groups a multi-document result set in order of first appearance", async () => {
    const body = await searchContent(client, bucketMain, { query: "lighthouse tide water", relevance: 0 });
    const results = hits(body);
    expect(new Set(results.map((h) => h.documentId)).size).toBeGreaterThan(1);
    expect(body.text).toBe(expectedText(results));
  });
});

describe("pagination (§1.6, D8)", () => {
  const query = "pebble";
  let bucketMany: number;

  beforeAll(async () => {
    bucketMany = (await client.buckets.create({ name: "many" })).bucket.bucketId;
    // 25 one-chunk documents that all match, with different term frequencies and lengths.
    const files: CorpusFile[] = Array.from({ length: 25 }, (_, i) => ({
      name: `pebble-${String(i + 1).padStart(2, "0")}.txt`,
      content:
        `${"Pebble ".repeat((i % 4) + 1)}note number ${i + 1}. ` +
        `${i % 3 === 0 ? "The beach was grey and cold. " : ""}` +
        "Filler words about walking along the shore in the morning. ".repeat((i % 5) + 1),
      bucketId: bucketMany,
    }));
    await ingestCorpus(client, dir, files);
  });

  it("walks every qualifying result with n=2 without duplicates or gaps", async () => {
    const single = await searchContent(client, bucketMany, { query, n: 100 });
    const expected = hits(single);
    expect(expected.length).toBe(25);
    expect(single.count).toBe(25);
    expect(single).not.toHaveProperty("nextToken");
    expectSortedByScore(expected);

    const walked: Hit[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await searchContent(client, bucketMany, {
        query,
        n: 2,
        ...(token ? { nextToken: token } : {}),
      });
      const results = hits(page);
      pages += 1;
      expect(page.query).toBe(query);
      expect(page.count).toBe(results.length);
      expect(results.length).toBe(pages < 13 ? 2 : 1);
      expect(page.score).toBe(results[0]?.score);
      // The text covers exactly this page's results.
      expect(page.text).toBe(expectedText(results));
      walked.push(...results);
      token = page.nextToken;
      if (pages < 13) expect(typeof token, `page ${pages}`).toBe("string");
      expect(pages).toBeLessThan(30);
    } while (token);

    expect(pages).toBe(13);
    const key = (h: Hit) => `${h.documentId}/${h.chunkId}`;
    expect(new Set(walked.map(key)).size).toBe(25);
    expect(walked.map((h) => [key(h), h.score])).toEqual(expected.map((h) => [key(h), h.score]));
  });

  it("returns 20 results by default, then the rest with the nextToken", async () => {
    const first = await searchContent(client, bucketMany, { query });
    expect(hits(first).length).toBe(20);
    expect(first.count).toBe(20);
    expect(typeof first.nextToken).toBe("string");
    const second = await searchContent(client, bucketMany, { query, nextToken: first.nextToken ?? "" });
    expect(hits(second).length).toBe(5);
    expect(second).not.toHaveProperty("nextToken");
    const all = hits(await searchContent(client, bucketMany, { query, n: 100 }));
    expect([...hits(first), ...hits(second)].map((h) => h.chunkId)).toEqual(all.map((h) => h.chunkId));
  });

  it("rejects a token replayed with a different query", async () => {
    const first = await searchContent(client, bucketMany, { query, n: 2 });
    expect(typeof first.nextToken).toBe("string");
    const failure = await sdkFailure(
      client.search.content(bucketMany, { query: "pebble beach", n: 2, nextToken: first.nextToken ?? "" }),
    );
    expect(failure.status, failure.raw).toBe(400);
    expect(failure.code).toBe("INVALID_NEXT_TOKEN");
    expect(failure.message).toMatch(/nextToken/);
    const documents = await sdkFailure(
      client.search.documents({
        query,
        documentIds: [docId("volcanoes.txt")],
        nextToken: first.nextToken ?? "",
      }),
    );
    expect(documents.status, documents.raw).toBe(400);
    expect(documents.code).toBe("INVALID_NEXT_TOKEN");
  });

  it("rejects a token replayed on another bucket, with another filter, by another account, or garbage", async () => {
    const first = await searchContent(client, bucketMany, { query, n: 2 });
    const token = first.nextToken ?? "";
    // Lazily, one at a time: an eager rejected promise awaited later counts as unhandled.
    for (const attempt of [
      () => client.search.content(bucketMain, { query, n: 2, nextToken: token }),
      () => client.search.content(bucketMany, { query, n: 2, nextToken: token, filter: { team: "x" } }),
      () => client.search.content(bucketMany, { query, n: 2, nextToken: "not-a-token" }),
    ]) {
      const failure = await sdkFailure(attempt());
      expect(failure.status, failure.raw).toBe(400);
      expect(failure.code).toBe("INVALID_NEXT_TOKEN");
    }
    const foreign = await sdkFailure(
      other.client.search.content(otherBucket, { query, n: 2, nextToken: token }),
    );
    expect(foreign.status, foreign.raw).toBe(400);
  });

  it.each([0, 101, -1])("rejects n=%i", async (n) => {
    const failure = await sdkFailure(client.search.content(bucketMany, { query, n }));
    expect(failure.status, failure.raw).toBe(400);
    expect(failure.message).toMatch(/\bn\b/);
  });
});

describe("scopes and isolation (§6.1, §6.2, D2)", () => {
  it("searches both member buckets of a group", async () => {
    const tea = hits(await searchContent(client, groupId, { query: "oolong tea" }));
    expect(tea[0]?.fileName).toBe("oolong.txt");
    expect(tea[0]?.bucketId).toBe(bucketTea);
    // The shop bucket is not in the group.
    expect(tea.map((h) => h.fileName)).not.toContain("tea-shop.txt");

    const mixed = hits(await searchContent(client, groupId, { query: "oolong sourdough", n: 100 }));
    const buckets = new Set(mixed.map((h) => h.bucketId));
    expect([...buckets].sort()).toEqual([bucketMain, bucketTea].sort());
    expect(mixed.map((h) => h.fileName)).toEqual(expect.arrayContaining(["oolong.txt", "sourdough.txt"]));
  });

  it("returns no results for a group without buckets", async () => {
    const empty = (await client.groups.create({ name: "empty" })).group.groupId;
    const body = await searchContent(client, empty, { query: "lava", relevance: 0 });
    expect(body.count).toBe(0);
    expect(body.results ?? []).toEqual([]);
    expect(body.text).toBe("");
  });

  it("limits a bucket search to that bucket", async () => {
    const main = await searchContent(client, bucketMain, { query: "oolong" });
    expect(main.count).toBe(0);
    const shop = hits(await searchContent(client, bucketShop, { query: "oolong" }));
    expect(shop.map((h) => h.fileName)).toEqual(["tea-shop.txt"]);
    expect(shop[0]?.bucketId).toBe(bucketShop);
  });

  it("searches one document by its documentId", async () => {
    const inside = hits(
      await searchContent(client, docId("volcanoes.txt"), { query: "lava eruption chess" }),
    );
    expect(inside.length).toBeGreaterThan(0);
    for (const hit of inside) expect(hit.documentId).toBe(docId("volcanoes.txt"));
    const outside = await searchContent(client, docId("chess.txt"), { query: "lava eruption" });
    expect(outside.count).toBe(0);
    // An upper-case documentId names the same document.
    const upper = hits(
      await searchContent(client, docId("volcanoes.txt").toUpperCase(), { query: "lava eruption" }),
    );
    expect(upper[0]?.documentId).toBe(docId("volcanoes.txt"));
  });

  it("searches an explicit document set with search.documents", async () => {
    const documentIds = [docId("volcanoes.txt"), docId("chess.txt")];
    // relevance 0: every chunk of both documents qualifies (hybrid search also ranks by meaning).
    const body = await searchDocuments(client, {
      query: "lava checkmate sourdough",
      documentIds,
      n: 100,
      relevance: 0,
    });
    const results = hits(body);
    expect(new Set(results.map((h) => h.fileName))).toEqual(new Set(["volcanoes.txt", "chess.txt"]));
    expect(body.count).toBe(results.length);
    expect(body.text).toBe(expectedText(results));
    // Documents in different buckets can be searched together.
    const across = hits(
      await searchDocuments(client, {
        query: "oolong lava",
        documentIds: [docId("oolong.txt"), docId("volcanoes.txt")],
      }),
    );
    expect(new Set(across.map((h) => h.bucketId))).toEqual(new Set([bucketMain, bucketTea]));
  });

  it("answers 404 for an unknown bucket, group or document", async () => {
    const bucket = await sdkFailure(client.search.content(UNKNOWN_ID, { query: "lava" }));
    expect(bucket.status, bucket.raw).toBe(404);
    const unknownUuid = "3f0e9a52-5c55-4c61-9d57-4a4f1c1f2b10";
    const document = await sdkFailure(client.search.content(unknownUuid, { query: "lava" }));
    expect(document.status, document.raw).toBe(404);
    const set = await sdkFailure(
      client.search.documents({ query: "lava", documentIds: [docId("volcanoes.txt"), unknownUuid] }),
    );
    expect(set.status, set.raw).toBe(404);
  });

  it("answers 404 for another account's bucket, group and document and never shows its content", async () => {
    // The other account does see its own document.
    const own = hits(await searchContent(other.client, otherBucket, { query: "zanzibarite" }));
    expect(own[0]?.documentId).toBe(otherDocId);
    expect((await searchContent(other.client, otherGroup, { query: "zanzibarite" })).count).toBe(1);

    for (const attempt of [
      () => client.search.content(otherBucket, { query: "zanzibarite", relevance: 0 }),
      () => client.search.content(otherGroup, { query: "zanzibarite", relevance: 0 }),
      () => client.search.content(otherDocId, { query: "zanzibarite", relevance: 0 }),
      () => client.search.documents({ query: "zanzibarite", documentIds: [otherDocId], relevance: 0 }),
      () =>
        client.search.documents({
          query: "zanzibarite",
          documentIds: [docId("volcanoes.txt"), otherDocId],
          relevance: 0,
        }),
    ]) {
      const failure = await sdkFailure(attempt());
      expect(failure.status, failure.raw).toBe(404);
      expect(failure.raw).not.toMatch(/violet|quarry|cleavage/i);
    }
    // Searching one's own corpus never returns it either.
    const mine = await searchContent(client, groupId, { query: "zanzibarite", relevance: 0 });
    expect(hits(mine).some((h) => h.documentId === otherDocId)).toBe(false);
    expect(JSON.stringify(mine)).not.toMatch(/violet|quarry|cleavage/i);
    // And the other account cannot reach this account's buckets.
    const reverse = await sdkFailure(other.client.search.content(bucketMain, { query: "lava" }));
    expect(reverse.status, reverse.raw).toBe(404);
  });

  it.each([
    ["empty", ""],
    ["blank", "   \n\t "],
  ])("rejects an %s query with 400", async (_label, query) => {
    const failure = await sdkFailure(client.search.content(bucketMain, { query }));
    expect(failure.status, failure.raw).toBe(400);
    expect(failure.message).toMatch(/^query\b/);
    const documents = await sdkFailure(
      client.search.documents({ query, documentIds: [docId("volcanoes.txt")] }),
    );
    expect(documents.status, documents.raw).toBe(400);
  });

  it("rejects a missing query with 400", async () => {
    const response = await call(server, `/search/${bucketMain}`, { method: "POST", json: {} });
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.message).toMatch(/query/);
  });

  it.each(["abc", "0", "-3", "1.5", "12345678-1234-1234-1234-12345678"])(
    "rejects the malformed id %j with 400",
    async (id) => {
      const failure = await sdkFailure(client.search.content(id, { query: "lava" }));
      expect(failure.status, failure.raw).toBe(400);
    },
  );

  it("rejects malformed or empty documentIds with 400", async () => {
    const malformed = await sdkFailure(client.search.documents({ query: "lava", documentIds: ["nope"] }));
    expect(malformed.status, malformed.raw).toBe(400);
    expect(malformed.message).toMatch(/documentIds/);
    const empty = await sdkFailure(client.search.documents({ query: "lava", documentIds: [] }));
    expect(empty.status, empty.raw).toBe(400);
  });
});

describe("long queries and CJK (§6.3)", () => {
  it("condenses a query of more than 30 words into searchQuery and still finds the document", async () => {
    const query =
      "I would really like to understand how a honeybee colony organises itself, what the queen does inside " +
      "the hive all day, how the worker bees tell each other where the flowers are by performing the " +
      "waggle dance, and why pollination by these insects matters so much to farmers who grow almonds";
    expect(query.split(/\s+/).length).toBeGreaterThan(30);
    const body = await searchContent(client, bucketMain, { query });
    expect(body.query).toBe(query);
    expect(typeof body.searchQuery).toBe("string");
    const condensed = (body.searchQuery ?? "").split(" ");
    expect(condensed.length).toBeGreaterThan(0);
    expect(condensed.length).toBeLessThan(query.split(/\s+/).length);
    for (const term of condensed) expect(query.toLowerCase()).toContain(term);
    const results = hits(body);
    expect(results[0]?.fileName).toBe("honeybees.txt");
  });

  it("does not report searchQuery for a short query", async () => {
    const body = await searchContent(client, bucketMain, { query: "waggle dance" });
    expect(body).not.toHaveProperty("searchQuery");
  });

  it.each(["東京タワー", "富士山", "電波塔"])("finds the Japanese document with %j", async (query) => {
    const body = await searchContent(client, bucketMain, { query });
    const results = hits(body);
    expect(results.length).toBeGreaterThan(0);
    expect(results[0]?.fileName).toBe("tokyo-tower.txt");
    expect(results[0]?.text).toContain(query);
    expect(results.every((h) => h.fileName === "tokyo-tower.txt")).toBe(true);
  });
});

describe("the searches meter (§10)", () => {
  it("grows by one per search call, whatever the route, verbosity or result count", async () => {
    const before = await searchesMeter();
    await searchContent(client, bucketMain, { query: "lava" });
    expect(await searchesMeter()).toBe(before + 1);
    await searchContent(client, groupId, { query: "zebra quantum xylophone" });
    await searchContent(client, bucketMain, { query: "lava", verbosity: 0 });
    await searchDocuments(client, { query: "lava", documentIds: [docId("volcanoes.txt")] });
    expect(await searchesMeter()).toBe(before + 4);
    // Another account's meter is separate.
    const otherBefore = await searchesMeter(other.client);
    await searchContent(other.client, otherBucket, { query: "zanzibarite" });
    expect(await searchesMeter(other.client)).toBe(otherBefore + 1);
    expect(await searchesMeter()).toBe(before + 4);
  });
});

describe("deletes and updates (§4.5, §4.9)", () => {
  let quokka: string;
  let narwhal: string;

  beforeAll(async () => {
    const mutable = await ingestCorpus(client, dir, [
      {
        name: "quokka.txt",
        content: "The quokka is a small marsupial from Rottnest Island that seems to smile at visitors.\n",
        bucketId: bucketMutable,
      },
      {
        name: "narwhal.txt",
        content: "The narwhal is an Arctic whale whose long spiral tusk is an enlarged tooth.\n",
        bucketId: bucketMutable,
      },
    ]);
    quokka = mutable.get("quokka.txt") ?? "";
    narwhal = mutable.get("narwhal.txt") ?? "";
  });

  it("drops a deleted document from results immediately", async () => {
    const before = hits(await searchContent(client, bucketMutable, { query: "quokka marsupial" }));
    expect(before[0]?.documentId).toBe(quokka);
    const response = await client.documents.deleteById(quokka);
    // No waiting for the delete process.
    const after = await searchContent(client, bucketMutable, { query: "quokka marsupial", relevance: 0 });
    expect(hits(after).some((h) => h.documentId === quokka)).toBe(false);
    expect(JSON.stringify(after.results ?? [])).not.toMatch(/quokka/i);
    const byId = await sdkFailure(client.search.content(quokka, { query: "quokka" }));
    expect(byId.status, byId.raw).toBe(404);
    const set = await sdkFailure(client.search.documents({ query: "quokka", documentIds: [quokka] }));
    expect(set.status, set.raw).toBe(404);
    await waitForProcess(client, response.ingest.processId);
    expect((await searchContent(client, bucketMutable, { query: "quokka", relevance: 0 })).count).toBe(0);
  });

  it("reflects a new fileName in results once the update process completes", async () => {
    const update = await call(server, "/ingest/documents", {
      method: "PUT",
      json: { documents: [{ documentId: narwhal, fileName: "unicorn-of-the-sea.txt" }] },
    });
    expect(update.status, JSON.stringify(update.body)).toBe(200);
    const done = await waitForProcess(client, update.body.ingest.processId);
    expect(done.status).toBe("complete");
    const body = await searchContent(client, bucketMutable, { query: "narwhal tusk" });
    const results = hits(body);
    expect(results.length).toBeGreaterThan(0);
    for (const hit of results) {
      expect(hit.documentId).toBe(narwhal);
      expect(hit.fileName).toBe("unicorn-of-the-sea.txt");
    }
    expect(body.text.startsWith("The following text excerpt is from a section of a document named ")).toBe(
      true,
    );
    expect(body.text).toContain("named 'unicorn-of-the-sea.txt':\n\n");
    const verbose = hits(await searchContent(client, bucketMutable, { query: "narwhal", verbosity: 2 }));
    expect(verbose[0]?.searchData?.fullTitle).toBe("unicorn-of-the-sea.txt");
  });
});

describe("score stability (D7)", () => {
  /** Partial matches: their scores depend on term statistics, which makes them sensitive. */
  const query = "glacier ice snow summer water";
  const scores = async () =>
    hits(await searchContent(client, bucketMain, { query, relevance: 0 })).map((h) => [
      h.fileName,
      h.chunkId,
      h.score,
    ]);

  it("gives the same scores to the same query when nothing changed in between", async () => {
    // A search, then another bucket of the account receives documents; then two identical
    // searches of the unchanged bucket, 5 s apart, with nothing happening in between.
    await scores();
    const bucketClock = (await client.buckets.create({ name: "clock" })).bucket.bucketId;
    await ingestCorpus(client, dir, [
      { name: "clock-1.txt", content: "Summer water, summer snow, summer ice.\n", bucketId: bucketClock },
      { name: "clock-2.txt", content: "Water and more water under the ice.\n", bucketId: bucketClock },
    ]);
    const first = await scores();
    expect(first.length).toBeGreaterThan(1);
    await sleep(5_200);
    const second = await scores();
    expect(second).toEqual(first);
  });

  it("keeps this account's scores unchanged when another account ingests similar text", async () => {
    await sleep(5_200);
    const before = await scores();
    expect(before.length).toBeGreaterThan(1);
    const heavy = Array.from({ length: 6 }, (_, i) => ({
      name: `ice-${i}.txt`,
      content: `Ice and snow. The glacier ice melts in summer into water. ${"Snow ice water. ".repeat(i + 1)}\n`,
      bucketId: otherBucket,
    }));
    await ingestCorpus(other.client, dir, heavy);
    await sleep(5_200);
    // This account's corpus did not change: another tenant's documents must not move its scores
    // (or they could be probed through them).
    expect(await scores()).toEqual(before);
  });
});
