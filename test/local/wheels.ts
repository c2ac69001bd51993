import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strToU8, zipSync } from 'fflate';

/**
 * Minimal pure-Python wheels for offline pip installs: a zip holding the package files and
 * `<name>-<version>.dist-info/` with METADATA, WHEEL and RECORD.
 */
export interface WheelSpec {
  /** Distribution name as pip sees it, e.g. lwb-greeting. */
  name: string;
  version: string;
  /** Path inside site-packages → file text, e.g. { 'lwb_greeting/__init__.py': '…' }. */
  files: Record<string, string>;
  requires?: string[];
}

function recordHash(data: Uint8Array): string {
  return `sha256=${createHash('sha256').update(data).digest('base64url')}`;
}

/** Writes the wheel into `dir` and returns its path. */
export function writeWheel(dir: string, spec: WheelSpec): string {
  const dist = spec.name.replace(/-/g, '_');
  const info = `${dist}-${spec.version}.dist-info`;
  const entries: Record<string, Uint8Array> = {};
  for (const [file, text] of Object.entries(spec.files)) entries[file] = strToU8(text);
  entries[`${info}/METADATA`] = strToU8([
    'Metadata-Version: 2.1', `Name: ${spec.name}`, `Version: ${spec.version}`, ...(spec.requires ?? []).map((r) => `Requires-Dist: ${r}`), '', '',
  ].join('\n'));
  entries[`${info}/WHEEL`] = strToU8(['Wheel-Version: 1.0', 'Generator: lambda-workbench-tests', 'Root-Is-Purelib: true', 'Tag: py3-none-any', '', ''].join('\n'));
  const record = Object.entries(entries).map(([file, data]) => `${file},${recordHash(data)},${data.length}`);
  entries[`${info}/RECORD`] = strToU8([...record, `${info}/RECORD,,`, ''].join('\n'));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${dist}-${spec.version}-py3-none-any.whl`);
  fs.writeFileSync(file, zipSync(entries));
  return file;
}

/** Whether `python3 -m pip` works here (the dependency tests need it). */
export function hasPip(): boolean {
  try {
    execFileSync('python3', ['-m', 'pip', '--version'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Sets pip to install only from `wheelDir`, with no configuration file of the machine, and the
 * per-user cache to `cacheDir`; returns a function that puts the environment back.
 */
export function offlinePip(wheelDir: string, cacheDir: string): () => void {
  const vars: Record<string, string> = {
    PIP_NO_INDEX: '1',
    PIP_FIND_LINKS: wheelDir,
    PIP_CONFIG_FILE: process.platform === 'win32' ? 'nul' : '/dev/null',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    LAMBDA_WORKBENCH_CACHE: cacheDir,
  };
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
