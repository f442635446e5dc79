/**
 * Regenerate src/search/embed/minilm-calibration.ts: the int8 MiniLM's activation ranges, computed
 * from the fp32 graph of the pinned weights over `CALIBRATION_TEXTS` (see minilm-calibrate.ts).
 *
 * Run: npx tsx scripts/calibrate-minilm.ts
 *
 * Needed only when the weights package or the calibration texts change; the test
 * `minilm-calibration.test.ts` fails until then.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { miniLmPaths, readMiniLmWeights } from "../src/search/embed/minilm-assets.js";
import { calibrateMiniLm } from "../src/search/embed/minilm-calibrate.js";
import { CALIBRATION_SOURCE } from "../src/search/embed/minilm-calibration.js";
import { loadOrt } from "../src/search/embed/ort.js";
import { TextTokenizer } from "../src/search/embed/tokenizer.js";

const ort = await loadOrt();
const { weights, config } = await readMiniLmWeights();
const tok = await TextTokenizer.fromFile(miniLmPaths.tokenizerPath);
const ranges = await calibrateMiniLm(ort, weights, config, tok);

const entries = [...ranges].map(([name, r]) => {
  const base64 = Buffer.from(r.buffer, r.byteOffset, r.byteLength).toString("base64");
  return `  "${name}":\n    "${base64}",`; // as biome formats it
});
const target = path.resolve(import.meta.dirname, "../src/search/embed/minilm-calibration.ts");
const source = readFileSync(target, "utf8");
const start = source.indexOf("const RANGES");
const end = source.indexOf("};", start);
if (start < 0 || end < 0) throw new Error(`${target}: no RANGES object to replace`);
writeFileSync(
  target,
  `${source.slice(0, start)}const RANGES: Readonly<Record<string, string>> = {\n${entries.join("\n")}\n${source.slice(end)}`,
);
console.log(`${ranges.size} probes written to ${target} (${CALIBRATION_SOURCE})`);
