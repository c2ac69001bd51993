import * as path from 'path';
import { REPO_ROOT } from '../support/repo';

export { REPO_ROOT };

/** The plain-JS launcher shared with `npm start` (scripts/ is not compiled, so load it from the repo). */
export const codeServerLib: typeof import('../../scripts/lib/code-server.js') = require(
  path.join(REPO_ROOT, 'scripts', 'lib', 'code-server.js'),
);
export const repoPaths: typeof import('../../scripts/lib/paths.js') = require(
  path.join(REPO_ROOT, 'scripts', 'lib', 'paths.js'),
);
