/**
 * @module tesseract.js workers, offline and reused.
 *
 * - Offline by construction: tesseract.js loads its WebAssembly core with
 *   `require("tesseract.js-core/…")` (node_modules), and every language's
 *   traineddata is read from its installed npm package (`@tesseract.js-data/<code>`)
 *   through `langPath` = a local directory, `gzip: true`, `cacheMethod: "none"`
 *   (no cache read or written, so nothing lands in the working directory). A
 *   language without its package fails before any worker starts — without a
 *   local `langPath`, tesseract.js would fetch from a CDN.
 * - One recognition worker per language set ("eng", "eng+deu"…), created on
 *   first use and kept for the life of the thread (the parser runs inside a
 *   long-lived sandbox thread, and starting a worker costs ~0.3–1.5 s); one more,
 *   with tesseract's legacy engine, for orientation detection (OSD needs the
 *   legacy classifier and the `osd` data). `terminateEngines()` ends them all.
 *   A set of several languages reads its data through a private temporary
 *   directory of links to the installed files (see `sharedDataDir`).
 * - Jobs on one worker run one at a time (a promise chain), and a worker is
 *   `unref`-ed while idle so it never keeps a process alive by itself.
 * - tesseract.js reports a failing job by rejecting it *and* by throwing from
 *   its message handler unless an `errorHandler` is given; an `errorHandler` is
 *   always given. A failed start (bad traineddata) otherwise leaves
 *   `createWorker` pending forever, so the handler also rejects the start. If
 *   the worker thread dies (e.g. WebAssembly out of memory), its pending job is
 *   rejected and the worker dropped, so the next call starts a fresh one.
 * - Tesseract's diagnostics ("Estimating resolution as …") go to `debug_file`
 *   = /dev/null, not to the server's stdout.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Tesseract from "tesseract.js";

const require = createRequire(import.meta.url);

/** A language whose data package is not installed (a configuration error, not a document error). */
export class OcrLanguageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OcrLanguageError";
  }
}

const LANGUAGE_CODE = /^[a-z]{3}(?:_[a-z]{2,8})?$/i;

/**
 * The directory holding `<code>.traineddata.gz` in the installed `@tesseract.js-data/<code>` package.
 * Recognition uses the LSTM-only "best_int" model when the package has it; `legacy` (OSD)
 * needs the 4.0.0 data that carries the legacy classifier.
 *
 * @throws OcrLanguageError when the package is not installed
 * @example languageDataPath("eng") // …/node_modules/@tesseract.js-data/eng/4.0.0_best_int
 */
export function languageDataPath(code: string, legacy = false): string {
  if (!LANGUAGE_CODE.test(code)) throw new OcrLanguageError(`"${code}" is not a tesseract language code`);
  let root: string;
  try {
    root = dirname(require.resolve(`@tesseract.js-data/${code}/package.json`));
  } catch {
    throw new OcrLanguageError(
      `OCR language "${code}" is not installed: add the npm package @tesseract.js-data/${code}`,
    );
  }
  const versions = legacy ? ["4.0.0"] : ["4.0.0_best_int", "4.0.0"];
  for (const version of versions) {
    const dir = join(root, version);
    if (existsSync(join(dir, `${code}.traineddata.gz`))) return dir;
  }
  throw new OcrLanguageError(
    `the package @tesseract.js-data/${code} has no ${versions.join(" or ")}/${code}.traineddata.gz`,
  );
}

type Job<T> = (worker: Tesseract.Worker) => Promise<T>;

/** A tesseract.js worker with a job queue and crash detection. */
export class OcrWorker {
  readonly #worker: Tesseract.Worker;
  readonly #thread: import("node:worker_threads").Worker;
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #died: Error | undefined;
  readonly #onDeath = new Set<(error: Error) => void>();

  private constructor(worker: Tesseract.Worker, onExit: () => void) {
    this.#worker = worker;
    // tesseract.js returns the Node Worker it spawned as `worker.worker` (not in its typings).
    this.#thread = (worker as unknown as { worker: import("node:worker_threads").Worker }).worker;
    this.#thread.unref();
    this.#thread.once("exit", (code) => {
      this.#died = new Error(`the OCR worker exited (code ${code})`);
      for (const reject of this.#onDeath) reject(this.#died);
      onExit();
    });
  }

  /** Start a worker; rejects (never hangs) when tesseract cannot initialise. */
  static async start(
    langs: string,
    oem: Tesseract.OEM,
    options: Partial<Tesseract.WorkerOptions>,
    params: Partial<Tesseract.WorkerParams>,
    onExit: () => void,
  ): Promise<OcrWorker> {
    let failStart: ((error: Error) => void) | undefined;
    const failed = new Promise<never>((_, reject) => {
      failStart = reject;
    });
    const worker = await Promise.race([
      Tesseract.createWorker(
        langs,
        oem,
        {
          ...options,
          gzip: true,
          cacheMethod: "none",
          errorHandler: (message: unknown) => failStart?.(new Error(String(message))),
        },
        // Also at initialisation: tesseract prints while loading the data.
        { debug_file: "/dev/null" } as unknown as Partial<Tesseract.InitOptions>,
      ),
      failed,
    ]);
    failStart = undefined;
    const ocrWorker = new OcrWorker(worker, onExit);
    await ocrWorker.run((w) => w.setParameters(params));
    return ocrWorker;
  }

  /** Run a job after the previous ones; rejects if the worker dies meanwhile. */
  run<T>(job: Job<T>): Promise<T> {
    const result = this.#tail.then(() => this.#execute(job));
    this.#tail = result.catch(() => undefined);
    return result;
  }

  async #execute<T>(job: Job<T>): Promise<T> {
    if (this.#died) throw this.#died;
    let reject: ((error: Error) => void) | undefined;
    const death = new Promise<never>((_, r) => {
      reject = r;
    });
    const onDeath = (error: Error) => reject?.(error);
    this.#onDeath.add(onDeath);
    if (this.#pending++ === 0) this.#thread.ref();
    try {
      return await Promise.race([
        job(this.#worker).catch((error: unknown) => {
          throw error instanceof Error ? error : new Error(`tesseract: ${String(error)}`);
        }),
        death,
      ]);
    } finally {
      this.#onDeath.delete(onDeath);
      if (--this.#pending === 0) this.#thread.unref();
    }
  }

  terminate(): Promise<unknown> {
    return this.#worker.terminate();
  }
}

/** Page segmentation: tesseract.js defaults to one uniform block (6); documents need automatic layout (3). */
const RECOGNITION_PARAMS: Partial<Tesseract.WorkerParams> = {
  tessedit_pageseg_mode: Tesseract.PSM.AUTO,
  debug_file: "/dev/null",
};

const workers = new Map<string, Promise<OcrWorker>>();

function cached(key: string, start: (onExit: () => void) => Promise<OcrWorker>): Promise<OcrWorker> {
  let worker = workers.get(key);
  if (!worker) {
    const onExit = () => {
      if (workers.get(key) === worker) workers.delete(key);
    };
    worker = start(onExit);
    workers.set(key, worker);
    // A failed start is not cached: the next call tries again.
    worker.catch(() => {
      if (workers.get(key) === worker) workers.delete(key);
    });
  }
  return worker;
}

/**
 * The recognition worker for a language set (created on first use).
 *
 * @throws OcrLanguageError for a language whose data package is not installed
 */
export function recognitionWorker(languages: readonly string[]): Promise<OcrWorker> {
  const codes = [...new Set(languages)];
  if (codes.length === 0) throw new OcrLanguageError("no OCR language given");
  // Resolve every path first: a missing package fails here, before any thread starts.
  const paths = codes.map((code) => languageDataPath(code));
  const key = codes.join("+");
  return cached(key, (onExit) => {
    const langPath = paths.length === 1 ? (paths[0] ?? "") : sharedDataDir(codes, paths);
    return OcrWorker.start(key, Tesseract.OEM.LSTM_ONLY, { langPath }, RECOGNITION_PARAMS, onExit);
  });
}

const tempDirs: string[] = [];

/**
 * tesseract.js reads every language of a worker from one `langPath`, but each
 * language package has its own directory (and its preloaded-data option is
 * broken in 7.0: it passes the data, not the code, to tesseract's Init). So a
 * multi-language set gets a private temporary directory of links to the
 * installed files (copies where links are not allowed).
 */
function sharedDataDir(codes: readonly string[], paths: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "openground-ocr-"));
  tempDirs.push(dir);
  codes.forEach((code, i) => {
    const file = `${code}.traineddata.gz`;
    const source = join(paths[i] ?? "", file);
    try {
      symlinkSync(source, join(dir, file));
    } catch {
      copyFileSync(source, join(dir, file));
    }
  });
  return dir;
}

/** The orientation-detection worker (legacy engine + `osd` data). */
export function orientationWorker(): Promise<OcrWorker> {
  const dir = languageDataPath("osd", true);
  return cached("#osd", (onExit) =>
    OcrWorker.start(
      "osd",
      Tesseract.OEM.TESSERACT_ONLY,
      { langPath: dir, legacyCore: true, legacyLang: true },
      { debug_file: "/dev/null" },
      onExit,
    ),
  );
}

/**
 * Terminate every OCR worker of this thread (they restart on the next call).
 *
 * @example process.once("beforeExit", () => void terminateEngines());
 */
export async function terminateEngines(): Promise<void> {
  const all = [...workers.values()];
  workers.clear();
  await Promise.all(all.map((w) => w.then((worker) => worker.terminate()).catch(() => undefined)));
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
