/**
 * @module A minimal, read-only reader of OLE2 compound files (CFB, [MS-CFB]),
 * the container of HWP 5 documents (and of legacy .doc/.xls/.ppt files).
 *
 * Why it is written here: no CFB library is a dependency of the project
 * (SheetJS `cfb` is not installed), and what a text extractor needs is small —
 * the header, the FAT (with its DIFAT extension), the directory tree, the
 * MiniFAT and the mini stream. Writing (and the in-memory tree editing a
 * library offers) is not needed; the tests build their compound files with
 * their own writer (`test/helpers/hwp-fixtures.ts`).
 *
 * Hostile input is the normal case for an upload, so every structure is
 * bounds-checked before it is trusted:
 * - sector numbers must lie inside the file (a final sector may be short: some
 *   writers do not pad it); a chain is followed only as far as the stream's
 *   size needs, never longer than the number of sectors, and a sector seen
 *   twice in one chain is an error, so a FAT cycle cannot loop or repeat data;
 * - the directory tree is walked with an explicit stack and a visited set (a
 *   sibling/child cycle cannot recurse or repeat), entry names are capped at
 *   the 31 characters the format allows;
 * - a stream cannot be larger than the file (CFB does not compress), so reading
 *   one is bounded by the upload's size.
 *
 * Anything inconsistent throws `CfbError`; callers turn it into the
 * document-level error with their own wording. Version 3 (512-byte sectors)
 * and version 4 (4096-byte sectors) files are read; the high 32 bits of a
 * version 3 stream size are ignored, as [MS-CFB] 2.6.3 tells readers to.
 */

/** A compound file that cannot be read (not a CFB, damaged, truncated). */
export class CfbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CfbError";
  }
}

/** One storage or stream of the directory tree. */
export interface CfbEntry {
  readonly name: string;
  /** Names from the root, joined by "/" (`BodyText/Section0`); "" for the root. */
  readonly path: string;
  readonly kind: "root" | "storage" | "stream";
  /** Stream size in bytes (0 for storages; the mini stream's size for the root). */
  readonly size: number;
  /** Storages: the entries inside, in directory (name) order. */
  readonly children: readonly CfbEntry[];
}

/** An opened compound file. */
export interface CfbFile {
  readonly root: CfbEntry;
  /** The entry at a path (case-insensitive, like CFB names), undefined when absent. */
  entry(path: string): CfbEntry | undefined;
  /** A stream's bytes, undefined when the path is absent or not a stream. @throws CfbError */
  read(path: string | CfbEntry): Uint8Array | undefined;
}

const SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] as const;
const MAX_REGULAR_SECTOR = 0xfffffffa;
const END_OF_CHAIN = 0xfffffffe;
const FREE_SECTOR = 0xffffffff;
const NO_STREAM = 0xffffffff;
const HEADER_DIFAT_ENTRIES = 109;
const DIRECTORY_ENTRY_BYTES = 128;
/** Storages inside storages: real files nest a few levels; the cap keeps the recursion shallow. */
const MAX_DEPTH = 64;

const TYPE_STORAGE = 1;
const TYPE_STREAM = 2;
const TYPE_ROOT = 5;

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

function u32(bytes: Uint8Array, at: number): number {
  return (u16(bytes, at) + u16(bytes, at + 2) * 0x10000) >>> 0;
}

/**
 * True when the bytes start with the compound-file signature.
 *
 * @example isCfb(hwpBytes) === true; isCfb(pdfBytes) === false
 */
export function isCfb(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && SIGNATURE.every((b, i) => bytes[i] === b);
}

interface RawEntry {
  readonly name: string;
  readonly type: number;
  readonly left: number;
  readonly right: number;
  readonly child: number;
  readonly start: number;
  readonly size: number;
}

class CompoundFile implements CfbFile {
  readonly root: CfbEntry;
  private readonly sectorSize: number;
  private readonly sectorCount: number;
  private readonly miniSectorSize: number;
  private readonly miniCutoff: number;
  private readonly fat: Uint32Array;
  private readonly raw = new Map<CfbEntry, RawEntry>();
  private readonly byPath = new Map<string, CfbEntry>();
  private miniFat: Uint32Array | undefined;
  private miniStream: Uint8Array | undefined;
  private readonly miniFatStart: number;
  private readonly miniFatSectors: number;

  constructor(private readonly bytes: Uint8Array) {
    if (!isCfb(bytes) || bytes.length < 512) throw new CfbError("not a compound file");
    if (u16(bytes, 28) !== 0xfffe) throw new CfbError("bad byte-order mark");
    const major = u16(bytes, 26);
    const shift = u16(bytes, 30);
    if (!((major === 3 && shift === 9) || (major === 4 && shift === 12))) {
      throw new CfbError(`unsupported version ${major} with sector shift ${shift}`);
    }
    const miniShift = u16(bytes, 32);
    if (miniShift !== 6) throw new CfbError(`unsupported mini sector shift ${miniShift}`);
    this.sectorSize = 1 << shift;
    this.miniSectorSize = 1 << miniShift;
    // Sector n starts at (n + 1) × sectorSize; a short final sector still counts.
    this.sectorCount = Math.max(0, Math.ceil((bytes.length - this.sectorSize) / this.sectorSize));
    this.miniCutoff = u32(bytes, 56);
    this.miniFatStart = u32(bytes, 60);
    this.miniFatSectors = u32(bytes, 64);
    this.fat = this.readFat();
    const entries = this.readDirectory(u32(bytes, 48));
    this.root = this.buildTree(entries, major === 3);
  }

  entry(path: string): CfbEntry | undefined {
    return this.byPath.get(normalize(path));
  }

  read(path: string | CfbEntry): Uint8Array | undefined {
    const entry = typeof path === "string" ? this.entry(path) : path;
    if (entry?.kind !== "stream") return undefined;
    const raw = this.raw.get(entry);
    if (!raw) return undefined;
    if (raw.size === 0) return new Uint8Array(0);
    if (raw.size < this.miniCutoff) return this.readMini(raw.start, raw.size, entry.path);
    return this.readRegular(raw.start, raw.size, entry.path);
  }

  // ---- sectors -------------------------------------------------------------

  /** The bytes of one sector (shorter when it is the file's short final sector). */
  private sector(id: number): Uint8Array {
    if (id > MAX_REGULAR_SECTOR || id >= this.sectorCount) {
      throw new CfbError(`sector ${id} is outside the file`);
    }
    const start = (id + 1) * this.sectorSize;
    return this.bytes.subarray(start, Math.min(this.bytes.length, start + this.sectorSize));
  }

  /** The FAT: its sector numbers come from the header's DIFAT and the DIFAT sector chain. */
  private readFat(): Uint32Array {
    const count = u32(this.bytes, 44);
    if (count > this.sectorCount) throw new CfbError(`${count} FAT sectors in a file of ${this.sectorCount}`);
    const ids: number[] = [];
    for (let i = 0; i < HEADER_DIFAT_ENTRIES && ids.length < count; i++)
      ids.push(u32(this.bytes, 76 + i * 4));
    const perDifat = this.sectorSize / 4 - 1;
    let next = u32(this.bytes, 68);
    for (let hops = 0; ids.length < count; hops++) {
      if (next === END_OF_CHAIN || next === FREE_SECTOR) throw new CfbError("the DIFAT chain ends early");
      if (hops > this.sectorCount) throw new CfbError("the DIFAT chain loops");
      const difat = this.sector(next);
      for (let i = 0; i < perDifat && ids.length < count; i++) ids.push(u32(difat, i * 4));
      next = u32(difat, perDifat * 4);
    }
    const perSector = this.sectorSize / 4;
    const fat = new Uint32Array(count * perSector).fill(FREE_SECTOR);
    ids.forEach((id, n) => {
      const data = this.sector(id);
      for (let i = 0; i < perSector && i * 4 + 4 <= data.length; i++)
        fat[n * perSector + i] = u32(data, i * 4);
    });
    return fat;
  }

  /** Follow a chain in `table`, at most `max` links; ENDOFCHAIN may come earlier. */
  private chain(table: Uint32Array, start: number, max: number, what: string): number[] {
    const out: number[] = [];
    const seen = new Set<number>();
    for (let id = start; id !== END_OF_CHAIN && out.length < max; ) {
      if (id > MAX_REGULAR_SECTOR || id >= table.length) throw new CfbError(`broken sector chain in ${what}`);
      if (seen.has(id)) throw new CfbError(`the sector chain of ${what} loops`);
      seen.add(id);
      out.push(id);
      id = table[id] ?? END_OF_CHAIN;
    }
    return out;
  }

  private readRegular(start: number, size: number, what: string): Uint8Array {
    if (size > this.bytes.length) throw new CfbError(`${what} is larger than the file`);
    const needed = Math.ceil(size / this.sectorSize);
    const ids = this.chain(this.fat, start, needed, what);
    if (ids.length < needed) throw new CfbError(`${what} is shorter than its declared size`);
    const out = new Uint8Array(size);
    ids.forEach((id, n) => {
      const at = n * this.sectorSize;
      const want = Math.min(this.sectorSize, size - at);
      const data = this.sector(id);
      if (data.length < want) throw new CfbError(`${what} is truncated`);
      out.set(data.subarray(0, want), at);
    });
    return out;
  }

  private readMini(start: number, size: number, what: string): Uint8Array {
    if (!this.miniFat || !this.miniStream) {
      const root = this.raw.get(this.root);
      this.miniStream =
        root && root.size > 0
          ? this.readRegular(root.start, root.size, "the mini stream")
          : new Uint8Array(0);
      const sectors = this.chain(this.fat, this.miniFatStart, this.miniFatSectors, "the MiniFAT");
      const perSector = this.sectorSize / 4;
      this.miniFat = new Uint32Array(sectors.length * perSector).fill(FREE_SECTOR);
      sectors.forEach((id, n) => {
        const data = this.sector(id);
        for (let i = 0; i < perSector && i * 4 + 4 <= data.length; i++) {
          (this.miniFat as Uint32Array)[n * perSector + i] = u32(data, i * 4);
        }
      });
    }
    const needed = Math.ceil(size / this.miniSectorSize);
    const ids = this.chain(this.miniFat, start, needed, what);
    if (ids.length < needed) throw new CfbError(`${what} is shorter than its declared size`);
    const out = new Uint8Array(size);
    ids.forEach((id, n) => {
      const from = id * this.miniSectorSize;
      const at = n * this.miniSectorSize;
      const want = Math.min(this.miniSectorSize, size - at);
      if (from + want > (this.miniStream as Uint8Array).length) throw new CfbError(`${what} is truncated`);
      out.set((this.miniStream as Uint8Array).subarray(from, from + want), at);
    });
    return out;
  }

  // ---- directory -----------------------------------------------------------

  private readDirectory(start: number): Uint8Array[] {
    const ids = this.chain(this.fat, start, this.sectorCount, "the directory");
    if (ids.length === 0) throw new CfbError("no directory");
    const entries: Uint8Array[] = [];
    for (const id of ids) {
      const data = this.sector(id);
      for (let at = 0; at + DIRECTORY_ENTRY_BYTES <= data.length; at += DIRECTORY_ENTRY_BYTES) {
        entries.push(data.subarray(at, at + DIRECTORY_ENTRY_BYTES));
      }
    }
    return entries;
  }

  private rawEntry(data: Uint8Array, version3: boolean): RawEntry {
    const nameBytes = Math.min(64, u16(data, 64));
    const chars: number[] = [];
    for (let i = 0; i + 1 < nameBytes; i += 2) {
      const c = u16(data, i);
      if (c === 0) break;
      chars.push(c);
    }
    const low = u32(data, 120);
    const high = u32(data, 124);
    return {
      name: String.fromCharCode(...chars),
      type: data[66] ?? 0,
      left: u32(data, 68),
      right: u32(data, 72),
      child: u32(data, 76),
      start: u32(data, 116),
      size: version3 ? low : low + high * 0x100000000,
    };
  }

  private buildTree(entries: readonly Uint8Array[], version3: boolean): CfbEntry {
    const parsed = entries.map((data) => this.rawEntry(data, version3));
    const rootRaw = parsed[0];
    if (rootRaw?.type !== TYPE_ROOT) throw new CfbError("the first directory entry is not the root");
    const visited = new Set<number>([0]);
    const build = (raw: RawEntry, path: string, depth: number): CfbEntry => {
      if (depth > MAX_DEPTH) throw new CfbError("storages are nested too deeply");
      const children: CfbEntry[] = [];
      const entry: CfbEntry = {
        name: raw.name,
        path,
        kind: raw.type === TYPE_ROOT ? "root" : raw.type === TYPE_STORAGE ? "storage" : "stream",
        size: raw.type === TYPE_STORAGE ? 0 : raw.size,
        children,
      };
      this.raw.set(entry, raw);
      this.byPath.set(normalize(path), entry);
      if (raw.type === TYPE_STREAM) return entry;
      // The children form a red-black tree through left/right siblings: walk it in order.
      const stack: number[] = [];
      let id = raw.child;
      while (stack.length > 0 || id !== NO_STREAM) {
        while (id !== NO_STREAM) {
          if (visited.has(id) || id >= parsed.length) {
            id = NO_STREAM;
            break;
          }
          visited.add(id);
          stack.push(id);
          id = parsed[id]?.left ?? NO_STREAM;
        }
        const current = stack.pop();
        if (current === undefined) break;
        const child = parsed[current] as RawEntry;
        if (child.type === TYPE_STORAGE || child.type === TYPE_STREAM) {
          children.push(build(child, path ? `${path}/${child.name}` : child.name, depth + 1));
        }
        id = child.right;
      }
      return entry;
    };
    return build(rootRaw, "", 0);
  }
}

function normalize(path: string): string {
  return path.replace(/^\/+|\/+$/g, "").toLowerCase();
}

/**
 * Open a compound file: header, FAT and directory are read and checked; streams
 * are read on demand.
 *
 * @throws CfbError when the bytes are not a readable compound file
 * @example
 *   const cfb = openCfb(bytes);
 *   const header = cfb.read("FileHeader");
 *   const sections = cfb.entry("BodyText")?.children ?? [];
 */
export function openCfb(bytes: Uint8Array): CfbFile {
  return new CompoundFile(bytes);
}
