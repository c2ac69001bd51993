import * as fs from 'node:fs';
import * as path from 'node:path';

/** A state file exists but cannot be read as what it should be. Reported, never silently reset. */
export class CorruptStateError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`State file ${file} is corrupt (${detail}). Fix or move it away; it was left untouched.`);
    this.name = 'CorruptStateError';
  }
}

/** Writes JSON so that a crash leaves either the old file or the new one, never half of one. */
export function writeJsonAtomic(file: string, data: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, JSON.stringify(data, null, 1));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Reads a JSON state file; `undefined` when it does not exist, CorruptStateError when it is not valid JSON. */
export function readJsonFile<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new CorruptStateError(file, (err as Error).message);
  }
}
