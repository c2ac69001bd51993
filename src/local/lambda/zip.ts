import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { MAX_UNZIPPED_BYTES } from '../../shared/lambda/limits';
import { invalid } from './validation';

/** Folders never packaged from a workspace folder. */
const SKIPPED_DIRS = new Set(['.local-lambda', '.aws-sam', '.git']);

/** A fixed timestamp so the same files always give the same zip (and CodeSha256). */
const FIXED_MTIME = new Date('1980-01-01T00:00:00Z');

export function sha256Base64(data: Buffer | Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}

/** Extracts a zip into `dest`, refusing entries that would land outside it. */
export function unzipTo(zip: Buffer, dest: string): void {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch (err) {
    throw invalid(`Could not unzip uploaded file. Please check your file, then try to upload again. (${(err as Error).message})`);
  }
  let total = 0;
  for (const data of Object.values(files)) total += data.length;
  if (total > MAX_UNZIPPED_BYTES) {
    throw invalid(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
  }
  const root = path.resolve(dest);
  fs.mkdirSync(root, { recursive: true });
  for (const [name, data] of Object.entries(files)) {
    const target = path.resolve(root, name);
    if (target !== root && !target.startsWith(root + path.sep)) {
      throw invalid(`The zip entry "${name}" points outside the code folder.`);
    }
    if (name.endsWith('/')) {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data, { mode: 0o755 });
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

const fingerprints = new Map<string, { at: number; value: string }>();
/** How long a folder fingerprint is reused, so bursts of calls do not rescan the folder each time. */
const FINGERPRINT_TTL_MS = 250;

/**
 * A cheap identity of a folder's current contents (names, sizes and modification times), used
 * to notice edits to live code without zipping it on every call.
 */
export function folderFingerprint(dir: string, now = Date.now()): string {
  const cached = fingerprints.get(dir);
  if (cached && now - cached.at < FINGERPRINT_TTL_MS) return cached.value;
  const hash = createHash('sha256');
  const walk = (d: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return; // a vanished folder fingerprints as empty; the runtime reports the missing code
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) walk(abs, `${rel}${e.name}/`);
      } else {
        try {
          const st = fs.statSync(abs);
          hash.update(`${rel}${e.name}\0${st.size}\0${st.mtimeMs}\n`);
        } catch { /* removed while scanning */ }
      }
    }
  };
  walk(dir, '');
  const value = hash.digest('hex');
  fingerprints.set(dir, { at: now, value });
  return value;
}
