/**
 * @module Entry of a page worker thread (see `./parallel.ts`): opens the PDF it
 * is sent, reads one page range with `readPages` and posts the results back.
 * Every outcome is one message; a `ParseError` keeps its code.
 */
import { parentPort } from "node:worker_threads";
import { ParseError, type ParseLimits } from "../types.js";
import { openPdf } from "./index.js";
import { withLanguages } from "./ocr-page.js";
import { defaultOcr, readPages } from "./read-pages.js";

export interface PageWorkerTask {
  readonly bytes: Uint8Array;
  readonly from: number;
  readonly to: number;
  readonly limits: ParseLimits;
  /** OCR languages for pages without a usable text layer (default: the OCR module's). */
  readonly languages?: readonly string[];
}

async function run(task: PageWorkerTask): Promise<unknown> {
  try {
    const pdf = await openPdf(task.bytes);
    try {
      const loadOcr = task.languages ? withLanguages(defaultOcr, task.languages) : defaultOcr;
      return { ok: true, results: await readPages(pdf, task.from, task.to, task.limits, loadOcr) };
    } finally {
      await pdf.close();
    }
  } catch (error) {
    const code = error instanceof ParseError ? error.code : undefined;
    return { ok: false, code, message: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.once("message", (task: PageWorkerTask) => {
  void run(task).then((reply) => parentPort?.postMessage(reply));
});
