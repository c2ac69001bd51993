import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root: the nearest folder above `start` holding the extension's package.json. */
export function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'lambda-workbench') return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the lambda-workbench package.json above ${start}`);
  }
}

/** Where the repository is, whether a test runs from out/test/… or from its source. */
export const REPO_ROOT = findRepoRoot(__dirname);

/** The extension's manifest. */
export function readManifest<T = Record<string, unknown>>(): T {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as T;
}
