import { existsSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { type DrawnText, textPng } from "../../../test/quality/ocr/images.js";
import { recognitionWorker } from "./engine.js";
import {
  languageDataPath,
  OcrLanguageError,
  type OcrPage,
  ocrToPageContent,
  type RawImage,
  recognize,
  terminateOcr,
  toInputRect,
} from "./index.js";

async function raw(png: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as 1 | 3 };
}

const TEXT: DrawnText[] = [
  { text: "The quick brown fox", x: 60, y: 120, size: 48 },
  { text: "jumps over the lazy dog", x: 60, y: 260, size: 48 },
];

function wordBox(page: OcrPage, text: string) {
  const word = page.words.find((w) => w.text === text);
  if (!word) throw new Error(`"${text}" not recognised in: ${page.words.map((w) => w.text).join(" ")}`);
  return word;
}

afterAll(() => terminateOcr());

describe("language data", () => {
  it("resolves the installed data packages to local directories", () => {
    const eng = languageDataPath("eng");
    expect(eng).toMatch(/@tesseract\.js-data[\\/]eng[\\/]4\.0\.0_best_int$/);
    expect(existsSync(join(eng, "eng.traineddata.gz"))).toBe(true);
    expect(languageDataPath("osd", true)).toMatch(/osd[\\/]4\.0\.0$/);
  });

  it("fails clearly for a language without its package", async () => {
    expect(() => languageDataPath("zzz")).toThrow(/add the npm package @tesseract\.js-data\/zzz/);
    expect(() => languageDataPath("../x")).toThrow(OcrLanguageError);
    const image = await raw(await textPng(100, 50, []));
    await expect(recognize(image, { languages: ["eng", "zzz"] })).rejects.toBeInstanceOf(OcrLanguageError);
  });
});

describe("recognize", () => {
  it("finds the words with boxes, lines and confidences", async () => {
    const page = await recognize(await raw(await textPng(1200, 400, TEXT)));
    expect(page.words.map((w) => w.text).join(" ")).toBe("The quick brown fox jumps over the lazy dog");
    expect([page.width, page.height, page.rotation]).toEqual([1200, 400, 0]);
    expect(page.confidence).toBeGreaterThan(80);
    expect(page.lines).toHaveLength(2);
    const quick = wordBox(page, "quick");
    expect(quick.line).toBe(0);
    // Drawn at baseline y = 120 with 48-px type: the box spans roughly 84…132.
    expect(quick.y0).toBeGreaterThan(75);
    expect(quick.y1).toBeLessThan(140);
    expect(quick.x0).toBeGreaterThan(130);
    expect(quick.x1).toBeLessThan(320);
    expect(wordBox(page, "lazy").line).toBe(1);
    expect(page.lines[0]?.textHeight).toBeGreaterThan(30);
  });

  it("upscales small text and reports boxes in the input's pixels", async () => {
    // At 8 px, tesseract reads "Invoice number 4711 du on eda" without upscaling.
    const small: DrawnText[] = [{ text: "Invoice number 4711 due on Friday", x: 10, y: 30, size: 8 }];
    const page = await recognize(await raw(await textPng(300, 45, small)));
    expect(page.words.map((w) => w.text).join(" ")).toBe("Invoice number 4711 due on Friday");
    expect([page.width, page.height]).toEqual([300, 45]);
    for (const w of page.words) {
      expect(w.x1).toBeLessThanOrEqual(300);
      expect(w.y1).toBeLessThanOrEqual(45);
      expect(w.y0).toBeGreaterThan(15);
    }
  });

  it.each([90, 180, 270] as const)("turns a page rotated %i° upright", async (turned) => {
    const input = await raw(await textPng(1200, 400, TEXT, turned));
    const page = await recognize(input);
    expect(page.rotation).toBe((360 - turned) % 360);
    expect([page.width, page.height]).toEqual([1200, 400]);
    expect(page.words.map((w) => w.text).join(" ")).toBe("The quick brown fox jumps over the lazy dog");
    // Upright boxes sit where the text was drawn before turning…
    const quick = wordBox(page, "quick");
    expect(quick.y0).toBeGreaterThan(75);
    expect(quick.y1).toBeLessThan(140);
    // …and toInputRect puts them where they are in the turned input.
    const back = toInputRect(quick, page);
    const centre = { x: (back.x0 + back.x1) / 2, y: (back.y0 + back.y1) / 2 };
    const drawn = { x: (quick.x0 + quick.x1) / 2, y: (quick.y0 + quick.y1) / 2 };
    const expected =
      turned === 90
        ? { x: 400 - drawn.y, y: drawn.x }
        : turned === 180
          ? { x: 1200 - drawn.x, y: 400 - drawn.y }
          : { x: drawn.y, y: 1200 - drawn.x };
    expect(Math.abs(centre.x - expected.x)).toBeLessThan(2);
    expect(Math.abs(centre.y - expected.y)).toBeLessThan(2);
    expect(back.x1).toBeLessThanOrEqual(input.width);
    expect(back.y1).toBeLessThanOrEqual(input.height);
  });

  it("leaves the orientation alone when autoRotate is off", async () => {
    const page = await recognize(await raw(await textPng(1200, 400, TEXT, 180)), { autoRotate: false });
    expect(page.rotation).toBe(0);
  });

  it("returns no words for an image without text", async () => {
    const page = await recognize(await raw(await textPng(800, 600, [])));
    expect(page).toMatchObject({ width: 800, height: 600, rotation: 0, words: [], lines: [], confidence: 0 });
  });

  it("accepts grey and RGBA input and rejects data of the wrong size", async () => {
    const png = await textPng(600, 120, [{ text: "Grey scale", x: 20, y: 80, size: 48 }]);
    const grey = await sharp(png).toColourspace("b-w").raw().toBuffer({ resolveWithObject: true });
    const page = await recognize({
      data: grey.data,
      width: grey.info.width,
      height: grey.info.height,
      channels: 1,
    });
    expect(page.words.map((w) => w.text)).toEqual(["Grey", "scale"]);
    await expect(
      recognize({ data: new Uint8Array(10), width: 10, height: 10, channels: 3 }),
    ).rejects.toBeInstanceOf(RangeError);
  });

  it("starts again after terminateOcr", async () => {
    await terminateOcr();
    const page = await recognize(
      await raw(await textPng(600, 120, [{ text: "Again", x: 20, y: 80, size: 48 }])),
    );
    expect(page.words.map((w) => w.text)).toEqual(["Again"]);
  });
});

describe("OCR workers", () => {
  it("reuses one worker per language set", async () => {
    expect(await recognitionWorker(["eng"])).toBe(await recognitionWorker(["eng", "eng"]));
  });

  it("rejects the pending job when the worker thread dies, then starts a new worker", async () => {
    const worker = await recognitionWorker(["eng"]);
    const dying = worker.run((w) => {
      // tesseract.js keeps its Node Worker as `worker`; end it mid-job.
      void (w as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      return new Promise<never>(() => undefined);
    });
    await expect(dying).rejects.toThrow(/the OCR worker exited/);
    const next = await recognitionWorker(["eng"]);
    expect(next).not.toBe(worker);
    const page = await recognize(
      await raw(await textPng(600, 120, [{ text: "Alive", x: 20, y: 80, size: 48 }])),
    );
    expect(page.words.map((w) => w.text)).toEqual(["Alive"]);
  });
});

describe("toInputRect", () => {
  it("undoes every rotation", () => {
    // An upright page of 300×200 whose input was turned: the input is 200×300 for 90/270.
    const rect = { x0: 10, y0: 20, x1: 50, y1: 40 };
    expect(toInputRect(rect, { width: 300, height: 200, rotation: 0 })).toEqual(rect);
    // rotation 90: input (x, y) → upright (H_in − y, x) with H_in = 300.
    expect(toInputRect(rect, { width: 300, height: 200, rotation: 90 })).toEqual({
      x0: 20,
      y0: 250,
      x1: 40,
      y1: 290,
    });
    expect(toInputRect(rect, { width: 300, height: 200, rotation: 180 })).toEqual({
      x0: 250,
      y0: 160,
      x1: 290,
      y1: 180,
    });
    // rotation 270: input (x, y) → upright (y, W_in − x) with W_in = 200.
    expect(toInputRect(rect, { width: 300, height: 200, rotation: 270 })).toEqual({
      x0: 160,
      y0: 10,
      x1: 180,
      y1: 50,
    });
  });
});

describe("ocrToPageContent", () => {
  const page: OcrPage = {
    width: 1000,
    height: 800,
    rotation: 0,
    confidence: 70,
    lines: [{ x0: 100, y0: 100, x1: 600, y1: 140, block: 0, paragraph: 0, textHeight: 36 }],
    words: [
      { text: "Total", confidence: 95, x0: 100, y0: 102, x1: 200, y1: 138, line: 0 },
      { text: "~~", confidence: 12, x0: 250, y0: 110, x1: 280, y1: 130, line: 0 },
      { text: "42", confidence: 88, x0: 500, y0: 104, x1: 600, y1: 140, line: 0 },
    ],
  };

  it("makes one scaled TextItem per confident word, sized by its line", () => {
    const content = ocrToPageContent(page, 3, 0.5);
    expect(content).toMatchObject({
      pageNumber: 3,
      width: 500,
      height: 400,
      rules: [],
      images: [],
      ocr: true,
    });
    expect(content.items).toEqual([
      { text: "Total", x0: 50, y0: 51, x1: 100, y1: 69, fontSize: 18, confidence: 95 },
      { text: "42", x0: 250, y0: 52, x1: 300, y1: 70, fontSize: 18, confidence: 88 },
    ]);
  });

  it("keeps low-confidence words on request", () => {
    expect(ocrToPageContent(page, 1, 1, { minConfidence: 0 }).items).toHaveLength(3);
  });
});
