import { describe, expect, it } from "vitest";
import type { TextItem } from "../layout/types.js";
import { inkRatio, measureTextLayer, textLayerVerdict } from "./text-quality.js";

function items(...texts: string[]): TextItem[] {
  return texts.map((text, i) => ({ text, x0: 0, y0: i * 20, x1: 100, y1: i * 20 + 12, fontSize: 12 }));
}

describe("text layer quality", () => {
  it("accepts a real text layer", () => {
    const q = measureTextLayer(items("A perfectly ordinary sentence of text.", "And another one."));
    expect(q.bad).toBe(0);
    expect(textLayerVerdict(q)).toBe("ok");
  });

  it("flags unmapped glyphs (U+FFFD, private use, controls) as garbage", () => {
    const garbage = "\ufffd\ue001\ue002 \u0003\u0004\ufffd".repeat(10);
    expect(textLayerVerdict(measureTextLayer(items(garbage)))).toBe("garbage");
    const mostlyFine = `${"Readable words in a line. ".repeat(4)}\ue001`;
    expect(textLayerVerdict(measureTextLayer(items(mostlyFine)))).toBe("ok");
  });

  it("flags a page with (almost) no text as missing", () => {
    expect(textLayerVerdict(measureTextLayer([]))).toBe("missing");
    expect(textLayerVerdict(measureTextLayer(items("Page 3")))).toBe("missing");
  });

  it("measures ink on grey and colour images", () => {
    expect(inkRatio({ data: new Uint8Array([0, 255, 255, 255]), width: 4, height: 1, channels: 1 })).toBe(
      0.25,
    );
    const rgba = new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255]);
    expect(inkRatio({ data: rgba, width: 2, height: 1, channels: 4 })).toBe(0.5);
    expect(inkRatio({ data: new Uint8Array(), width: 0, height: 0, channels: 3 })).toBe(0);
  });
});
