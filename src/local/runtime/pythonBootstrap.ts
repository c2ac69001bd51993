import { existsSync } from 'fs';
import * as path from 'path';

/**
 * Where the Python runtime files live: `python/bootstrap.py` (the runtime client, standard library
 * only) and `python/inline/cfnresponse.py` (the module CloudFormation gives inline functions).
 * webpack copies them next to the bundle (dist/python/); the tsc output (out/…) uses the sources.
 */
export const PYTHON_BOOTSTRAP_FILE = 'bootstrap.py';

let found: string | undefined;

export function pythonAssetsDir(): string {
  if (found) return found;
  const candidates = [
    // The bundle: dist/local.js and dist/python/.
    path.join(__dirname, 'python'),
    // A bundle whose __dirname is not its real folder: next to the entry script.
    ...(process.argv[1] ? [path.join(path.dirname(process.argv[1]), 'python')] : []),
    // tsc output: out/src/local/runtime → src/local/runtime/python.
    path.resolve(__dirname, '..', '..', '..', '..', 'src', 'local', 'runtime', 'python'),
  ];
  const dir = candidates.find((d) => existsSync(path.join(d, PYTHON_BOOTSTRAP_FILE)));
  if (!dir) throw new Error(`The Python runtime files are missing (looked in ${candidates.join(', ')})`);
  found = dir;
  return dir;
}

export function pythonBootstrapPath(): string {
  return path.join(pythonAssetsDir(), PYTHON_BOOTSTRAP_FILE);
}

/** The folder holding cfnresponse.py, put on the path of inline (ZipFile / InlineCode) functions. */
export function inlineModulesDir(): string {
  return path.join(pythonAssetsDir(), 'inline');
}
