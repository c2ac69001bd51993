import * as fs from 'node:fs';
import * as path from 'node:path';

/** Folders never read as a function's sources. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.aws-sam', '.git', '.hg', '.svn', '.local-lambda', 'coverage', '__pycache__']);

export interface WalkLimits {
  /** Files visited at most (default 5,000). */
  maxFiles?: number;
  /** Folder depth below the start (default 12). */
  maxDepth?: number;
}

/**
 * Source files below `dir` (no node_modules, .aws-sam, hidden folders), breadth first and
 * bounded, so a huge folder costs a bounded time.
 */
export function walkSources(dir: string, accept: (file: string) => boolean, limits: WalkLimits = {}): string[] {
  const maxFiles = limits.maxFiles ?? 5000;
  const maxDepth = limits.maxDepth ?? 12;
  const found: string[] = [];
  let visited = 0;
  let level: string[] = [dir];
  for (let depth = 0; depth <= maxDepth && level.length; depth++) {
    const next: string[] = [];
    for (const folder of level) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(folder, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        const full = path.join(folder, e.name);
        if (e.isDirectory()) {
          if (!e.name.startsWith('.') && !SKIPPED_FOLDERS.has(e.name)) next.push(full);
        } else if (e.isFile() || e.isSymbolicLink()) {
          if (++visited > maxFiles) return found;
          if (accept(full)) found.push(full);
        }
      }
    }
    level = next;
  }
  return found;
}

/** Newest modification time (ms) of the files below `dir`, bounded like walkSources. */
export function newestMtime(dir: string, limits: WalkLimits = {}): number {
  let newest = 0;
  walkSources(dir, (file) => {
    try {
      newest = Math.max(newest, fs.statSync(file).mtimeMs);
    } catch { /* vanished meanwhile */ }
    return false;
  }, limits);
  return newest;
}

/** Whether a package resolves from `dir` the way Node looks it up (node_modules, walking up). */
export function packageDirFrom(dir: string, name: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (path.basename(d) !== 'node_modules') {
      const candidate = path.join(d, 'node_modules', name);
      if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    }
    if (path.dirname(d) === d) return undefined;
  }
}

/** The package a bare import names (`@scope/name/sub` → `@scope/name`), or undefined for a path. */
export function packageNameOf(specifier: string): string | undefined {
  if (!specifier || specifier.startsWith('.') || specifier.startsWith('/') || /^[a-zA-Z]+:/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  if (specifier.startsWith('@')) return parts.length >= 2 && parts[1] ? `${parts[0]}/${parts[1]}` : undefined;
  return parts[0];
}

export function readJsonFile<T = unknown>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
