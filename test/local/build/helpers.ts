import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NodeBuildEvent, PreparedNodeFunction } from '../../../src/local/build/nodeBuild';
import { REPO_ROOT } from '../../support/repo';

export const PROJECTS = path.join(REPO_ROOT, 'test', 'fixtures', 'projects');
export const REGISTRY_PACKAGES = ['pad-words', 'aws-sdk-client-dynamodb', 'smithy-smithy-client'].map((p) => path.join(PROJECTS, 'registry', p));

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies a fixture project into `root` and returns the copy's folder. */
export function copyProject(name: string, root: string): string {
  const dest = path.join(root, name);
  fs.cpSync(path.join(PROJECTS, name), dest, { recursive: true });
  return dest;
}

/** Every path below `dir`, sorted: to show a folder was left as it was. */
export function listing(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map(String).sort();
}

export interface HandlerOutcome {
  value?: unknown;
  error?: { message: string; stack: string };
  loadError?: { message: string; code?: string; stack?: string };
  stderr: string;
}

/**
 * Loads the prepared handler in a child `node` (as the Node runtime does: require, or import for
 * ES modules) with the prepared environment, calls it with `event` and returns what it gave.
 */
const CALL_HANDLER = `
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');
const out = (doc) => process.stdout.write(JSON.stringify(doc));
(async () => {
  const handler = process.env.TEST_HANDLER;
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  const base = path.resolve(process.env.TEST_ROOT, handler.slice(0, dot));
  const name = handler.slice(dot + 1);
  const file = ['.js', '.mjs', '.cjs'].map((e) => base + e).find((f) => fs.existsSync(f));
  if (!file) throw Object.assign(new Error('no module for ' + handler), { code: 'NO_MODULE' });
  let mod;
  if (file.endsWith('.mjs')) mod = await import(pathToFileURL(file).href);
  else {
    try { mod = require(file); } catch (e) {
      if (e.code !== 'ERR_REQUIRE_ESM' && e.code !== 'ERR_REQUIRE_ASYNC_MODULE') throw e;
      mod = await import(pathToFileURL(file).href);
    }
  }
  const fn = mod[name] || (mod.default && mod.default[name]);
  try {
    out({ value: await fn(JSON.parse(process.env.TEST_EVENT), {}) });
  } catch (err) {
    out({ error: { message: err.message, stack: String(err.stack) } });
  }
})().catch((err) => out({ loadError: { message: err.message, code: err.code, stack: String(err.stack) } }));
`;

export function callHandler(prepared: PreparedNodeFunction, event: unknown = {}): Promise<HandlerOutcome> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (k !== 'NODE_OPTIONS' && k !== 'NODE_PATH') env[k] = v;
  Object.assign(env, prepared.environment, {
    TEST_HANDLER: prepared.handler,
    TEST_ROOT: prepared.codeDir,
    TEST_EVENT: JSON.stringify(event),
    AWS_REGION: 'us-east-1',
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CALL_HANDLER], { cwd: prepared.codeDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve({ ...(JSON.parse(stdout) as object), stderr });
      } catch {
        reject(new Error(`the handler gave no result: ${stdout}\n${stderr}`));
      }
    });
  });
}

/** Collects build events. */
export function eventLog(): { events: NodeBuildEvent[]; onEvent: (e: NodeBuildEvent) => void; of: (step: string, kind?: string) => NodeBuildEvent[] } {
  const events: NodeBuildEvent[] = [];
  return {
    events,
    onEvent: (e) => {
      if (e.kind !== 'output') events.push(e);
    },
    of: (step, kind) => events.filter((e) => e.step === step && (!kind || e.kind === kind)),
  };
}

/** The 1-based line of the first line of `file` containing `text`. */
export function lineOf(file: string, text: string): number {
  const index = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`${text} is not in ${file}`);
  return index + 1;
}
