import * as fs from 'fs';
import * as path from 'path';

/** The repository root: the nearest folder above this file holding the extension's package.json. */
function findRepoRoot(start: string): string {
  let dir = start;
  for (let i = 0; i < 10; i++) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'lambda-workbench') {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`cannot find the lambda-workbench package.json above ${start}`);
}

export const REPO_ROOT = findRepoRoot(__dirname);

/** The plain-JS launcher shared with `npm start` (scripts/ is not compiled, so load it from the repo). */
export const codeServerLib: typeof import('../../scripts/lib/code-server.js') = require(
  path.join(REPO_ROOT, 'scripts', 'lib', 'code-server.js'),
);
export const repoPaths: typeof import('../../scripts/lib/paths.js') = require(
  path.join(REPO_ROOT, 'scripts', 'lib', 'paths.js'),
);
