import { randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { type BlobStore, isValidBlobKey } from "../contracts/blob-store.js";

/**
 * {@link BlobStore} on the local file system under one root directory. Writes go
 * to a temporary file in the same directory and are renamed into place, so they
 * are atomic; keys are validated so no path can leave the root.
 */
export class FsBlobStore implements BlobStore {
  readonly #root: string;

  constructor(root: string) {
    this.#root = path.resolve(root);
  }

  #path(key: string): string {
    if (!isValidBlobKey(key)) throw new Error(`invalid blob key: ${JSON.stringify(key)}`);
    const full = path.join(this.#root, ...key.split("/"));
    // Defence in depth: the key check already rules out escaping the root.
    if (!full.startsWith(this.#root + path.sep)) throw new Error(`blob key escapes the store: ${key}`);
    return full;
  }

  async put(key: string, data: Uint8Array | string): Promise<void> {
    const target = this.#path(key);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    try {
      await fsp.writeFile(temp, data);
      await fsp.rename(temp, target);
    } catch (error) {
      await fsp.rm(temp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await fsp.readFile(this.#path(key)));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async open(key: string): Promise<{ stream: Readable; size: number } | undefined> {
    const file = this.#path(key);
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(file, "r");
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    const { size } = await handle.stat();
    return { stream: handle.createReadStream(), size };
  }

  async has(key: string): Promise<boolean> {
    try {
      await fsp.access(this.#path(key), fs.constants.F_OK);
      return true;
    } catch {
      return false;
    }
  }

  async copy(fromKey: string, toKey: string): Promise<boolean> {
    const source = this.#path(fromKey);
    const target = this.#path(toKey);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    try {
      await fsp.copyFile(source, temp);
      await fsp.rename(temp, target);
      return true;
    } catch (error) {
      await fsp.rm(temp, { force: true });
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.#path(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    await fsp.rm(this.#path(prefix), { recursive: true, force: true });
  }
}

function isMissing(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "ENOENT";
}
