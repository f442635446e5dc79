/**
 * A minimal writer for ONNX `ModelProto` (protobuf wire format), enough to build a
 * graph in memory and hand the bytes to onnxruntime. Only the fields we use are
 * encoded; field numbers follow onnx/onnx.proto (IR version 8).
 */

/** ONNX `TensorProto.DataType` codes. */
export const DataType = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  float16: 10,
} as const;
export type DataTypeName = keyof typeof DataType;

export interface TensorDef {
  readonly name: string;
  readonly dataType: DataTypeName;
  readonly dims: readonly number[];
  /** Little-endian raw bytes (`raw_data`). */
  readonly raw: Uint8Array;
}

export type AttrValue =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly s: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly t: TensorDef };

export interface NodeDef {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly domain?: string;
  readonly attrs?: Readonly<Record<string, AttrValue>>;
}

/** A dimension: a fixed size or a symbolic name such as "batch". */
export type Dim = number | string;

export interface ValueInfoDef {
  readonly name: string;
  readonly dataType: DataTypeName;
  readonly shape: readonly Dim[];
}

export interface ModelDef {
  readonly graphName: string;
  readonly nodes: readonly NodeDef[];
  readonly initializers: readonly TensorDef[];
  readonly inputs: readonly ValueInfoDef[];
  readonly outputs: readonly ValueInfoDef[];
  /** Operator sets, e.g. `{ "": 17, "com.microsoft": 1 }`. */
  readonly opsets: Readonly<Record<string, number>>;
  readonly producer?: string;
}

const IR_VERSION = 8;
const textEncoder = new TextEncoder();

/** Accumulates protobuf fields as byte parts without copying large payloads. */
class Writer {
  readonly parts: Uint8Array[] = [];
  length = 0;

  #push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  #varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.#push(Uint8Array.from(out));
  }

  #tag(field: number, wireType: number): void {
    this.#varint((field << 3) | wireType);
  }

  int(field: number, value: number): void {
    this.#tag(field, 0);
    this.#varint(value);
  }

  float(field: number, value: number): void {
    this.#tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.#push(b);
  }

  bytes(field: number, value: Uint8Array): void {
    this.#tag(field, 2);
    this.#varint(value.length);
    this.#push(value);
  }

  string(field: number, value: string): void {
    this.bytes(field, textEncoder.encode(value));
  }

  message(field: number, sub: Writer): void {
    this.#tag(field, 2);
    this.#varint(sub.length);
    for (const part of sub.parts) this.#push(part);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

function tensorProto(t: TensorDef): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, DataType[t.dataType]);
  w.string(8, t.name);
  w.bytes(9, t.raw);
  return w;
}

// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_TENSOR = 4;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;

function attributeProto(name: string, value: AttrValue): Writer {
  const w = new Writer();
  w.string(1, name);
  if ("i" in value) {
    w.int(3, value.i);
    w.int(20, ATTR_INT);
  } else if ("f" in value) {
    w.float(2, value.f);
    w.int(20, ATTR_FLOAT);
  } else if ("s" in value) {
    w.string(4, value.s);
    w.int(20, ATTR_STRING);
  } else if ("ints" in value) {
    for (const v of value.ints) w.int(8, v);
    w.int(20, ATTR_INTS);
  } else if ("floats" in value) {
    for (const v of value.floats) w.float(7, v);
    w.int(20, ATTR_FLOATS);
  } else {
    w.message(5, tensorProto(value.t));
    w.int(20, ATTR_TENSOR);
  }
  return w;
}

function nodeProto(n: NodeDef): Writer {
  const w = new Writer();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.op);
  for (const [name, value] of Object.entries(n.attrs ?? {})) w.message(5, attributeProto(name, value));
  if (n.domain) w.string(7, n.domain);
  return w;
}

function valueInfoProto(v: ValueInfoDef): Writer {
  const shape = new Writer();
  for (const d of v.shape) {
    const dim = new Writer();
    if (typeof d === "number") dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new Writer();
  tensorType.int(1, DataType[v.dataType]);
  tensorType.message(2, shape);
  const type = new Writer();
  type.message(1, tensorType);
  const w = new Writer();
  w.string(1, v.name);
  w.message(2, type);
  return w;
}

/** Serialise a model to ONNX protobuf bytes. */
export function encodeModel(model: ModelDef): Uint8Array {
  const graph = new Writer();
  for (const n of model.nodes) graph.message(1, nodeProto(n));
  graph.string(2, model.graphName);
  for (const t of model.initializers) graph.message(5, tensorProto(t));
  for (const v of model.inputs) graph.message(11, valueInfoProto(v));
  for (const v of model.outputs) graph.message(12, valueInfoProto(v));

  const w = new Writer();
  w.int(1, IR_VERSION);
  w.string(2, model.producer ?? "openground");
  w.message(7, graph);
  for (const [domain, version] of Object.entries(model.opsets)) {
    const opset = new Writer();
    if (domain) opset.string(1, domain);
    opset.int(2, version);
    w.message(8, opset);
  }
  return w.finish();
}

/** Little-endian bytes of a typed array (a view, no copy). */
export function rawBytes(a: Float32Array | Int32Array | Int8Array | Uint8Array | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
