/**
 * Calibration of the int8 MiniLM: the largest |activation| per input channel of every dense layer
 * (see `probeName`), over a few built-in texts, from the fp32 graph. The int8 graph uses these ranges
 * to scale down the few outlier channels before quantising (see `smoothing` in minilm-graph.ts).
 *
 * The ranges depend only on the pinned weights and these texts, so they are computed once, by
 * `npx tsx scripts/calibrate-minilm.ts`, and stored in minilm-calibration.ts; a test recomputes them
 * and compares. (Calibrating at run time cost every embedder thread about a second and ~90 MB of
 * resident memory that the allocator kept after the fp32 session was released.)
 */
import { MINILM_MAX_TOKENS } from "./minilm-assets.js";
import { buildMiniLmGraph, PROBE_KINDS, probeName } from "./minilm-graph.js";
import { batchFeeds, defaultThreads, type Ort, sessionOptions } from "./ort.js";
import type { TextTokenizer } from "./tokenizer.js";

/**
 * Texts the int8 variant is calibrated on: short and long, prose, queries, code and numbers.
 * Only the per-channel maxima matter, and those are dominated by a few fixed outlier channels.
 */
export const CALIBRATION_TEXTS = [
  "hello",
  "How do I reset my password?",
  "covid-19 vaccine efficacy in older adults",
  "ERROR 503: upstream service unavailable (retry in 30s)",
  "SELECT id, name FROM users WHERE created_at > '2024-01-01' ORDER BY name;",
  "Photosynthesis converts light energy into chemical energy stored in glucose.",
  "The quarterly report shows revenue grew by 12 percent compared with last year, driven by strong demand in Europe and Asia, while operating costs stayed flat.",
  "Die Katze sitzt auf der Matte. Le chat est assis sur le tapis. 猫はマットの上に座っている。",
  "Once upon a time, in a small village by the sea, there lived an old fisherman who told stories to anyone who would listen. ".repeat(
    5,
  ),
  "Mitochondrial dysfunction has been implicated in neurodegenerative disease. In this study we measured oxygen consumption, membrane potential and reactive oxygen species in fibroblasts from 42 patients and 38 controls, and found a 23% reduction (p < 0.01) in complex I activity that correlated with disease duration. ".repeat(
    2,
  ),
];

export async function calibrateMiniLm(
  ort: Ort,
  weights: Uint8Array,
  config: string,
  tok: TextTokenizer,
): Promise<Map<string, Float32Array>> {
  const session = await ort.InferenceSession.create(
    buildMiniLmGraph(weights, config, { probes: true }),
    sessionOptions(defaultThreads()),
  );
  try {
    const ranges = new Map<string, Float32Array>();
    for (const text of CALIBRATION_TEXTS) {
      const batch = tok.batch([tok.encode(text, MINILM_MAX_TOKENS)]);
      const out = await session.run(batchFeeds(ort, session, batch));
      for (let layer = 0; ; layer++) {
        if (!out[probeName(layer, "qkv")]) break;
        for (const kind of PROBE_KINDS) {
          const name = probeName(layer, kind);
          const value = out[name];
          if (!value) continue;
          const data = value.data as Float32Array;
          const dim = value.dims[value.dims.length - 1] as number;
          const r = ranges.get(name) ?? new Float32Array(dim);
          ranges.set(name, r);
          for (let i = 0; i < data.length; i++) {
            const a = Math.abs(data[i] as number);
            if (a > (r[i % dim] as number)) r[i % dim] = a;
          }
        }
      }
    }
    return ranges;
  } finally {
    await session.release();
  }
}
