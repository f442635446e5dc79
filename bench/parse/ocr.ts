/**
 * @module OCR benchmark: seconds per 300-dpi page for our OCR (tesseract.js in
 * WebAssembly, `src/ingest/ocr`) and for the native `tesseract` CLI, on the same
 * page images.
 *
 * Run: npx tsx bench/parse/ocr.ts [--runs R] [--all]
 *
 * Pages: the PDFs of ../shared/eval/docling/ocr/sources rendered with
 * `pdftoppm -r 300 -png` (9 A4 pages, 2481×3509 px; see test/quality/ocr/corpus.ts).
 * `--all` adds the two images of the set that are not 300-dpi renders (a 150-dpi
 * newspaper page, a bill) as extra lines, outside the per-page mean.
 *
 * What is timed, per page, best of R runs (default 1):
 *  - ours: decoding the PNG (`decodeImage`) + `recognize` — preprocessing,
 *    orientation check, and for rotated pages OSD plus a second recognition.
 *    The worker start-up (WebAssembly core + language data, once per thread) is
 *    measured separately and not in the per-page figure. CPU seconds
 *    (`process.cpuUsage`, all threads of this process) are printed next to the wall time.
 *  - cli: `tesseract <page.png> stdout` as a child process (includes process
 *    start and model loading, as every CLI call pays them), with OpenMP's default
 *    threads and with OMP_THREAD_LIMIT=1 (ours is single-threaded per page). CPU
 *    seconds from /proc/self/stat (children's time; Linux only).
 * On a shared machine wall times swing with the load; the CPU columns are the
 * steadier comparison.
 *    The CLI's default mode does not rotate pages: on rotated pages it does less work
 *    (and reads nothing); the table splits upright and rotated pages.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { basename } from "node:path";
import { decodeImage } from "../../src/ingest/image/index.js";
import { recognize, terminateOcr } from "../../src/ingest/ocr/index.js";
import { loadCorpus } from "../../test/quality/ocr/corpus.js";

interface Timing {
  readonly wall: number;
  readonly cpu?: number;
}

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value < 1) throw new Error(`${name} needs a positive number`);
  return value;
}

const runs = argValue("--runs", 1);
const includeAll = process.argv.includes("--all");

async function timeOurs(image: string): Promise<Timing> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const [frame] = await decodeImage(readFileSync(image), image.endsWith(".jpg") ? "jpg" : "png");
  if (!frame) throw new Error(`no frame in ${image}`);
  await recognize(frame);
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 };
}

/**
 * CPU seconds of this process's finished children (Linux: cutime + cstime of
 * /proc/self/stat, in clock ticks of 1/100 s); undefined elsewhere.
 */
function childCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the parenthesised command name; cutime and cstime are fields 16 and 17.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

function timeCli(image: string, oneThread: boolean): Timing {
  const started = performance.now();
  const cpuBefore = childCpuSeconds();
  const run = spawnSync("tesseract", [image, "stdout"], {
    stdio: ["ignore", "ignore", "ignore"],
    env: oneThread ? { ...process.env, OMP_THREAD_LIMIT: "1" } : process.env,
  });
  if (run.status !== 0) throw new Error(`tesseract failed on ${image}`);
  const cpuAfter = childCpuSeconds();
  const wall = (performance.now() - started) / 1000;
  return cpuBefore === undefined || cpuAfter === undefined ? { wall } : { wall, cpu: cpuAfter - cpuBefore };
}

async function best(measure: () => Timing | Promise<Timing>): Promise<Timing> {
  let fastest: Timing | undefined;
  for (let i = 0; i < runs; i++) {
    const t = await measure();
    if (!fastest || t.wall < fastest.wall) fastest = t;
  }
  return fastest as Timing;
}

interface Row {
  readonly page: string;
  readonly group: "upright" | "rotated" | "extra";
  readonly ours: Timing;
  readonly cli: Timing;
  readonly cli1: Timing;
}

const fmt = (v: number | undefined) => (v === undefined ? "" : v.toFixed(2)).padStart(7);

async function main(): Promise<void> {
  console.log(
    `OCR benchmark — Node ${process.version}, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}, best of ${runs} run(s)`,
  );
  const corpus = loadCorpus();
  try {
    const startup = performance.now();
    await recognize({ data: new Uint8Array(64 * 64).fill(255), width: 64, height: 64, channels: 1 });
    console.log(
      `our worker start-up: ${((performance.now() - startup) / 1000).toFixed(2)} s (once per thread)\n`,
    );

    const rows: Row[] = [];
    for (const file of corpus.files) {
      if (!file.rendered300dpi && !includeAll) continue;
      for (const [index, image] of file.images.entries()) {
        const rotated = file.rotatedPages[index] ?? false;
        rows.push({
          page: file.images.length > 1 ? `${file.name} p${index + 1}` : file.name,
          group: !file.rendered300dpi ? "extra" : rotated ? "rotated" : "upright",
          ours: await best(() => timeOurs(image)),
          cli: await best(() => timeCli(image, false)),
          cli1: await best(() => timeCli(image, true)),
        });
        process.stdout.write(".");
      }
    }
    process.stdout.write("\n");
    console.log(
      `${"page".padEnd(40)} ${"group".padEnd(8)}    ours: wall s   cpu s    cli: wall s   cpu s    cli 1 thread: wall s   cpu s`,
    );
    const line = (r: Pick<Row, "ours" | "cli" | "cli1">) =>
      `     ${fmt(r.ours.wall)} ${fmt(r.ours.cpu)}        ${fmt(r.cli.wall)} ${fmt(r.cli.cpu)}                 ${fmt(r.cli1.wall)} ${fmt(r.cli1.cpu)}`;
    for (const r of rows) console.log(`${basename(r.page).padEnd(40)} ${r.group.padEnd(8)}${line(r)}`);
    const mean = (set: readonly Row[], pick: (r: Row) => number | undefined) =>
      set.reduce((sum, r) => sum + (pick(r) ?? 0), 0) / Math.max(set.length, 1);
    for (const [label, set] of [
      ["mean, upright 300-dpi pages", rows.filter((r) => r.group === "upright")],
      ["mean, rotated 300-dpi pages", rows.filter((r) => r.group === "rotated")],
      ["mean, all 300-dpi pages", rows.filter((r) => r.group !== "extra")],
    ] as const) {
      const avg = (pick: (r: Row) => Timing) => ({
        wall: mean(set, (r) => pick(r).wall),
        cpu: set.every((r) => pick(r).cpu !== undefined) ? mean(set, (r) => pick(r).cpu) : undefined,
      });
      console.log(
        `${`${label} (${set.length})`.padEnd(49)}${line({ ours: avg((r) => r.ours), cli: avg((r) => r.cli), cli1: avg((r) => r.cli1) })}`,
      );
    }
    const all = rows.filter((r) => r.group !== "extra");
    console.log(
      JSON.stringify({
        pages: all.length,
        oursSecondsPerPage: Number(mean(all, (r) => r.ours.wall).toFixed(3)),
        oursCpuSecondsPerPage: Number(mean(all, (r) => r.ours.cpu).toFixed(3)),
        cliSecondsPerPage: Number(mean(all, (r) => r.cli.wall).toFixed(3)),
        cliCpuSecondsPerPage: Number(mean(all, (r) => r.cli.cpu).toFixed(3)),
        cliOneThreadSecondsPerPage: Number(mean(all, (r) => r.cli1.wall).toFixed(3)),
        cliOneThreadCpuSecondsPerPage: Number(mean(all, (r) => r.cli1.cpu).toFixed(3)),
      }),
    );
  } finally {
    corpus.dispose();
    await terminateOcr();
  }
}

await main();
