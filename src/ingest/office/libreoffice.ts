/**
 * @module DOCX/PPTX → PDF with LibreOffice (`soffice --headless`), for page
 * geometry: the PDF tells which page each block landed on and where.
 *
 * LibreOffice is optional — a server without it parses Office documents
 * without page geometry — so every failure here (not installed, crash,
 * timeout, no output) yields `undefined`, never an error, and nothing is
 * logged.
 *
 * - **Which soffice**: the `libreoffice` parser option (OPENGROUND_LIBREOFFICE
 *   in the server's configuration) = `off` (never convert), an executable path
 *   (use it), or `auto` (look for `soffice`, then `libreoffice`, on PATH; the
 *   lookup is cached per process).
 * - **Isolation**: each conversion runs in its own temporary directory with
 *   its own LibreOffice profile (`-env:UserInstallation=file:///…`), so
 *   parallel conversions do not fight over the profile lock; the directory is
 *   removed on every path.
 * - **Timeout** (the `timeoutMs` option, default 120 s): soffice is started in its own process group and the
 *   whole group (soffice and its soffice.bin child) is killed with SIGKILL.
 *   Where coreutils `timeout` exists it also wraps the command, so the
 *   conversion dies on time even if this thread is terminated first (the
 *   sandbox pool terminates workers that overrun).
 * - **Hidden slides** are exported too (`ExportHiddenSlides`), so PDF page n
 *   is slide n.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const DEFAULT_CONVERSION_TIMEOUT_MS = 120_000;

export interface ConvertOptions {
  /** The soffice executable (default: `libreOfficePath()`). */
  readonly soffice?: string;
  /** Kill the conversion after this long (default 120 s). */
  readonly timeoutMs?: number;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    if (executable(file)) return file;
  }
  return undefined;
}

const cache = new Map<string, string | undefined>();

/**
 * The soffice executable to use for a setting ("auto", "off" or a path), or
 * undefined when conversion is off or LibreOffice is not installed.
 *
 * @example libreOfficePath("auto") // "/usr/bin/soffice" | undefined
 */
export function libreOfficePath(libreoffice = "auto"): string | undefined {
  const setting = libreoffice.trim();
  if (cache.has(setting)) return cache.get(setting);
  let found: string | undefined;
  if (/^(off|false|0|no|none)$/i.test(setting)) found = undefined;
  else if (setting === "" || /^(auto|on|true|1|yes)$/i.test(setting))
    found = onPath("soffice") ?? onPath("libreoffice");
  else found = executable(setting) ? setting : undefined;
  cache.set(setting, found);
  return found;
}

/** Run a command in its own process group; resolves when it exits or is killed on timeout. */
function run(command: string, args: readonly string[], timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(ok);
    };
    const child = spawn(command, args, {
      detached: true,
      stdio: "ignore",
      env: { ...process.env, SAL_USE_VCLPLUGIN: "svp", HOME: process.env.HOME ?? os.tmpdir() },
    });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
      finish(false);
    }, timeoutMs);
    child.on("error", () => finish(false));
    child.on("exit", (code) => finish(code === 0));
  });
}

/**
 * Convert a DOCX or PPTX to PDF with LibreOffice; undefined when LibreOffice
 * is unavailable or the conversion fails or times out.
 *
 * @example const pdf = await convertToPdf(bytes, "docx"); // Uint8Array | undefined
 */
export async function convertToPdf(
  bytes: Uint8Array,
  format: "docx" | "pptx",
  options: ConvertOptions = {},
): Promise<Uint8Array | undefined> {
  const soffice = options.soffice ?? libreOfficePath();
  if (!soffice) return undefined;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONVERSION_TIMEOUT_MS;
  let dir: string | undefined;
  try {
    dir = await mkdtemp(path.join(os.tmpdir(), "openground-lo-"));
    const input = path.join(dir, `document.${format}`);
    const outdir = path.join(dir, "out");
    await writeFile(input, bytes);
    const filter =
      format === "pptx"
        ? 'pdf:impress_pdf_Export:{"ExportHiddenSlides":{"type":"boolean","value":"true"}}'
        : "pdf:writer_pdf_Export";
    const args = [
      "--headless",
      "--norestore",
      "--nologo",
      "--nodefault",
      "--nolockcheck",
      `-env:UserInstallation=${pathToFileURL(path.join(dir, "profile")).href}`,
      "--convert-to",
      filter,
      "--outdir",
      outdir,
      input,
    ];
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    const wrapper = onPath("timeout");
    const ok = wrapper
      ? await run(wrapper, ["-s", "KILL", `${seconds + 5}`, soffice, ...args], timeoutMs)
      : await run(soffice, args, timeoutMs);
    if (!ok) return undefined;
    const pdf = await readFile(path.join(outdir, "document.pdf"));
    return pdf.length > 0 ? new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.length) : undefined;
  } catch {
    return undefined;
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
