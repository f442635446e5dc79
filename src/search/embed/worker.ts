/**
 * Embedder thread: builds the embedder its `workerData.spec` describes and answers embed
 * requests with Float32Arrays whose buffers are transferred, not copied. Failures are replies.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createEmbedder } from "./index.js";
import type { EmbedReply, EmbedRequest, EmbedWorkerData } from "./protocol.js";
import { type Embedder, EmbedError } from "./types.js";

const port = parentPort;
if (!port) throw new Error("the embedder worker must run in a worker thread");
const { spec } = workerData as EmbedWorkerData;
const send = (reply: EmbedReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
const codeOf = (error: unknown) => (error instanceof EmbedError ? error.code : "EMBED_FAILED");
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

let embedder: Embedder | undefined;
try {
  embedder = await createEmbedder(spec, { log: { warn: (obj, msg) => send({ type: "log", obj, msg }) } });
  send({ type: "ready", embedderId: embedder.id, dimensions: embedder.dimensions });
} catch (error) {
  send({ type: "init-error", code: codeOf(error), message: messageOf(error) });
}

port.on("message", async (request: EmbedRequest) => {
  if (request.type === "close") {
    await embedder?.close().catch(() => undefined);
    send({ type: "closed" });
    port.close();
    return;
  }
  if (!embedder) {
    send({
      type: "error",
      id: request.id,
      code: "EMBED_UNAVAILABLE",
      message: "the embedder failed to start",
    });
    return;
  }
  try {
    const vectors = await embedder.embed(request.texts, request.kind);
    // Each vector must own its whole buffer to be transferred (once).
    const seen = new Set<ArrayBufferLike>();
    const owned = vectors.map((v) => {
      const whole = v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && !seen.has(v.buffer);
      const mine = whole && v.buffer instanceof ArrayBuffer ? v : v.slice();
      seen.add(mine.buffer);
      return mine;
    });
    send(
      { type: "result", id: request.id, vectors: owned },
      owned.map((v) => v.buffer as ArrayBuffer),
    );
  } catch (error) {
    send({ type: "error", id: request.id, code: codeOf(error), message: messageOf(error) });
  }
});
