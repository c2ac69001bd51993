import ignore, { type Ignore } from 'ignore';

/** The file in a linked folder that says what to leave out of the package (gitignore syntax). */
export const IGNORE_FILE = '.lambdaignore';

/**
 * Left out of every package unless `.lambdaignore` re-includes them with `!pattern`:
 * version control, editor and tool state, caches, and test folders at the top of the folder.
 */
export const DEFAULT_IGNORES: readonly string[] = [
  '.git/',
  '.hg/',
  '.svn/',
  '.DS_Store',
  '.vscode/',
  '.idea/',
  '.lambda-workbench/',
  '.local-lambda/',
  '.aws-sam/',
  'node_modules/.cache/',
  '__pycache__/',
  '.pytest_cache/',
  '.mypy_cache/',
  '/test/',
  '/tests/',
  '/__tests__/',
  `/${IGNORE_FILE}`,
];

/** Decides which paths (relative, with `/`) of a folder go into the package. */
export class PackageFilter {
  private readonly rules: Ignore;

  constructor(lambdaignore?: string) {
    this.rules = ignore().add([...DEFAULT_IGNORES]);
    if (lambdaignore) this.rules.add(lambdaignore);
  }

  /** `rel` is a file path relative to the folder, e.g. `src/app.js`. */
  includesFile(rel: string): boolean {
    return !this.rules.ignores(rel);
  }

  /** `rel` is a folder path relative to the folder, e.g. `node_modules/.cache`. */
  includesDirectory(rel: string): boolean {
    return !this.rules.ignores(`${rel}/`);
  }
}
