import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as nodeModule from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Node's ES module loader ignores NODE_PATH, while Lambda lets ES module handlers import what its
 * runtime and layers provide. This small loader hook, passed to the function's node with
 * `--import`, retries a bare import that found nothing from each NODE_PATH folder in turn, so
 * `import { DynamoDBClient } from '@aws-sdk/client-dynamodb'` resolves for ESM as `require` does.
 */

const REGISTER_FILE = 'node-path-register.mjs';
const HOOKS_FILE = 'node-path-hooks.mjs';

const REGISTER_SOURCE = `import { register } from 'node:module';
register('./${HOOKS_FILE}', import.meta.url);
`;

const HOOKS_SOURCE = `import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const folders = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);

function isBare(specifier) {
  return !/^(\\.{1,2}(\\/|$)|\\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier);
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (!err || err.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) throw err;
    for (const folder of folders) {
      try {
        // A parent inside the folder makes Node look in the folder itself (it ends in node_modules)
        // and in <folder>/node_modules.
        return await nextResolve(specifier, { ...context, parentURL: pathToFileURL(path.join(folder, 'index.js')).href });
      } catch {
        /* not in this folder */
      }
    }
    throw err;
  }
}
`;

const written = new Map<string, Promise<string>>();

/** Whether this Node can register loader hooks (20.6 and later). */
export function canRegisterHooks(): boolean {
  return typeof (nodeModule as { register?: unknown }).register === 'function';
}

/**
 * Writes the hook into `<dataDir>/runtime/node/` (once per process) and returns the node option
 * that loads it, e.g. `--import=file:///…/node-path-register.mjs`.
 */
export function esmNodePathOption(dataDir: string): Promise<string> {
  const dir = path.join(dataDir, 'runtime', 'node');
  let done = written.get(dir);
  if (!done || !fs.existsSync(path.join(dir, HOOKS_FILE))) {
    done = (async () => {
      await fsp.mkdir(dir, { recursive: true });
      await fsp.writeFile(path.join(dir, HOOKS_FILE), HOOKS_SOURCE);
      await fsp.writeFile(path.join(dir, REGISTER_FILE), REGISTER_SOURCE);
      return `--import=${pathToFileURL(path.join(dir, REGISTER_FILE)).href}`;
    })();
    done.catch(() => written.delete(dir));
    written.set(dir, done);
  }
  return done;
}
