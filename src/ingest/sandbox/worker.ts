/**
 * Parser worker thread: runs parse → chunk → enrich → X-Ray for one document
 * at a time, isolated from the server (its own heap with a cap; the pool
 * terminates it on timeout). Any failure is answered as a reply, never thrown.
 */
import { parentPort } from "node:worker_threads";
import { processDocument } from "../process.js";
import { ParseError } from "../types.js";
import type { SandboxReply, SandboxTask } from "./protocol.js";

const port = parentPort;
if (!port) throw new Error("the parser worker must run in a worker thread");

port.on("message", async (task: SandboxTask) => {
  let reply: SandboxReply;
  try {
    const { bytes, fileName, format, processLevel, limits, chunkIdPrefix } = task;
    const result = await processDocument({ bytes, fileName, format, processLevel, limits, chunkIdPrefix });
    reply = { id: task.id, ok: true, xray: result.xray, tokens: result.tokens };
  } catch (error) {
    reply =
      error instanceof ParseError
        ? { id: task.id, ok: false, code: error.code, message: error.message }
        : {
            id: task.id,
            ok: false,
            code: "PARSE_FAILED",
            message: `the parser failed: ${error instanceof Error ? error.message : String(error)}`,
          };
  }
  port.postMessage(reply);
});
