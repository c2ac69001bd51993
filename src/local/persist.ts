import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * How the Local Lambda keeps files: everything under the data folder holds environment values,
 * logs, credentials and code, so folders are 0700 and files 0600 whatever the umask; JSON state
 * is replaced atomically and durably; names never become paths outside their root.
 */

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;
/** Files that were executable (a custom runtime's bootstrap) stay executable by their owner only. */
export const EXEC_FILE_MODE = 0o700;
/** No state file of ours comes near this; a larger one is refused before it is read. */
export const MAX_STATE_FILE_BYTES = 64 * 1024 * 1024;

/** Where a corrupt state file was found wrong: the record (function, group, line) and its field. */
export interface CorruptWhere {
  record?: string;
  field?: string;
}

/** A state file exists but cannot be read as what it should be. Reported, never silently reset. */
export class CorruptStateError extends Error {
  readonly record?: string;
  readonly field?: string;

  constructor(readonly file: string, readonly detail: string, where: CorruptWhere = {}) {
    const at = [where.record, where.field !== undefined ? `field ${where.field}` : undefined].filter(Boolean).join(', ');
    super(`State file ${file} is corrupt (${at ? `${at}: ` : ''}${detail}). Fix or move it away; it was left untouched.`);
    this.name = 'CorruptStateError';
    this.record = where.record;
    this.field = where.field;
  }
}

/** A name or stored path that would lead outside its root folder. */
export class PathEscapeError extends Error {
  constructor(readonly root: string, readonly parts: readonly string[], what: string) {
    super(`${what} ${JSON.stringify(parts.join('/'))} would lead outside ${root}; refused.`);
    this.name = 'PathEscapeError';
  }
}

/** The path with symbolic links resolved as far as it exists (a missing tail is kept as written). */
export function realpathOfExisting(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    const parent = path.dirname(p);
    return parent === p ? p : path.join(realpathOfExisting(parent), path.basename(p));
  }
}

export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/**
 * `root` joined with `parts` (names, versions, stored relative paths), refused with a
 * PathEscapeError unless the result is strictly below `root` — as written and with every symbolic
 * link of the existing prefix resolved. Every place a name becomes a path goes through here.
 */
export function insideRoot(root: string, ...parts: string[]): string {
  return insideRootAs('The path', root, ...parts);
}

/** insideRoot, with what the parts are named in the error ("Function name", "Stored code path"…). */
export function insideRootAs(what: string, root: string, ...parts: string[]): string {
  const base = path.resolve(root);
  for (const part of parts) {
    if (typeof part !== 'string' || part === '' || part.includes('\0') || path.isAbsolute(part)) throw new PathEscapeError(base, parts, what);
  }
  const target = path.resolve(base, ...parts);
  if (target === base || !isInside(base, target) || !isInside(realpathOfExisting(base), realpathOfExisting(target))) {
    throw new PathEscapeError(base, parts, what);
  }
  return target;
}

/** Creates `dir` (and missing parents) as 0700 folders; an existing folder gets 0700 too. */
export function makeDir(dir: string): void {
  const first = fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  if (first !== undefined) {
    // The umask may have cut the mode at creation; set it on every folder just made.
    for (let d = dir; ; d = path.dirname(d)) {
      chmodQuiet(d, DIR_MODE);
      if (path.resolve(d) === path.resolve(first) || path.dirname(d) === d) break;
    }
  } else {
    chmodQuiet(dir, DIR_MODE);
  }
}

function chmodQuiet(p: string, mode: number): void {
  try { fs.chmodSync(p, mode); } catch { /* file systems without modes */ }
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not every platform can open or sync a folder (Windows); the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

let tmpCounter = 0;

/** A temporary name next to `target` that cleanTmpFiles recognises as ours. */
export function tmpNameFor(target: string): string {
  return `${target}.${process.pid}.${Date.now()}${tmpCounter++}.tmp`;
}

/** Our temporary names: `<name>.<pid>.<digits>.tmp` (older versions wrote `<name>.<pid>.tmp`). */
const TMP_NAME = /^.+\.\d+(?:\.\d+)?\.tmp$/;

/**
 * Writes bytes so that a crash leaves either the old file or the new one, never half of one:
 * temporary file (0600), fsync, rename over the target, fsync of the folder.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  makeDir(path.dirname(file));
  const tmp = tmpNameFor(file);
  const fd = fs.openSync(tmp, 'wx', FILE_MODE);
  try {
    try { fs.fchmodSync(fd, FILE_MODE); } catch { /* file systems without modes */ }
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(path.dirname(file));
}

export function writeJsonAtomic(file: string, data: unknown): void {
  writeFileAtomic(file, JSON.stringify(data, null, 1));
}

/**
 * Reads a state file as text: `undefined` when it does not exist; CorruptStateError when it is
 * not a regular file (a folder, a symbolic link — never followed), is absurdly large, or is not
 * UTF-8. Nothing is written.
 */
export function readStateText(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (stat.isSymbolicLink()) throw new CorruptStateError(file, 'it is a symbolic link; a state file must be a regular file in the data folder');
  if (!stat.isFile()) throw new CorruptStateError(file, 'it is not a regular file');
  if (stat.size > MAX_STATE_FILE_BYTES) {
    throw new CorruptStateError(file, `it holds ${stat.size} bytes, more than the ${MAX_STATE_FILE_BYTES} a state file may hold`);
  }
  const bytes = fs.readFileSync(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CorruptStateError(file, 'it is not UTF-8 text');
  }
}

/** Parses JSON text, refusing duplicate keys (JSON.parse would silently keep the last) and deep nesting. */
export function parseStateJson(file: string, text: string): unknown {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CorruptStateError(file, `not valid JSON: ${(err as Error).message}`);
  }
  checkKeys(file, text);
  return data;
}

const MAX_DEPTH = 64;

/** One linear pass over valid JSON text: duplicate keys in an object and nesting deeper than MAX_DEPTH. */
function checkKeys(file: string, text: string): void {
  const stack: Array<Set<string> | undefined> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const keys = stack[stack.length - 1];
      if (keys && expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (keys.has(key)) throw new CorruptStateError(file, `the key ${JSON.stringify(key)} appears twice in one object`);
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (ch === '{' || ch === '[') {
      stack.push(ch === '{' ? new Set() : undefined);
      if (stack.length > MAX_DEPTH) throw new CorruptStateError(file, `nested deeper than ${MAX_DEPTH} levels`);
      expectKey = ch === '{';
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      expectKey = false;
    } else if (ch === ',') {
      expectKey = stack[stack.length - 1] !== undefined;
    }
  }
}

/** Reads a JSON state file; `undefined` when it does not exist, CorruptStateError when it cannot be what it should be. */
export function readJsonFile<T>(file: string): T | undefined {
  const text = readStateText(file);
  return text === undefined ? undefined : parseStateJson(file, text) as T;
}

/** What the Local Lambda keeps directly in its data folder; nothing else there is ever changed. */
export const DATA_ENTRIES = ['lambda-state.json', 'function-urls.json', 'schedules.json', 'async-events.json', 'credentials.json', 'code', 'inline', 'layers', 'logs', 'template-code', 'tmp', 'build', 'runtime'];

/**
 * Makes the data folder private and tidy at start: folders 0700 and files 0600 (owner-executable
 * files 0700), symbolic links never followed and files linked from the workspace (more than one
 * link) left as the workspace has them; only our own entries are walked, so a data folder given
 * as a folder that holds other things (--data-dir ~) keeps those as they are. Then removes the
 * temporary files an interrupted write or a refused upload left, in the folders where we make
 * them and with our names only.
 */
export function secureDataDir(dataDir: string, tmpFolders: readonly string[]): void {
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) secure(path.join(dir, entry.name), entry);
  };
  // Folders get the folder mode and are walked; files ours alone; links and the rest are left.
  const secure = (abs: string, kind: Pick<fs.Stats, 'isDirectory' | 'isFile'>): void => {
    if (kind.isDirectory()) {
      chmodQuiet(abs, DIR_MODE);
      walk(abs);
    } else if (kind.isFile()) {
      restrictFile(abs);
    }
  };
  chmodQuiet(dataDir, DIR_MODE);
  for (const name of DATA_ENTRIES) {
    const abs = path.join(dataDir, name);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(abs);
    } catch {
      continue;
    }
    secure(abs, stat);
  }
  removeTmpFiles(dataDir, DATA_ENTRIES);
  for (const folder of tmpFolders) removeTmpFiles(folder);
}

/** Gives one file we made the data folder's mode (files linked from elsewhere are left as they are). */
export function restrictFile(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return;
  }
  if (!stat.isFile() || stat.nlink > 1) return;
  const mode = stat.mode & 0o100 ? EXEC_FILE_MODE : FILE_MODE;
  if ((stat.mode & 0o777) !== mode) chmodQuiet(file, mode);
}

/** Gives a tree we just wrote (unpacked or copied code) the data folder's modes. */
export function restrictTree(dir: string): void {
  chmodQuiet(dir, DIR_MODE);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) restrictTree(abs);
    else if (entry.isFile()) restrictFile(abs);
  }
}

/**
 * Removes our temporary files and folders directly inside `folder` (never following links);
 * with `ofNames`, only those of the files so named (the data folder's top, which may hold other things).
 */
export function removeTmpFiles(folder: string, ofNames?: readonly string[]): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    if (!TMP_NAME.test(entry.name) || entry.isSymbolicLink()) continue;
    if (ofNames && !ofNames.some((name) => entry.name.startsWith(`${name}.`))) continue;
    fs.rmSync(path.join(folder, entry.name), { recursive: true, force: true });
    removed.push(entry.name);
  }
  return removed;
}
