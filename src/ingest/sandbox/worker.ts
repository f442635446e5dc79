/**
 * Sandbox worker thread: runs parse → chunk → enrich → X-Ray for one document,
 * or renders one page image, at a time, isolated from the server (its own heap
 * with a cap; the pool terminates it on timeout). Any failure is answered as a
 * reply, never thrown.
 */
import { parentPort } from "node:worker_threads";
import { processDocument } from "../process.js";
import { renderPageJpeg } from "../render/index.js";
import { ParseError } from "../types.js";
import type { SandboxReply, SandboxTask } from "./protocol.js";

const port = parentPort;
if (!port) throw new Error("the sandbox worker must run in a worker thread");

async function handle(task: SandboxTask): Promise<SandboxReply> {
  if (task.kind === "render") {
    const jpeg = await renderPageJpeg({
      bytes: task.bytes,
      format: task.format,
      pageNumber: task.pageNumber,
    });
    return { id: task.id, ok: true, kind: "render", jpeg };
  }
  const { bytes, fileName, format, processLevel, limits, chunkIdPrefix, options } = task;
  const result = await processDocument({
    bytes,
    fileName,
    format,
    processLevel,
    limits,
    chunkIdPrefix,
    ...(options ? { options } : {}),
  });
  return {
    id: task.id,
    ok: true,
    kind: "process",
    xray: result.xray,
    tokens: result.tokens,
    ...(result.pagesPdf ? { pagesPdf: result.pagesPdf } : {}),
  };
}

port.on("message", async (task: SandboxTask) => {
  let reply: SandboxReply;
  try {
    reply = await handle(task);
  } catch (error) {
    const what = task.kind === "render" ? "the page renderer" : "the parser";
    reply =
      error instanceof ParseError
        ? { id: task.id, ok: false, code: error.code, message: error.message }
        : {
            id: task.id,
            ok: false,
            code: "PARSE_FAILED",
            message: `${what} failed: ${error instanceof Error ? error.message : String(error)}`,
          };
  }
  port.postMessage(reply);
});
