/** What `openground ingest` uploads: file and URL arguments, directory walks, multipart batches (§4.2). */
import fs from "node:fs/promises";
import path from "node:path";
import { ClientError } from "./http.js";
import type { LocalMetadata } from "./types.js";

/** Supported file extensions → the GroundX DocumentType sent as `fileType` (CONTRACT.md §3). */
export const FILE_TYPES: Readonly<Record<string, string>> = {
  txt: "txt",
  md: "txt",
  htm: "txt",
  html: "txt",
  json: "json",
  csv: "csv",
  tsv: "tsv",
  pdf: "pdf",
  docx: "docx",
  pptx: "pptx",
  xlsx: "xlsx",
  png: "png",
  jpg: "jpg",
  jpeg: "jpg",
  gif: "gif",
  bmp: "bmp",
  tif: "tiff",
  tiff: "tiff",
  webp: "webp",
  heic: "heif",
  heif: "heif",
  ico: "ico",
  svg: "svg",
};

const MIME_TYPES: Readonly<Record<string, string>> = {
  txt: "text/plain",
  md: "text/markdown",
  htm: "text/html",
  html: "text/html",
  json: "application/json",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  bmp: "image/bmp",
  tif: "image/tiff",
  tiff: "image/tiff",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  ico: "image/x-icon",
  svg: "image/svg+xml",
};

const extensionOf = (fileName: string): string => path.extname(fileName).slice(1).toLowerCase();

/** The DocumentType of a file name, or undefined when its extension is not supported. */
export function fileTypeOf(fileName: string): string | undefined {
  return FILE_TYPES[extensionOf(fileName)];
}

export function mimeTypeOf(fileName: string): string {
  return MIME_TYPES[extensionOf(fileName)] ?? "application/octet-stream";
}

export const isUrl = (arg: string): boolean => /^https?:\/\//i.test(arg);

export interface LocalFile {
  /** Absolute path. */
  readonly path: string;
  /** The name sent to the server (the base name). */
  readonly fileName: string;
  readonly fileType: string;
  readonly size: number;
}

export interface Inputs {
  readonly files: LocalFile[];
  readonly urls: string[];
  /** Files met while walking directories whose type is not supported (not uploaded). */
  readonly skipped: string[];
}

const supportedList = (): string => Object.keys(FILE_TYPES).join(" ");

/**
 * Sort the arguments into URLs and files. Directories are walked recursively (hidden entries
 * skipped, unsupported types skipped and reported); a file named explicitly must exist and have a
 * supported extension. The same file is only taken once.
 */
export async function collectInputs(args: readonly string[]): Promise<Inputs> {
  const files: LocalFile[] = [];
  const urls: string[] = [];
  const skipped: string[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();

  const addFile = (absolute: string, size: number): void => {
    if (seenFiles.has(absolute)) return;
    const fileType = fileTypeOf(absolute);
    if (!fileType) return;
    seenFiles.add(absolute);
    files.push({ path: absolute, fileName: path.basename(absolute), fileType, size });
  };

  const walk = async (dir: string): Promise<void> => {
    const real = await fs.realpath(dir);
    if (seenDirs.has(real)) return; // a symbolic link loop, or a directory given twice
    seenDirs.add(real);
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      let stats: Awaited<ReturnType<typeof fs.stat>>;
      try {
        stats = entry.isSymbolicLink() ? await fs.stat(full) : await fs.lstat(full);
      } catch {
        continue; // a dangling link
      }
      if (stats.isDirectory()) await walk(full);
      else if (stats.isFile()) {
        if (fileTypeOf(full)) addFile(full, stats.size);
        else skipped.push(full);
      }
    }
  };

  for (const arg of args) {
    if (isUrl(arg)) {
      let url: URL;
      try {
        url = new URL(arg);
      } catch {
        throw new ClientError(`${arg}: not a valid URL`);
      }
      urls.push(url.toString());
      continue;
    }
    const absolute = path.resolve(arg);
    let stats: Awaited<ReturnType<typeof fs.stat>>;
    try {
      stats = await fs.stat(absolute);
    } catch {
      throw new ClientError(`${arg}: no such file or directory`);
    }
    if (stats.isDirectory()) await walk(absolute);
    else if (stats.isFile()) {
      if (!fileTypeOf(absolute)) {
        const ext = extensionOf(absolute);
        throw new ClientError(
          `${arg}: unsupported file type${ext ? ` .${ext}` : ""} (supported: ${supportedList()})`,
        );
      }
      addFile(absolute, stats.size);
    } else throw new ClientError(`${arg}: not a regular file or directory`);
  }
  return { files, urls, skipped };
}

/**
 * Split items into batches of at most `maxCount` items and `maxBytes` bytes; an item larger than
 * `maxBytes` on its own travels alone.
 */
export function batchBySize<T extends { readonly size: number }>(
  items: readonly T[],
  maxCount: number,
  maxBytes: number,
): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length >= maxCount || bytes + item.size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** The multipart body of one local ingest: a `blob` file part and a `metadata` JSON part per file. */
export async function multipartBody(
  files: readonly LocalFile[],
  bucketId: number,
  processLevel: "full" | "none" | undefined,
): Promise<FormData> {
  const form = new FormData();
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file.path);
    } catch (error) {
      throw new ClientError(`${file.path}: cannot read (${error instanceof Error ? error.message : error})`);
    }
    const metadata: LocalMetadata = {
      bucketId,
      fileName: file.fileName,
      fileType: file.fileType,
      ...(processLevel ? { processLevel } : {}),
    };
    form.append(
      "blob",
      new Blob([new Uint8Array(bytes)], { type: mimeTypeOf(file.fileName) }),
      file.fileName,
    );
    // As the official TS helper sends it: a JSON file part named data.json.
    form.append("metadata", new Blob([JSON.stringify(metadata)], { type: "application/json" }), "data.json");
  }
  return form;
}
