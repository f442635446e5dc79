import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { decodeImage } from "../../src/ingest/image/index.js";
import { recognize, terminateOcr } from "../../src/ingest/ocr/index.js";
import { type CorpusFile, loadCorpus, ocrPageText, tesseractCli } from "./ocr/corpus.js";
import { bagOfWordsF1, wordAccuracy } from "./ocr/score.js";

/**
 * OCR quality floor: our `recognize` (tesseract.js, WebAssembly, best_int model,
 * with preprocessing and orientation handling) against the `tesseract` CLI's
 * default run (`tesseract img stdout`) on the same images of the docling OCR set,
 * scored against the references described in ./ocr/corpus.ts.
 *
 * The CLI is run live rather than from stored output: its result depends on the
 * installed tesseract and model, which is exactly what we compare against, and
 * it takes a few seconds. A machine without it fails with an install hint.
 *
 * Two scores per file: word accuracy (1 − word edit distance / reference words,
 * order-sensitive) and bag-of-words F1 (order-free). Both are asserted on the
 * mean: ours may not fall more than 5 points below the CLI's. Rotated pages
 * favour us (the CLI's default mode does not rotate), so the bag-of-words floor
 * is asserted on the upright files alone as well. Reading order differs between
 * runs on multi-column pages (a column read later costs its words twice in the
 * edit distance), which is why the order-free score is the one held on the upright set.
 */
interface Row {
  readonly file: CorpusFile;
  readonly ours: { accuracy: number; f1: number; seconds: number };
  readonly cli: { accuracy: number; f1: number; seconds: number };
}

const pct = (v: number) => (v * 100).toFixed(1).padStart(5);
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);

async function ours(image: string): Promise<string> {
  const format = image.endsWith(".jpg") ? "jpg" : "png";
  const [frame] = await decodeImage(readFileSync(image), format);
  if (!frame) throw new Error(`no frame in ${image}`);
  return ocrPageText(await recognize(frame));
}

describe("OCR quality", () => {
  afterAll(() => terminateOcr());

  it("stays within 5 points of the tesseract CLI on the docling OCR set", async () => {
    const corpus = loadCorpus();
    const rows: Row[] = [];
    try {
      for (const file of corpus.files) {
        let started = performance.now();
        const ourPages: string[] = [];
        for (const image of file.images) ourPages.push(await ours(image));
        const ourSeconds = (performance.now() - started) / 1000;
        started = performance.now();
        const cliPages = file.images.map(tesseractCli);
        const cliSeconds = (performance.now() - started) / 1000;
        const ourText = ourPages.join("\n\n");
        const cliText = cliPages.join("\n\n");
        rows.push({
          file,
          ours: {
            accuracy: wordAccuracy(file.reference, ourText),
            f1: bagOfWordsF1(file.reference, ourText),
            seconds: ourSeconds,
          },
          cli: {
            accuracy: wordAccuracy(file.reference, cliText),
            f1: bagOfWordsF1(file.reference, cliText),
            seconds: cliSeconds,
          },
        });
      }
    } finally {
      corpus.dispose();
    }

    const header = `${"file".padEnd(36)} pages  acc ours   cli   F1 ours   cli   s ours    cli  reference`;
    const lines = rows.map(
      ({ file, ours, cli }) =>
        `${file.name.padEnd(36)} ${String(file.images.length).padStart(5)}    ${pct(ours.accuracy)} ${pct(cli.accuracy)}     ${pct(ours.f1)} ${pct(cli.f1)} ${ours.seconds.toFixed(1).padStart(6)} ${cli.seconds.toFixed(1).padStart(6)}  ${file.referenceSource}`,
    );
    const upright = rows.filter((r) => !r.file.rotated);
    const summary = (label: string, set: readonly Row[]) =>
      `${label.padEnd(36)} ${String(set.length).padStart(5)}    ${pct(mean(set.map((r) => r.ours.accuracy)))} ${pct(mean(set.map((r) => r.cli.accuracy)))}     ${pct(mean(set.map((r) => r.ours.f1)))} ${pct(mean(set.map((r) => r.cli.f1)))}`;
    console.log(
      [header, ...lines, summary("mean (all files)", rows), summary("mean (upright files)", upright)].join(
        "\n",
      ),
    );

    const meanOf = (set: readonly Row[], pick: (r: Row) => number) => mean(set.map(pick));
    expect(meanOf(rows, (r) => r.ours.accuracy)).toBeGreaterThanOrEqual(
      meanOf(rows, (r) => r.cli.accuracy) - 0.05,
    );
    expect(meanOf(rows, (r) => r.ours.f1)).toBeGreaterThanOrEqual(meanOf(rows, (r) => r.cli.f1) - 0.05);
    expect(meanOf(upright, (r) => r.ours.f1)).toBeGreaterThanOrEqual(meanOf(upright, (r) => r.cli.f1) - 0.05);
    // Rotation handling: every rotated file reads as well as the upright original.
    for (const row of rows.filter((r) => r.file.rotated)) expect(row.ours.f1).toBeGreaterThanOrEqual(0.95);
  }, 240_000);
});
