import { describe, expect, it, vi } from "vitest";

// Simulate a machine where onnxruntime-node is unusable (e.g. its native binary is missing).
vi.mock("onnxruntime-node", () => ({ default: {} }));

const { createEmbedder } = await import("./index.js");

describe("minilm-onnx fallback", () => {
  it("falls back to the WASM engine and says why", async () => {
    const warn = vi.fn();
    const e = await createEmbedder({ provider: "minilm-onnx" }, { log: { warn } });
    expect(e.id).toBe("all-MiniLM-L6-v2:wasm-fp32");
    expect(warn).toHaveBeenCalledTimes(1);
    const [obj, msg] = warn.mock.calls[0] as [{ err: string }, string];
    expect(msg).toMatch(/falling back to the WASM engine/);
    expect(obj.err).toMatch(/onnxruntime-node loaded without InferenceSession/);
    const [v] = await e.embed(["hello"], "query");
    expect(v).toHaveLength(384);
    await e.close();
  });

  it("does not fall back when told not to, nor on bad options", async () => {
    await expect(createEmbedder({ provider: "minilm-onnx", fallback: false })).rejects.toThrow(
      /without InferenceSession/,
    );
    await expect(
      createEmbedder({ provider: "minilm-onnx", threads: 0 }, { log: { warn: vi.fn() } }),
    ).rejects.toThrow(RangeError);
  });
});
