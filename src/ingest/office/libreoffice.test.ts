import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertToPdf, libreOfficePath } from "./libreoffice.js";

let dir: string;

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** True while a process runs (a zombie waiting for its reaper has finished). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return true;
  }
}

function conversionDirs(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith("openground-lo-"));
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "og-lo-test-"));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("libreOfficePath", () => {
  it("is undefined when switched off, and honours an explicit executable", () => {
    expect(libreOfficePath("off")).toBeUndefined();
    const fake = script("fake-soffice", "exit 0");
    expect(libreOfficePath(fake)).toBe(fake);
    expect(libreOfficePath(path.join(dir, "does-not-exist"))).toBeUndefined();
  });
});

describe("convertToPdf", () => {
  it("returns undefined when the executable cannot be started", async () => {
    const missing = path.join(dir, "no-soffice-here");
    expect(await convertToPdf(new Uint8Array([1, 2, 3]), "docx", { soffice: missing })).toBeUndefined();
  });

  it("kills a hanging conversion (its whole process group) at the timeout and cleans up", async () => {
    const before = conversionDirs();
    const pidFile = path.join(dir, "child.pid");
    // The fake soffice starts a child, as soffice starts soffice.bin, and both hang.
    const hang = script("hang-soffice", `sleep 30 & echo $! > "${pidFile}"; wait`);
    const started = Date.now();
    expect(
      await convertToPdf(new Uint8Array([1]), "docx", { soffice: hang, timeoutMs: 500 }),
    ).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5000);
    const pid = Number(fs.readFileSync(pidFile, "utf8"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(running(pid)).toBe(false);
    expect(conversionDirs()).toEqual(before);
  });

  it("returns undefined when the converter fails or writes nothing", async () => {
    const before = conversionDirs();
    const fail = script("fail-soffice", "exit 3");
    expect(await convertToPdf(new Uint8Array([1]), "pptx", { soffice: fail })).toBeUndefined();
    const silent = script("silent-soffice", "exit 0");
    expect(await convertToPdf(new Uint8Array([1]), "pptx", { soffice: silent })).toBeUndefined();
    expect(conversionDirs()).toEqual(before);
  });

  it("passes its own profile, the output folder and the input to soffice", async () => {
    const args = path.join(dir, "args.txt");
    // Records its arguments and writes a PDF where soffice would.
    const fake = script(
      "recording-soffice",
      `printf '%s\\n' "$@" > "${args}"; for a; do last="$a"; prev2="$prev"; prev="$a"; done
out=""; while [ $# -gt 0 ]; do if [ "$1" = "--outdir" ]; then out="$2"; fi; shift; done
mkdir -p "$out" && printf '%%PDF-1.4 fake' > "$out/document.pdf"`,
    );
    const pdf = await convertToPdf(new Uint8Array([1]), "pptx", { soffice: fake });
    expect(new TextDecoder().decode(pdf)).toBe("%PDF-1.4 fake");
    const recorded = fs.readFileSync(args, "utf8").split("\n");
    expect(recorded).toContain("--headless");
    expect(recorded.find((a) => a.startsWith("-env:UserInstallation=file:///"))).toBeDefined();
    expect(recorded.find((a) => a.includes("ExportHiddenSlides"))).toBeDefined();
    expect(recorded.find((a) => a.endsWith("document.pptx"))).toBeDefined();
  });
});
