/**
 * @module Type declarations for the two untyped image decoders, limited to
 * what `./fallback.ts` calls (bmp-js 0.1, heic-decode 2.x).
 */

declare module "bmp-js" {
  interface DecodedBmp {
    /** A, B, G, R bytes per pixel, rows top to bottom. */
    data: Buffer;
    width: number;
    height: number;
  }
  const bmp: { decode(buffer: Buffer): DecodedBmp };
  export default bmp;
}

declare module "heic-decode" {
  interface DecodedHeic {
    /** R, G, B, A bytes per pixel. */
    data: Uint8ClampedArray;
    width: number;
    height: number;
  }
  interface LazyHeicImage {
    width: number;
    height: number;
    decode(): Promise<DecodedHeic>;
  }
  interface HeicDecode {
    (input: { buffer: Uint8Array }): Promise<DecodedHeic>;
    /** Every image of the file, sized but not decoded; `dispose()` frees them. */
    all(input: { buffer: Uint8Array }): Promise<LazyHeicImage[] & { dispose(): void }>;
  }
  const decode: HeicDecode;
  export default decode;
}
