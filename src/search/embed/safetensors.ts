/** Reading tensors out of a `.safetensors` file (header JSON + raw little-endian data). */

export interface SafeTensorInfo {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

export class SafeTensors {
  readonly #bytes: Uint8Array;
  readonly #dataStart: number;
  readonly tensors: ReadonlyMap<string, SafeTensorInfo>;

  constructor(bytes: Uint8Array) {
    if (bytes.length < 8) throw new Error("safetensors: file too short");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = Number(view.getBigUint64(0, true));
    if (8 + headerLength > bytes.length) throw new Error("safetensors: header length past end of file");
    const header: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    if (typeof header !== "object" || header === null)
      throw new Error("safetensors: header is not an object");
    const tensors = new Map<string, SafeTensorInfo>();
    for (const [name, value] of Object.entries(header)) {
      if (name === "__metadata__") continue;
      const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      if (
        typeof v.dtype !== "string" ||
        !Array.isArray(v.shape) ||
        !Array.isArray(v.data_offsets) ||
        v.data_offsets.length !== 2
      ) {
        throw new Error(`safetensors: malformed entry ${name}`);
      }
      const [begin, end] = v.data_offsets as [number, number];
      tensors.set(name, { dtype: v.dtype, shape: v.shape as number[], begin, end });
    }
    this.#bytes = bytes;
    this.#dataStart = 8 + headerLength;
    this.tensors = tensors;
  }

  #info(name: string, expectShape?: readonly number[]): SafeTensorInfo {
    const info = this.tensors.get(name);
    if (!info) throw new Error(`safetensors: missing tensor ${name}`);
    if (expectShape && info.shape.join("x") !== expectShape.join("x")) {
      throw new Error(`safetensors: ${name} has shape [${info.shape}], expected [${expectShape}]`);
    }
    return info;
  }

  /** The stored bytes of tensor `name` (little-endian, its own dtype), without a copy. */
  raw(name: string, expectShape?: readonly number[]): { dtype: string; bytes: Uint8Array } {
    const info = this.#info(name, expectShape);
    const start = this.#dataStart + info.begin;
    return { dtype: info.dtype, bytes: this.#bytes.subarray(start, this.#dataStart + info.end) };
  }

  /** The tensor `name` as fp32 (F16 and BF16 are widened exactly), with its shape. */
  float32(name: string, expectShape?: readonly number[]): { data: Float32Array; shape: readonly number[] } {
    const info = this.#info(name, expectShape);
    const count = info.shape.reduce((a, b) => a * b, 1);
    const start = this.#dataStart + info.begin;
    const view = new DataView(this.#bytes.buffer, this.#bytes.byteOffset + start, info.end - info.begin);
    const out = new Float32Array(count);
    switch (info.dtype) {
      case "F32":
        for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
        break;
      case "F16":
        for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
        break;
      case "BF16": {
        const u32 = new Uint32Array(out.buffer);
        for (let i = 0; i < count; i++) u32[i] = view.getUint16(i * 2, true) << 16;
        break;
      }
      default:
        throw new Error(`safetensors: ${name} has unsupported dtype ${info.dtype}`);
    }
    return { data: out, shape: info.shape };
  }
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE 754 binary16 → number (exact). */
export function halfToFloat(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) {
    if (mant === 0) {
      u32Scratch[0] = sign;
      return f32Scratch[0] as number;
    }
    const v = mant * 2 ** -24; // subnormal
    return sign ? -v : v;
  }
  if (exp === 0x1f) {
    u32Scratch[0] = sign | 0x7f800000 | (mant << 13);
    return f32Scratch[0] as number;
  }
  u32Scratch[0] = sign | ((exp + 112) << 23) | (mant << 13);
  return f32Scratch[0] as number;
}
