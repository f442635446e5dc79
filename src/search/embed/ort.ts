/**
 * onnxruntime-node, loaded lazily so that a missing or broken native binary surfaces as an
 * error the caller can handle (and fall back from) instead of a failed import of this module.
 */
import { availableParallelism } from "node:os";
import type { InferenceSession } from "onnxruntime-node";
import type { Batch } from "./tokenizer.js";

export type Ort = typeof import("onnxruntime-node");

let loading: Promise<Ort> | undefined;

/** Import onnxruntime-node once per thread; rejects with the reason it cannot load. */
export function loadOrt(): Promise<Ort> {
  loading ??= import("onnxruntime-node").then((m) => {
    // The CommonJS module arrives as named exports or on `default`, depending on the loader.
    const ort = ("InferenceSession" in m ? m : (m as { default: Ort }).default) as Ort;
    if (typeof ort?.InferenceSession?.create !== "function") {
      throw new Error("onnxruntime-node loaded without InferenceSession");
    }
    return ort;
  });
  return loading;
}

/** Default intra-op threads: the machine's cores, at most 4 (MiniLM gains little past that). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export function sessionOptions(threads: number): InferenceSession.SessionOptions {
  return {
    executionProviders: ["cpu"],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    logSeverityLevel: 3,
  };
}

/** Feed a padded batch to a session, supplying only the inputs the model declares. */
export function batchFeeds(
  ort: Ort,
  session: InferenceSession,
  batch: Batch,
): Record<string, InstanceType<Ort["Tensor"]>> {
  const dims = [batch.size, batch.seq];
  const feeds: Record<string, InstanceType<Ort["Tensor"]>> = {};
  const typeOf = (name: string) => {
    const meta = session.inputMetadata.find((m) => m.name === name);
    return meta?.isTensor ? meta.type : "int64";
  };
  const tensor = (name: string, data: BigInt64Array) =>
    typeOf(name) === "int32"
      ? new ort.Tensor(
          "int32",
          Int32Array.from(data, (v) => Number(v)),
          dims,
        )
      : new ort.Tensor("int64", data, dims);
  for (const name of session.inputNames) {
    if (name === "input_ids") feeds[name] = tensor(name, batch.inputIds);
    else if (name === "attention_mask") feeds[name] = tensor(name, batch.attentionMask);
    else if (name === "token_type_ids") feeds[name] = tensor(name, batch.tokenTypeIds);
    else throw new Error(`model input ${name} is not one of input_ids, attention_mask, token_type_ids`);
  }
  return feeds;
}
