/**
 * Worker thread of {@link VectorThread}: KNN queries on a read-only connection
 * of its own to the database file.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { nearestOn, vectorTables } from "./vector-index.js";
import type { VectorReply, VectorRequest, VectorWorkerData } from "./vector-thread.js";

const { file, model } = workerData as VectorWorkerData;
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma("busy_timeout = 5000");
db.pragma("mmap_size = 1073741824");
const tables = vectorTables(model);

parentPort?.on("message", (request: VectorRequest) => {
  let reply: VectorReply;
  try {
    const hits = nearestOn(db, tables, model.dimensions, request.vector, request.bucketIds, request.k);
    reply = { id: request.id, hits };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
