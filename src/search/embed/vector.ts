/** Small vector helpers shared by the embedders. */

/** Scale `v` in place to unit L2 norm (a zero vector stays zero); returns `v`. */
export function l2normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] as number) * (v[i] as number);
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm;
  return v;
}

/** Dot product (the cosine of two unit vectors). */
export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`vector lengths differ: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** Cosine similarity of any two non-zero vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
}

/**
 * Masked mean over the sequence axis of a row-major [batch, seq, dim] tensor, then L2
 * normalisation: one vector per batch row.
 */
export function meanPool(
  hidden: Float32Array,
  mask: ArrayLike<number | bigint>,
  batch: number,
  seq: number,
  dim: number,
): Float32Array[] {
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(dim);
    let count = 0;
    for (let s = 0; s < seq; s++) {
      if (Number(mask[b * seq + s]) === 0) continue;
      count++;
      const offset = (b * seq + s) * dim;
      for (let d = 0; d < dim; d++) v[d] = (v[d] as number) + (hidden[offset + d] as number);
    }
    if (count > 0) for (let d = 0; d < dim; d++) v[d] = (v[d] as number) / count;
    out.push(l2normalize(v));
  }
  return out;
}
