import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { crc32, inflateRawSync } from 'node:zlib';
import { Inflate, zipSync, type Zippable } from 'fflate';
import { ApiError } from '../http';
import { MAX_UNZIPPED_BYTES } from '../../shared/lambda/limits';
import { invalid } from './validation';

/** Folders never packaged from a workspace folder. */
const SKIPPED_DIRS = new Set(['.local-lambda', '.aws-sam', '.git']);

/** A fixed timestamp so the same files always give the same zip (and CodeSha256). */
const FIXED_MTIME = new Date('1980-01-01T00:00:00Z');

export function sha256Base64(data: Buffer | Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}

const NOT_A_ZIP = 'Could not unzip uploaded file. Please check your file, then try to upload again.';
/** Compressed bytes handed to the inflater at a time: deflate expands at most ~1,032×, so one step stays near 16 MB. */
const INFLATE_STEP = 16 * 1024;
/** Entries declaring at most this much are inflated natively in one call, capped at their declared size. */
const DIRECT_INFLATE_MAX = 8 * 1024 * 1024;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** One file or folder of an uploaded zip, as its central directory describes it and after its name was checked. */
export interface ZipEntry {
  /** Normalised relative path with `/` separators; folders without the trailing slash. */
  path: string;
  directory: boolean;
  method: number;
  compressedSize: number;
  /** What the zip claims; the extraction counts the real bytes and refuses a mismatch. */
  declaredSize: number;
  crc32: number;
  dataStart: number;
}

const unreadable = (why: string) => invalid(`${NOT_A_ZIP} (${why})`);

/** Checks an entry name and gives its normalised relative path. */
function entryPath(raw: string): { path: string; directory: boolean } {
  const shown = JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw);
  if (raw.length === 0) throw invalid('The zip holds an entry with an empty name.');
  if (raw.includes('\0')) throw invalid(`The zip entry ${shown} has a NUL character in its name.`);
  if (raw.includes('\\')) throw invalid(`The zip entry ${shown} uses backslashes; zip entry names separate folders with "/".`);
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) throw invalid(`The zip entry ${shown} is an absolute path; entries must be relative to the code folder.`);
  const directory = raw.endsWith('/');
  const segments = raw.split('/').filter((seg) => seg !== '' && seg !== '.');
  if (segments.includes('..')) throw invalid(`The zip entry ${shown} points outside the code folder ("..").`);
  if (segments.length === 0) throw invalid(`The zip entry ${shown} names no file.`);
  return { path: segments.join('/'), directory };
}

/**
 * Reads and checks a zip's central directory without inflating anything: every entry a plain
 * file or folder (no links, no encryption, stored or deflated), every name inside the code
 * folder and used once, no file that is also a folder, and the declared sizes within Lambda's
 * unzipped limit.
 */
export function readZipEntries(zip: Buffer, limit = MAX_UNZIPPED_BYTES): ZipEntry[] {
  if (zip.length < 22) throw unreadable('too short to be a zip file');
  // The end-of-central-directory record sits in the last 22 + 65,535 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw unreadable('no end of central directory record: this is not a zip file');
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
    throw unreadable('it uses ZIP64 records, which code packages never need');
  }
  if (zip.readUInt16LE(eocd + 4) !== 0 || zip.readUInt16LE(eocd + 6) !== 0) throw unreadable('multi-part zips are not supported');
  if (cdOffset + cdSize > eocd) throw unreadable('the central directory lies outside the file');
  const entries: ZipEntry[] = [];
  const files = new Set<string>();
  const folders = new Set<string>();
  const listedFolders = new Set<string>();
  let declaredTotal = 0;
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || zip.readUInt32LE(p) !== 0x02014b50) throw unreadable('the central directory is damaged');
    const madeBy = zip.readUInt16LE(p + 4) >> 8;
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressedSize = zip.readUInt32LE(p + 20);
    const declaredSize = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const externalAttributes = zip.readUInt32LE(p + 38);
    const localOffset = zip.readUInt32LE(p + 42);
    if (p + 46 + nameLength > eocd) throw unreadable('the central directory is damaged');
    const raw = zip.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;
    const { path: rel, directory: namedAsFolder } = entryPath(raw);
    const shown = JSON.stringify(rel);
    // Unix "made by" hosts keep the file type in the upper half of the external attributes.
    const unixMode = madeBy === 3 || madeBy === 19 ? externalAttributes >>> 16 : 0;
    if ((unixMode & S_IFMT) === S_IFLNK) {
      throw invalid(`The zip entry ${shown} is a symbolic link; the Local Lambda accepts only files and folders in uploaded code.`);
    }
    if ((flags & 0x1) !== 0 || (flags & 0x40) !== 0) throw invalid(`The zip entry ${shown} is encrypted; upload a zip without a password.`);
    const directory = namedAsFolder || (madeBy === 0 && (externalAttributes & 0x10) !== 0 && compressedSize === 0 && declaredSize === 0);
    if (!directory && method !== 0 && method !== 8) {
      throw invalid(`The zip entry ${shown} uses compression method ${method}; use stored (0) or deflated (8) entries.`);
    }
    if (files.has(rel) || (directory && listedFolders.has(rel))) {
      throw invalid(`The zip holds ${shown} more than once.`);
    }
    if (localOffset + 30 > cdOffset || zip.readUInt32LE(localOffset) !== 0x04034b50) throw unreadable(`the entry ${shown} is damaged`);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > cdOffset) throw unreadable(`the entry ${shown} runs past the end of the file`);
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (files.has(parent)) throw invalid(`The zip holds both a file "${parent}" and entries inside a folder of that name (${shown}).`);
      folders.add(parent);
    }
    if (directory) {
      if (files.has(rel)) throw invalid(`The zip holds both a file and a folder named ${shown}.`);
      folders.add(rel);
      listedFolders.add(rel);
    } else {
      if (folders.has(rel)) throw invalid(`The zip holds both a file and a folder named ${shown}.`);
      files.add(rel);
      declaredTotal += declaredSize;
      if (declaredTotal > limit) throw invalid(`Unzipped size must be smaller than ${limit} bytes`);
    }
    entries.push({ path: rel, directory, method, compressedSize, declaredSize, crc32: crc, dataStart });
  }
  return entries;
}

/** Inflates one entry straight into `fd`, counting the real bytes against what is left of the budget. */
function extractEntry(zip: Buffer, entry: ZipEntry, fd: number, budget: { left: number }, limit: number): void {
  const data = zip.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  let written = 0;
  let crc = 0;
  const take = (chunk: Uint8Array) => {
    written += chunk.length;
    budget.left -= chunk.length;
    if (budget.left < 0) throw invalid(`Unzipped size must be smaller than ${limit} bytes`);
    if (written > entry.declaredSize) throw overDeclared();
    crc = crc32(chunk, crc);
    fs.writeSync(fd, chunk);
  };
  const overDeclared = () => unreadable(`the entry ${JSON.stringify(entry.path)} inflates to more than the ${entry.declaredSize} bytes it declares`);
  if (entry.method === 8 && entry.declaredSize <= DIRECT_INFLATE_MAX) {
    let out: Buffer;
    try {
      // One byte of room over the declared size lets take() see a lie of any size.
      out = inflateRawSync(data, { maxOutputLength: entry.declaredSize + 1 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw overDeclared();
      throw unreadable(`the entry ${JSON.stringify(entry.path)} cannot be inflated: ${(err as Error).message}`);
    }
    take(out);
  } else if (entry.method === 0) {
    for (let at = 0; at < data.length; at += 1024 * 1024) take(data.subarray(at, Math.min(data.length, at + 1024 * 1024)));
  } else {
    const inflater = new Inflate((chunk) => take(chunk));
    try {
      for (let at = 0; at < data.length; at += INFLATE_STEP) {
        const end = Math.min(data.length, at + INFLATE_STEP);
        inflater.push(data.subarray(at, end), end === data.length);
      }
      if (data.length === 0) inflater.push(new Uint8Array(0), true);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw unreadable(`the entry ${JSON.stringify(entry.path)} cannot be inflated: ${(err as Error).message}`);
    }
  }
  if (written !== entry.declaredSize) {
    throw unreadable(`the entry ${JSON.stringify(entry.path)} inflates to ${written} bytes, not the ${entry.declaredSize} it declares`);
  }
  if (crc !== entry.crc32) throw unreadable(`the entry ${JSON.stringify(entry.path)} fails its CRC-32 check`);
}

/**
 * Extracts an uploaded zip into `dest` (which it creates): the central directory is checked
 * first (readZipEntries), then each file is inflated in small steps straight to disk, with the
 * inflated bytes counted as they come, so a zip that lies about its sizes stops at Lambda's
 * limit instead of filling memory. On any refusal `dest` is removed.
 */
export function unzipTo(zip: Buffer, dest: string, limit = MAX_UNZIPPED_BYTES): void {
  const entries = readZipEntries(zip, limit);
  const root = path.resolve(dest);
  fs.mkdirSync(root, { recursive: true });
  const budget = { left: limit };
  try {
    for (const entry of entries) {
      const target = path.resolve(root, entry.path);
      if (!target.startsWith(root + path.sep)) throw invalid(`The zip entry ${JSON.stringify(entry.path)} points outside the code folder.`);
      if (entry.directory) {
        fs.mkdirSync(target, { recursive: true });
        continue;
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      // 'wx': never write through something already there (a link or a file of the same name).
      const fd = fs.openSync(target, 'wx', 0o755);
      try {
        extractEntry(zip, entry, fd, budget, limit);
      } finally {
        fs.closeSync(fd);
      }
    }
  } catch (err) {
    fs.rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

function collect(dir: string, rel: string, out: Zippable, budget: { left: number }): void {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const abs = path.join(dir, entry.name);
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) collect(abs, name, out, budget);
    } else if (entry.isFile()) {
      const data = fs.readFileSync(abs);
      budget.left -= data.length;
      if (budget.left < 0) throw new Error(`Code folder ${dir} is larger than ${MAX_UNZIPPED_BYTES} bytes.`);
      out[name] = [data, { mtime: FIXED_MTIME }];
    }
  }
}

/** Zips a folder the same way every time: sorted names, fixed timestamps. */
export function zipFolder(dir: string): Buffer {
  const files: Zippable = {};
  collect(dir, '', files, { left: MAX_UNZIPPED_BYTES });
  return Buffer.from(zipSync(files, { level: 6 }));
}

/** Copies a code folder (without the skipped folders) so that later edits do not change the copy. */
export function copyFolder(src: string, dest: string): void {
  const root = path.resolve(src);
  const target = path.resolve(dest);
  fs.cpSync(root, target, {
    recursive: true,
    filter: (p) => {
      const abs = path.resolve(p);
      if (abs === root) return true;
      // Never copy the folder the copy goes into (a data dir inside the code folder).
      return !SKIPPED_DIRS.has(path.basename(abs)) && abs !== target && !target.startsWith(abs + path.sep);
    },
  });
}
