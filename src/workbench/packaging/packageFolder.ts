import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { deflateRaw } from 'node:zlib';
import { Zip, ZipPassThrough } from 'fflate';
import { IGNORE_FILE, PackageFilter } from './ignoreRules';
import { checkUnzippedSize, MAX_UNZIPPED_BYTES } from './limits';

/** A file that goes into the package. */
export interface PackageEntry {
  /** Path inside the zip, with `/`. */
  rel: string;
  abs: string;
  size: number;
  /** 0o755 for executables, else 0o644: permissions are normalised so the zip is reproducible. */
  mode: number;
  mtimeMs: number;
}

export interface FolderListing {
  folder: string;
  /** Sorted by `rel`. */
  entries: PackageEntry[];
  unzippedBytes: number;
  /** Changes whenever a packaged file's name, size, mode or modification time does, or the ignore rules. */
  fingerprint: string;
}

export interface FolderPackage extends FolderListing {
  zip: Uint8Array;
  zippedBytes: number;
  /** Base64 SHA-256 of the zip, as Lambda reports CodeSha256. */
  sha256: string;
}

/** The folder (or a file in it) could not be read; nothing was sent. */
export class FolderUnreadableError extends Error {
  constructor(
    readonly folder: string,
    readonly detail: string,
    override readonly cause?: unknown,
  ) {
    super(`Cannot read ${folder}: ${detail}`);
    this.name = 'FolderUnreadableError';
  }
}

/** Zip timestamps are DOS dates (1980 or later); one fixed value keeps the bytes reproducible. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
/** PKZIP "version made by" host 3 = Unix, so the permission bits are read by Lambda. */
const UNIX_HOST = 3;
const REGULAR_FILE = 0o100000;
/** A bound on files walked, so a runaway folder (or link loop) cannot hang the editor. */
const MAX_FILES = 200_000;

export function sha256Base64(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}

/** Byte-wise order, the same on every machine (localeCompare is not). */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'it is not a folder';
    default:
      return e?.message ?? String(error);
  }
}

async function readIgnoreFile(folder: string): Promise<string | undefined> {
  const file = path.join(folder, IGNORE_FILE);
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FolderUnreadableError(file, describeFsError(error), error);
  }
}

/**
 * Lists the files that go into the package of `folder`, applying the default ignores and
 * `.lambdaignore`. Only stats files, so it is cheap enough to run on every save. Symbolic links
 * are followed (once per real folder, so loops end); other special files are left out.
 * Throws FolderUnreadableError, or PackageTooLargeError once the files pass the unzipped limit.
 */
export async function listPackageFiles(folder: string, maxUnzippedBytes = MAX_UNZIPPED_BYTES): Promise<FolderListing> {
  const root = path.resolve(folder);
  try {
    if (!(await fs.stat(root)).isDirectory()) throw new FolderUnreadableError(root, 'it is not a folder');
  } catch (error) {
    if (error instanceof FolderUnreadableError) throw error;
    throw new FolderUnreadableError(root, describeFsError(error), error);
  }
  const ignoreText = await readIgnoreFile(root);
  const filter = new PackageFilter(ignoreText);
  const entries: PackageEntry[] = [];
  const visited = new Set<string>();
  let unzippedBytes = 0;

  const walk = async (dir: string, relDir: string): Promise<void> => {
    let real: string;
    let names: string[];
    try {
      real = await fs.realpath(dir);
      if (visited.has(real)) return;
      visited.add(real);
      names = (await fs.readdir(dir)).sort(byName);
    } catch (error) {
      throw new FolderUnreadableError(dir, describeFsError(error), error);
    }
    for (const name of names) {
      const abs = path.join(dir, name);
      const rel = relDir ? `${relDir}/${name}` : name;
      let stat: import('node:fs').Stats;
      try {
        stat = await fs.stat(abs);
      } catch (error) {
        // A dangling symbolic link has nothing to package; any other failure is the user's to know.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw new FolderUnreadableError(abs, describeFsError(error), error);
      }
      if (stat.isDirectory()) {
        if (filter.includesDirectory(rel)) await walk(abs, rel);
      } else if (stat.isFile() && filter.includesFile(rel)) {
        if (entries.length >= MAX_FILES) {
          throw new FolderUnreadableError(root, `it holds more than ${MAX_FILES} files to package; leave some out with ${IGNORE_FILE}`);
        }
        unzippedBytes += stat.size;
        if (unzippedBytes > maxUnzippedBytes) checkUnzippedSize(unzippedBytes, root, maxUnzippedBytes);
        entries.push({ rel, abs, size: stat.size, mode: stat.mode & 0o111 ? 0o755 : 0o644, mtimeMs: stat.mtimeMs });
      }
    }
  };
  await walk(root, '');
  entries.sort((a, b) => byName(a.rel, b.rel));

  const hash = createHash('sha256').update(ignoreText ?? '').update('\0');
  for (const e of entries) hash.update(`${e.rel}\0${e.size}\0${e.mode}\0${e.mtimeMs}\n`);
  return { folder: root, entries, unzippedBytes, fingerprint: hash.digest('hex') };
}

const deflateRawAsync = promisify(deflateRaw);
const DEFLATE = 8;

/**
 * A zip entry whose data was deflated beforehand by Node's zlib (native, off the main thread),
 * so a large package neither takes long nor freezes the editor; fflate frames the archive.
 */
class DeflatedEntry extends ZipPassThrough {
  constructor(
    name: string,
    private readonly deflated: Uint8Array,
  ) {
    super(name);
    this.compression = DEFLATE;
  }

  protected override process(_chunk: Uint8Array, final: boolean): void {
    // Buffers from zlib are backed by a plain ArrayBuffer.
    if (final) this.ondata(null, this.deflated as Uint8Array<ArrayBuffer>, true);
  }
}

/** Zips a listing: sorted entries, fixed timestamps and normalised permissions, so equal files give equal bytes. */
export async function zipListing(listing: FolderListing): Promise<FolderPackage> {
  const chunks: Uint8Array[] = [];
  let failure: Error | undefined;
  let finished = false;
  const archive = new Zip((error, chunk, final) => {
    if (error) failure = error;
    else chunks.push(chunk);
    if (final) finished = true;
  });
  for (const entry of listing.entries) {
    let data: Uint8Array;
    try {
      data = await fs.readFile(entry.abs);
    } catch (error) {
      archive.terminate();
      throw new FolderUnreadableError(entry.abs, describeFsError(error), error);
    }
    const file = new DeflatedEntry(entry.rel, await deflateRawAsync(data, { level: 6 }));
    file.mtime = FIXED_MTIME;
    file.os = UNIX_HOST;
    // Multiplying (not shifting) keeps the 32-bit attribute positive.
    file.attrs = (REGULAR_FILE | entry.mode) * 0x10000;
    archive.add(file);
    file.push(data, true); // computes the CRC and size of the original data
    if (failure) throw failure;
  }
  archive.end();
  if (failure) throw failure;
  if (!finished) throw new Error('The zip was not completed.');
  const zip = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    zip.set(chunk, offset);
    offset += chunk.length;
  }
  return { ...listing, zip, zippedBytes: zip.length, sha256: sha256Base64(zip) };
}

/** Lists and zips `folder` as it would be deployed. */
export async function packageFolder(folder: string): Promise<FolderPackage> {
  return zipListing(await listPackageFiles(folder));
}

const shaCache = new Map<string, { fingerprint: string; sha256: string; zippedBytes: number }>();

/**
 * The SHA-256 the folder's package would have, zipping again only when a file changed since the
 * last call (the listing's fingerprint differs).
 */
export async function packageSha256(folder: string): Promise<{ sha256: string; zippedBytes: number; unzippedBytes: number }> {
  const listing = await listPackageFiles(folder);
  const cached = shaCache.get(listing.folder);
  if (cached && cached.fingerprint === listing.fingerprint) {
    return { sha256: cached.sha256, zippedBytes: cached.zippedBytes, unzippedBytes: listing.unzippedBytes };
  }
  const pkg = await zipListing(listing);
  shaCache.set(listing.folder, { fingerprint: listing.fingerprint, sha256: pkg.sha256, zippedBytes: pkg.zippedBytes });
  return { sha256: pkg.sha256, zippedBytes: pkg.zippedBytes, unzippedBytes: pkg.unzippedBytes };
}
