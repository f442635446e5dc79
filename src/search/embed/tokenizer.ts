import { readFile } from "node:fs/promises";
import { Tokenizer } from "@huggingface/tokenizers";

/** One tokenised text: ids with the model's special tokens, never longer than `maxTokens`. */
export interface Encoded {
  readonly ids: readonly number[];
  /** True when the text was cut to fit. */
  readonly truncated: boolean;
}

/** A padded batch ready for a BERT-style encoder. */
export interface Batch {
  readonly size: number;
  readonly seq: number;
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly tokenTypeIds: BigInt64Array;
}

/**
 * Wraps a HF `tokenizer.json` (via @huggingface/tokenizers) and truncates like HF does: the
 * text's own tokens are cut so that the special tokens still fit, so the final [SEP] is kept.
 * The file's own truncation/padding settings are ignored.
 */
export class TextTokenizer {
  readonly #tokenizer: Tokenizer;
  readonly #prefix: readonly number[];
  readonly #suffix: readonly number[];
  readonly padId: number;

  constructor(tokenizerJson: unknown) {
    if (typeof tokenizerJson !== "object" || tokenizerJson === null)
      throw new Error("tokenizer.json is not an object");
    this.#tokenizer = new Tokenizer(tokenizerJson, {});
    // Learn which special tokens the post-processor puts around a single text.
    const probe = "hello";
    const bare = this.#tokenizer.encode(probe, { add_special_tokens: false }).ids;
    const full = this.#tokenizer.encode(probe).ids;
    const at = indexOfRun(full, bare);
    if (bare.length === 0 || at < 0)
      throw new Error("tokenizer.json: cannot locate the text between its special tokens");
    this.#prefix = full.slice(0, at);
    this.#suffix = full.slice(at + bare.length);
    const padding = (tokenizerJson as { padding?: { pad_id?: unknown } | null }).padding;
    this.padId = typeof padding?.pad_id === "number" ? padding.pad_id : 0;
  }

  static async fromFile(path: string): Promise<TextTokenizer> {
    return new TextTokenizer(JSON.parse(await readFile(path, "utf8")));
  }

  /** Number of special tokens added around every text. */
  get specialTokens(): number {
    return this.#prefix.length + this.#suffix.length;
  }

  encode(text: string, maxTokens: number): Encoded {
    const room = maxTokens - this.specialTokens;
    if (room < 1) throw new Error(`maxTokens ${maxTokens} leaves no room for text`);
    const ids = this.#tokenizer.encode(text, { add_special_tokens: false }).ids;
    const truncated = ids.length > room;
    const body = truncated ? ids.slice(0, room) : ids;
    return { ids: [...this.#prefix, ...body, ...this.#suffix], truncated };
  }

  /** Right-pad encoded texts into one batch (type ids are all 0: single sequences). */
  batch(items: readonly Encoded[]): Batch {
    const size = items.length;
    const seq = Math.max(1, ...items.map((e) => e.ids.length));
    const inputIds = new BigInt64Array(size * seq).fill(BigInt(this.padId));
    const attentionMask = new BigInt64Array(size * seq);
    items.forEach((e, b) => {
      e.ids.forEach((id, i) => {
        inputIds[b * seq + i] = BigInt(id);
        attentionMask[b * seq + i] = 1n;
      });
    });
    return { size, seq, inputIds, attentionMask, tokenTypeIds: new BigInt64Array(size * seq) };
  }
}

function indexOfRun(haystack: readonly number[], needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Group texts into batches of similar length: indices sorted by token count, then cut so that
 * (texts × longest) stays within `tokenBudget` and a batch holds at most `maxBatch` texts.
 * Deterministic for a given input.
 */
export function planBatches(lengths: readonly number[], maxBatch: number, tokenBudget: number): number[][] {
  const order = lengths
    .map((_, i) => i)
    .sort((a, b) => (lengths[a] as number) - (lengths[b] as number) || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  for (const i of order) {
    const longest = lengths[i] as number; // ascending order: the newcomer is the longest
    if (current.length > 0 && (current.length >= maxBatch || (current.length + 1) * longest > tokenBudget)) {
      batches.push(current);
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
