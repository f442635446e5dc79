import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import sharp, { type Sharp } from "sharp";
import { describe, expect, it } from "vitest";
import { ParseError } from "../types.js";
import {
  DEFAULT_MAX_IMAGE_PIXELS,
  decodeImage,
  encodeFrameJpeg,
  encodeJpeg,
  type ImageFormat,
  openImage,
} from "./index.js";

const EVAL_IMG = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../shared/eval/documents/img");

function solid(width: number, height: number, background: string) {
  return sharp({ create: { width, height, channels: 3, background } });
}

/** [r, g, b] of pixel (x, y) of a decoded frame. */
function pixel(frame: { data: Uint8Array; width: number; channels: number }, x: number, y: number): number[] {
  const at = (y * frame.width + x) * frame.channels;
  return [...frame.data.subarray(at, at + frame.channels)];
}

async function expectParseError(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ParseError);
  expect((error as ParseError).code).toBe(code);
  if (message) expect((error as ParseError).message).toMatch(message);
}

/** CRC-32 (PNG chunks) — only to forge a header in a test. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A valid small PNG whose IHDR now claims width × height. */
async function forgedPng(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await solid(8, 8, "#ffffff").png().toBuffer());
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** A bottom-up 24-bit BMP with a 40-byte (or V5, 124-byte) info header; `rows` top to bottom. */
function bmp24(rows: number[][][], v5 = false): Buffer {
  const height = rows.length;
  const width = rows[0]?.length ?? 0;
  const stride = Math.ceil((width * 3) / 4) * 4;
  const infoSize = v5 ? 124 : 40;
  const offset = 14 + infoSize;
  const out = Buffer.alloc(offset + stride * height);
  out.write("BM", 0, "latin1");
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(offset, 10);
  out.writeUInt32LE(infoSize, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(stride * height, 34);
  rows.forEach((row, y) => {
    const at = offset + (height - 1 - y) * stride;
    row.forEach(([r = 0, g = 0, b = 0], x) => {
      out[at + x * 3] = b;
      out[at + x * 3 + 1] = g;
      out[at + x * 3 + 2] = r;
    });
  });
  return out;
}

/** An ICO file of the given images (PNG bytes or BMP-in-ICO DIB bytes). */
function ico(entries: { width: number; height: number; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(6 + 16 * entries.length);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(entries.length, 4);
  let offset = header.length;
  entries.forEach((e, i) => {
    const at = 6 + 16 * i;
    header[at] = e.width >= 256 ? 0 : e.width;
    header[at + 1] = e.height >= 256 ? 0 : e.height;
    header.writeUInt16LE(1, at + 4);
    header.writeUInt16LE(32, at + 6);
    header.writeUInt32LE(e.data.length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += e.data.length;
  });
  return Buffer.concat([header, ...entries.map((e) => e.data)]);
}

/** The DIB of a 32-bit icon image (colour bitmap + AND mask), all pixels one colour. */
function iconDib(size: number, [r, g, b]: number[], declared = size): Buffer {
  const mask = Math.ceil(size / 32) * 4 * size;
  const out = Buffer.alloc(40 + size * size * 4 + mask);
  out.writeUInt32LE(40, 0);
  out.writeInt32LE(declared, 4);
  out.writeInt32LE(declared * 2, 8);
  out.writeUInt16LE(1, 12);
  out.writeUInt16LE(32, 14);
  for (let i = 0; i < size * size; i++) {
    out[40 + i * 4] = b ?? 0;
    out[40 + i * 4 + 1] = g ?? 0;
    out[40 + i * 4 + 2] = r ?? 0;
    out[40 + i * 4 + 3] = 255;
  }
  return out;
}

describe("decodeImage: formats sharp reads", () => {
  it.each([
    ["png", (s: Sharp) => s.png()],
    ["jpg", (s: Sharp) => s.jpeg({ quality: 95 })],
    ["webp", (s: Sharp) => s.webp({ lossless: true })],
    ["gif", (s: Sharp) => s.gif()],
    ["tiff", (s: Sharp) => s.tiff()],
  ] as const)("decodes %s to one 8-bit RGB frame", async (format, encode) => {
    const bytes = await encode(solid(40, 30, "#ff0000")).toBuffer();
    const frames = await decodeImage(bytes, format as ImageFormat);
    expect(frames).toHaveLength(1);
    const [frame] = frames;
    expect(frame).toMatchObject({ width: 40, height: 30, channels: 3 });
    expect(frame?.data.length).toBe(40 * 30 * 3);
    const [r = 0, g = 0, b = 0] = pixel(frame as never, 20, 15);
    expect(r).toBeGreaterThan(240);
    expect(g).toBeLessThan(20);
    expect(b).toBeLessThan(20);
  });

  it("gives one frame per TIFF page, each with its own size", async () => {
    const red = await solid(40, 30, "#ff0000").png().toBuffer();
    const blue = await solid(40, 30, "#0000ff").png().toBuffer();
    const tiff = await sharp([red, blue], { join: { animated: true } })
      .tiff()
      .toBuffer();
    const image = await openImage(tiff, "tiff");
    expect(image.frameCount).toBe(2);
    const second = await image.frame(1);
    expect(pixel(second, 5, 5)[2]).toBeGreaterThan(240);
    await expect(image.frame(2)).rejects.toBeInstanceOf(RangeError);
  });

  it.skipIf(!existsSync(EVAL_IMG))("reads a real two-page TIFF with different page sizes", async () => {
    const frames = await decodeImage(readFileSync(`${EVAL_IMG}/layout-parser-paper-combined.tiff`), "tiff");
    expect(frames.map((f) => [f.width, f.height])).toEqual([
      [612, 792],
      [791, 1024],
    ]);
  });

  it("takes the first frame of an animated GIF", async () => {
    const red = await solid(20, 10, "#ff0000").png().toBuffer();
    const blue = await solid(20, 10, "#0000ff").png().toBuffer();
    const gif = await sharp([red, blue], { join: { animated: true } })
      .gif()
      .toBuffer();
    const frames = await decodeImage(gif, "gif");
    expect(frames).toHaveLength(1);
    expect(pixel(frames[0] as never, 5, 5)[0]).toBeGreaterThan(240);
  });

  it("applies the EXIF orientation", async () => {
    // Orientation 6: the stored 40×30 image is shown turned 90° clockwise.
    const jpeg = await solid(40, 30, "#00ff00").jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const [frame] = await decodeImage(jpeg, "jpg");
    expect(frame).toMatchObject({ width: 30, height: 40 });
  });

  it("keeps grey images as one channel and reduces 16-bit to 8-bit", async () => {
    const grey = await solid(4, 4, "#808080").toColourspace("b-w").png().toBuffer();
    expect((await decodeImage(grey, "png"))[0]).toMatchObject({ channels: 1 });
    const deep = await solid(4, 4, "#808080").toColourspace("rgb16").png().toBuffer();
    const [frame] = await decodeImage(deep, "png");
    expect(frame).toMatchObject({ channels: 3 });
    expect(frame?.data.length).toBe(4 * 4 * 3);
    expect(pixel(frame as never, 1, 1)[0]).toBeGreaterThan(120);
    expect(pixel(frame as never, 1, 1)[0]).toBeLessThan(136);
  });

  it("flattens transparency onto white", async () => {
    const clear = await sharp({
      create: { width: 4, height: 4, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const [frame] = await decodeImage(clear, "png");
    expect(pixel(frame as never, 0, 0)).toEqual([255, 255, 255]);
  });

  it("rasterises SVG at twice its nominal size", async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><rect width="100" height="50" fill="#000"/></svg>',
    );
    const [frame] = await decodeImage(svg, "svg");
    expect(frame).toMatchObject({ width: 400, height: 100 });
    expect(pixel(frame as never, 10, 10)).toEqual([0, 0, 0]);
    expect(pixel(frame as never, 390, 10)).toEqual([255, 255, 255]);
  });

  it("shrinks an SVG declaring a huge size to the SVG raster budget", async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000"></svg>');
    const [frame] = await decodeImage(svg, "svg");
    expect((frame?.width ?? 0) * (frame?.height ?? 0)).toBeLessThanOrEqual(25_000_000);
    expect(frame?.width).toBeGreaterThan(4000);
  });
});

describe("decodeImage: fallback decoders", () => {
  const rows = [
    [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ],
    [
      [255, 255, 255],
      [0, 0, 0],
      [128, 128, 128],
    ],
  ];

  it.each([false, true])("decodes a 24-bit BMP (V5 header: %s) with bmp-js", async (v5) => {
    const [frame] = await decodeImage(bmp24(rows, v5), "bmp");
    expect(frame).toMatchObject({ width: 3, height: 2, channels: 3 });
    expect(pixel(frame as never, 0, 0)).toEqual([255, 0, 0]);
    expect(pixel(frame as never, 2, 0)).toEqual([0, 0, 255]);
    expect(pixel(frame as never, 1, 1)).toEqual([0, 0, 0]);
  });

  it("refuses a BMP whose header declares too many pixels, before decoding", async () => {
    const bytes = bmp24(rows);
    bytes.writeInt32LE(50_000, 18);
    bytes.writeInt32LE(50_000, 22);
    await expectParseError(decodeImage(bytes, "bmp"), "LIMIT_EXCEEDED", /50000×50000/);
  });

  it("decodes the largest image of an ICO (PNG entry)", async () => {
    const big = await solid(48, 48, "#0000ff").png().toBuffer();
    const bytes = ico([
      { width: 16, height: 16, data: iconDib(16, [255, 0, 0]) },
      { width: 48, height: 48, data: big },
    ]);
    const [frame] = await decodeImage(bytes, "ico");
    expect(frame).toMatchObject({ width: 48, height: 48 });
    expect(pixel(frame as never, 10, 10)[2]).toBeGreaterThan(240);
  });

  it("decodes the largest image of an ICO (BMP entry, via decode-ico)", async () => {
    const bytes = ico([
      { width: 16, height: 16, data: iconDib(16, [255, 0, 0]) },
      { width: 32, height: 32, data: iconDib(32, [0, 255, 0]) },
    ]);
    const [frame] = await decodeImage(bytes, "ico");
    expect(frame).toMatchObject({ width: 32, height: 32 });
    expect(pixel(frame as never, 3, 3)).toEqual([0, 255, 0]);
  });

  it("refuses an ICO entry whose DIB header claims a huge size", async () => {
    const bytes = ico([{ width: 32, height: 32, data: iconDib(32, [0, 255, 0], 40_000) }]);
    await expectParseError(decodeImage(bytes, "ico"), "LIMIT_EXCEEDED");
  });

  it.skipIf(!existsSync(EVAL_IMG))("decodes an HEVC-coded HEIC with heic-decode", async () => {
    const bytes = readFileSync(`${EVAL_IMG}/DA-1p.heic`);
    const [frame] = await decodeImage(bytes, "heif");
    expect(frame).toMatchObject({ width: 595, height: 842, channels: 3 });
    await expectParseError(decodeImage(bytes, "heif", { maxPixels: 100_000 }), "LIMIT_EXCEEDED", /595×842/);
  });
});

describe("decodeImage: bombs and corrupt input", () => {
  it("refuses a PNG whose header declares more pixels than the cap", async () => {
    const png = await forgedPng(100_000, 100_000);
    await expectParseError(decodeImage(png, "png"), "LIMIT_EXCEEDED", /100000×100000 pixels/);
    expect(DEFAULT_MAX_IMAGE_PIXELS).toBeLessThan(100_000 * 100_000);
  });

  it("applies a custom cap", async () => {
    const png = await solid(100, 100, "#ffffff").png().toBuffer();
    await expectParseError(decodeImage(png, "png", { maxPixels: 5_000 }), "LIMIT_EXCEEDED");
    await expect(decodeImage(png, "png", { maxPixels: 10_000 })).resolves.toHaveLength(1);
  });

  it("refuses an SVG too large even at the lowest density", async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="9000000" height="9000000"></svg>',
    );
    await expectParseError(decodeImage(svg, "svg"), "LIMIT_EXCEEDED");
  });

  it.each(["png", "jpg", "tiff", "webp", "gif", "heif", "ico", "svg", "bmp"] as const)(
    "reports garbage given as %s as PARSE_FAILED",
    async (format) => {
      await expectParseError(
        decodeImage(Buffer.from("this is not an image at all, just text"), format),
        "PARSE_FAILED",
        /^could not decode the image: /,
      );
    },
  );

  it("reports a truncated PNG and a truncated BMP as PARSE_FAILED", async () => {
    const png = await solid(300, 300, "#336699").png({ compressionLevel: 0 }).toBuffer();
    await expectParseError(decodeImage(png.subarray(0, png.length / 2), "png"), "PARSE_FAILED");
    const bmp = bmp24([[[1, 2, 3]], [[4, 5, 6]]]);
    await expectParseError(decodeImage(bmp.subarray(0, 56), "bmp"), "PARSE_FAILED");
  });
});

describe("encodeJpeg", () => {
  it("encodes a page of a multi-page image, whole or cropped", async () => {
    const red = await solid(40, 30, "#ff0000").png().toBuffer();
    const blue = await solid(40, 30, "#0000ff").png().toBuffer();
    const tiff = await sharp([red, blue], { join: { animated: true } })
      .tiff()
      .toBuffer();
    const page2 = await encodeJpeg(tiff, "tiff", 2);
    const meta = await sharp(page2).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 40, 30]);
    const crop = await encodeJpeg(tiff, "tiff", 1, { crop: { x0: 5.5, y0: 2, x1: 20, y1: 100 } });
    const cropMeta = await sharp(crop).metadata();
    expect([cropMeta.width, cropMeta.height]).toEqual([15, 28]);
    await expect(encodeJpeg(tiff, "tiff", 3)).rejects.toBeInstanceOf(RangeError);
  });

  it("encodes a decoded frame and rejects a crop outside it", async () => {
    const [frame] = await decodeImage(await solid(20, 20, "#00ff00").png().toBuffer(), "png");
    if (!frame) throw new Error("no frame");
    const jpeg = await encodeFrameJpeg(frame, { quality: 60 });
    expect((await sharp(jpeg).metadata()).width).toBe(20);
    await expect(encodeFrameJpeg(frame, { crop: { x0: 30, y0: 0, x1: 40, y1: 10 } })).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});
