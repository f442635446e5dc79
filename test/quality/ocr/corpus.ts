/**
 * @module The OCR evaluation corpus and the two engines run on it, shared by the
 * quality test (test/quality/ocr.test.ts) and the benchmark (bench/parse/ocr.ts).
 *
 * Sources: every file of the docling OCR set (`<repo>/../shared/eval/docling/ocr/sources`),
 * PDFs rasterised with `pdftoppm -r 300 -png` (they have no text layer), the PNG and
 * JPEG used as they are. Both engines read the very same image files.
 *
 * References (the most faithful text available per file):
 * - ocr_test.pdf and its three rotations: docling's tesseract full-page Markdown.
 *   For ocr_test every stored engine (tesseract, ocrmac, easyocr, rapidocr,
 *   nemotron) gives the same sentence; for the rotations tesseract and ocrmac
 *   agree, and only nemotron — which garbles 180° and 270° — differs.
 * - nemotron_multipage.pdf: the only stored output is nemotron's, garbled on
 *   pages 2 and 4. Its pages are the ocr_test page displayed with /Rotate 0, 180,
 *   90 and 270 — pdftoppm renders them byte for byte like ocr_test,
 *   ocr_test_rotated_180, _270 and _90 — so the reference is ocr_test's sentence
 *   once per page.
 * - sample_with_rotation_mismatch.pdf, old_newspaper.png, qr_bill_example.jpg:
 *   nothing stored, so they are transcribed by hand in `./references/*.txt`,
 *   line by line as printed, read off the images at full size. Left out:
 *   handwriting (the "Phil." signature), the diagonal "SAMPLE" watermark of the
 *   bill, and the newspaper film ad's credits in microscopic print.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { OcrPage } from "../../../src/ingest/ocr/types.js";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root (this file is test/quality/ocr/corpus.ts). */
export const REPO_ROOT = resolve(HERE, "../../..");
/** The shared evaluation data: always a sibling of the repository. */
export const EVAL_DIR = resolve(REPO_ROOT, "../shared/eval");
const OCR_DIR = join(EVAL_DIR, "docling/ocr");
const GROUNDTRUTH = join(OCR_DIR, "groundtruth/tesseract/full_page");

export interface CorpusFile {
  /** The source file name. */
  readonly name: string;
  /** The images the engines read (one per page), in page order. */
  readonly images: readonly string[];
  /** The reference text of the whole file. */
  readonly reference: string;
  /** Where the reference comes from. */
  readonly referenceSource: string;
  /** True when the page images are 300-dpi renders (benchmark pages). */
  readonly rendered300dpi: boolean;
  /** Per page: true when its text is not upright (the CLI's default mode does not rotate pages). */
  readonly rotatedPages: readonly boolean[];
  /** True when some page is rotated. */
  readonly rotated: boolean;
}

export interface Corpus {
  readonly files: readonly CorpusFile[];
  /** Removes the rendered page images. */
  dispose(): void;
}

function requireTool(command: string, args: readonly string[], install: string): void {
  const probe = spawnSync(command, args, { stdio: "ignore" });
  if (probe.error || probe.status !== 0) {
    throw new Error(`the \`${command}\` command is not available: ${install} (CI installs it)`);
  }
}

/** Fail with an installation hint when the tesseract CLI or pdftoppm is missing. */
export function requireOcrTools(): void {
  requireTool("tesseract", ["--version"], "install tesseract-ocr, e.g. `apt-get install tesseract-ocr`");
  requireTool("pdftoppm", ["-v"], "install poppler-utils, e.g. `apt-get install poppler-utils`");
}

function readReference(path: string): string {
  if (!existsSync(path)) throw new Error(`missing OCR reference ${path}`);
  return readFileSync(path, "utf8");
}

function renderPdf(pdf: string, outDir: string): string[] {
  const prefix = join(outDir, basename(pdf, ".pdf"));
  const run = spawnSync("pdftoppm", ["-r", "300", "-png", pdf, prefix], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`pdftoppm failed on ${pdf}: ${run.stderr}`);
  const stem = basename(prefix);
  return readdirSync(outDir)
    .filter((f) => f.startsWith(`${stem}-`) && f.endsWith(".png"))
    .sort((a, b) => Number(a.slice(stem.length + 1, -4)) - Number(b.slice(stem.length + 1, -4)))
    .map((f) => join(outDir, f));
}

/**
 * Render the corpus (PDF pages → 300-dpi PNG in a temporary directory).
 *
 * @throws Error when the eval data, tesseract or pdftoppm is missing
 */
export function loadCorpus(): Corpus {
  if (!existsSync(OCR_DIR)) throw new Error(`the OCR eval data is missing: expected ${OCR_DIR}`);
  requireOcrTools();
  const sources = join(OCR_DIR, "sources");
  const out = mkdtempSync(join(tmpdir(), "ocr-corpus-"));
  const own = (name: string) => join(HERE, "references", name);
  const sentence = readReference(join(GROUNDTRUTH, "ocr_test.tesseract.full_page.md")).trim();
  const files: CorpusFile[] = [];
  for (const stem of ["ocr_test", "ocr_test_rotated_90", "ocr_test_rotated_180", "ocr_test_rotated_270"]) {
    files.push({
      name: `${stem}.pdf`,
      images: renderPdf(join(sources, `${stem}.pdf`), out),
      reference: readReference(join(GROUNDTRUTH, `${stem}.tesseract.full_page.md`)),
      referenceSource: "docling groundtruth (tesseract full_page)",
      rendered300dpi: true,
      rotatedPages: [stem !== "ocr_test"],
      rotated: stem !== "ocr_test",
    });
  }
  const multipage = renderPdf(join(sources, "nemotron_multipage.pdf"), out);
  files.push({
    name: "nemotron_multipage.pdf",
    images: multipage,
    reference: multipage.map(() => sentence).join("\n\n"),
    referenceSource: "ocr_test sentence per page (see corpus.ts)",
    rendered300dpi: true,
    rotatedPages: multipage.map((_, i) => i > 0),
    rotated: true,
  });
  files.push({
    name: "sample_with_rotation_mismatch.pdf",
    images: renderPdf(join(sources, "sample_with_rotation_mismatch.pdf"), out),
    reference: readReference(own("sample_with_rotation_mismatch.txt")),
    referenceSource: "hand transcription",
    rendered300dpi: true,
    rotatedPages: [false],
    rotated: false,
  });
  for (const name of ["old_newspaper.png", "qr_bill_example.jpg"]) {
    files.push({
      name,
      images: [join(sources, name)],
      reference: readReference(own(`${basename(name).replace(/\.[^.]+$/, "")}.txt`)),
      referenceSource: "hand transcription",
      rendered300dpi: false,
      rotatedPages: [false],
      rotated: false,
    });
  }
  return { files, dispose: () => rmSync(out, { recursive: true, force: true }) };
}

/** `tesseract <image> stdout` (default page segmentation, no rotation), one thread. */
export function tesseractCli(image: string): string {
  const run = spawnSync("tesseract", [image, "stdout"], {
    encoding: "utf8",
    env: { ...process.env, OMP_THREAD_LIMIT: "1" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`tesseract failed on ${image}: ${run.stderr}`);
  return run.stdout;
}

/** The text of an OcrPage in tesseract's order: words of a line by spaces, lines by newlines, blocks by a blank line. */
export function ocrPageText(page: OcrPage): string {
  const lines = page.lines.map(() => [] as string[]);
  for (const word of page.words) lines[word.line]?.push(word.text);
  let text = "";
  page.lines.forEach((line, i) => {
    if (i > 0) text += page.lines[i - 1]?.block === line.block ? "\n" : "\n\n";
    text += (lines[i] ?? []).join(" ");
  });
  return text;
}
