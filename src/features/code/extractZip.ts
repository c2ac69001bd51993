import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { formatBytes, MAX_UNZIPPED_BYTES } from '../../workbench/packaging/limits';

/** A zip entry whose name would write outside the target folder, or that cannot be written safely. */
export class UnsafeZipEntryError extends Error {
  constructor(readonly entry: string, reason: string) {
    super(`The zip entry "${entry}" ${reason}; nothing from this zip was written.`);
    this.name = 'UnsafeZipEntryError';
  }
}

export class InvalidZipError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'InvalidZipError';
  }
}

/** Bounds on what a zip may expand to. */
export interface ExtractLimits {
  maxUnzippedBytes: number;
  maxEntries: number;
}

const DEFAULT_LIMITS: ExtractLimits = { maxUnzippedBytes: MAX_UNZIPPED_BYTES, maxEntries: 200_000 };

/**
 * The relative path segments an entry name stands for, or an UnsafeZipEntryError. Backslashes
 * count as separators (zips made on Windows use them); absolute names, drive letters, `..` and
 * NUL characters are refused rather than "fixed", so a crafted zip is noticed.
 */
export function entrySegments(name: string): string[] {
  if (name.includes('\0')) throw new UnsafeZipEntryError(name, 'contains a NUL character');
  const normalised = name.replace(/\\/g, '/');
  if (normalised.startsWith('/') || /^[a-zA-Z]:/.test(normalised)) throw new UnsafeZipEntryError(name, 'is an absolute path');
  const segments = normalised.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new UnsafeZipEntryError(name, 'points outside the folder (..)');
  return segments;
}

/** Where an entry lands under `dest`, checked to stay inside it. */
export function entryTarget(dest: string, name: string): string {
  const root = path.resolve(dest);
  const target = path.resolve(root, ...entrySegments(name));
  if (target !== root && !target.startsWith(root + path.sep)) throw new UnsafeZipEntryError(name, 'points outside the folder');
  return target;
}

/**
 * Unix permission bits by entry name, from the zip's central directory (fflate does not expose
 * them). Entries made on other systems, and Zip64 archives, are simply absent.
 */
export function readEntryModes(zip: Uint8Array): Map<string, number> {
  const modes = new Map<string, number>();
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const EOCD = 0x06054b50;
  const CENTRAL = 0x02014b50;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return modes;
  const count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if (offset === 0xffffffff) return modes;
  for (let n = 0; n < count && offset + 46 <= zip.length; n++) {
    if (view.getUint32(offset, true) !== CENTRAL) break;
    const host = view.getUint8(offset + 5);
    const flags = view.getUint16(offset + 8, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const attrs = view.getUint32(offset + 38, true);
    const name = strFromU8(zip.subarray(offset + 46, offset + 46 + nameLength), !(flags & 0x800));
    if (host === 3) modes.set(name, (attrs >>> 16) & 0o7777);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return modes;
}

export interface ExtractResult {
  /** Relative paths written, with `/`, sorted. */
  files: string[];
  unzippedBytes: number;
}

/**
 * Extracts `zip` into `dest`. Every entry is checked before anything is written; sizes are bounded
 * (declared sizes before inflating, real sizes after). Files replace same-named files; existing
 * symbolic links on the way are not followed out of `dest`. Executable bits are kept.
 */
export async function extractZip(zip: Uint8Array, dest: string, limits: ExtractLimits = DEFAULT_LIMITS): Promise<ExtractResult> {
  const root = path.resolve(dest);
  let declared = 0;
  let entries = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (file) => {
        entryTarget(root, file.name);
        entries++;
        declared += file.originalSize;
        if (entries > limits.maxEntries) throw new InvalidZipError(`The zip holds more than ${limits.maxEntries} entries.`);
        if (declared > limits.maxUnzippedBytes) {
          throw new InvalidZipError(`The zip expands to more than ${formatBytes(limits.maxUnzippedBytes)}, more than a Lambda package may hold.`);
        }
        return true;
      },
    });
  } catch (error) {
    if (error instanceof UnsafeZipEntryError || error instanceof InvalidZipError) throw error;
    throw new InvalidZipError(`The download is not a readable zip: ${(error as Error).message}`, error);
  }
  const actual = Object.values(files).reduce((sum, data) => sum + data.length, 0);
  if (actual > limits.maxUnzippedBytes) {
    throw new InvalidZipError(`The zip expands to more than ${formatBytes(limits.maxUnzippedBytes)}, more than a Lambda package may hold.`);
  }

  const modes = readEntryModes(zip);
  await fs.mkdir(root, { recursive: true });
  const realRoot = await fs.realpath(root);
  const written: string[] = [];
  for (const name of Object.keys(files).sort()) {
    const target = entryTarget(root, name);
    if (name.endsWith('/') || name.endsWith('\\')) {
      await fs.mkdir(target, { recursive: true });
      continue;
    }
    const parent = path.dirname(target);
    await fs.mkdir(parent, { recursive: true });
    const realParent = await fs.realpath(parent);
    if (realParent !== realRoot && !realParent.startsWith(realRoot + path.sep)) {
      throw new UnsafeZipEntryError(name, `would be written through a symbolic link to ${realParent}`);
    }
    // Replace a link (or file) at the target instead of writing through it.
    await fs.rm(target, { force: true });
    const mode = (modes.get(name) ?? 0o644) & 0o111 ? 0o755 : 0o644;
    await fs.writeFile(target, files[name], { mode });
    written.push(entrySegments(name).join('/'));
  }
  return { files: written.sort(), unzippedBytes: actual };
}
