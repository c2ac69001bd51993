import { execFile } from 'child_process';
import * as path from 'path';

/**
 * Which local program runs a runtime: python3.12 wants a Python 3.12, nodejs22.x a Node.js 22.
 * Looked for, in order: the interpreter the user named for the runtime (CLI `--interpreter
 * python3.12=/path`, env LOCAL_LAMBDA_INTERPRETERS as JSON, which the extension fills from its
 * `lambdaWorkbench.local.interpreters` setting), `python3.12` on PATH, then `python3` / `python`.
 * When none has the runtime's version, the function runs on the local one with a warning that
 * names both versions.
 */

/** Runtime id (python3.12, nodejs22.x) → executable. */
export type InterpreterMap = Record<string, string>;

export interface InterpreterChoice {
  /** Absolute path of the program to run. */
  executable: string;
  /** Its version, e.g. 3.11.7 or 20.11.1. */
  version: string;
  /** The version the runtime stands for: 3.12, 22. */
  wanted: string;
  /** Set when the interpreter is older than the runtime or not the one the user named. */
  warning?: string;
  /** How it was found, for the log. */
  source: 'setting' | 'path' | 'local';
}

export const INTERPRETERS_ENV = 'LOCAL_LAMBDA_INTERPRETERS';
const SETTING_HINT = '--interpreter <runtime>=<path> (the lambdaWorkbench.local.interpreters setting in VS Code)';

/** `python3.12=/usr/bin/python3.12` → entry; throws with a message naming the bad value. */
export function parseInterpreterOption(values: readonly string[]): InterpreterMap {
  const map: InterpreterMap = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const runtime = value.slice(0, eq).trim();
    const file = value.slice(eq + 1).trim();
    if (eq <= 0 || !file || !isInterpretedRuntime(runtime)) {
      throw new Error(`--interpreter expects <runtime>=<path>, e.g. python3.12=/usr/bin/python3.12 or nodejs22.x=/usr/local/bin/node (got "${value}")`);
    }
    map[runtime] = file;
  }
  return map;
}

/** The mapping in LOCAL_LAMBDA_INTERPRETERS, and a problem to report when it is not valid JSON of that shape. */
export function interpretersFromEnv(env: NodeJS.ProcessEnv = process.env): { map: InterpreterMap; problem?: string } {
  const text = env[INTERPRETERS_ENV];
  if (!text || !text.trim()) return { map: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { map: {}, problem: `${INTERPRETERS_ENV} is not valid JSON (${(err as Error).message}); expected e.g. {"python3.12": "/usr/bin/python3.12"}` };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { map: {}, problem: `${INTERPRETERS_ENV} must be a JSON object mapping runtimes to executables, e.g. {"python3.12": "/usr/bin/python3.12"}` };
  }
  const map: InterpreterMap = {};
  const bad: string[] = [];
  for (const [runtime, file] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof file === 'string' && file.trim() && isInterpretedRuntime(runtime)) map[runtime] = file.trim();
    else bad.push(runtime);
  }
  return bad.length ? { map, problem: `${INTERPRETERS_ENV}: ignored ${bad.join(', ')} (keys are runtimes such as python3.12 or nodejs22.x, values executables)` } : { map };
}

function isInterpretedRuntime(runtime: string): boolean {
  return /^python3\.\d+$/.test(runtime) || /^nodejs\d+\.x$/.test(runtime);
}

interface Probe {
  executable: string;
  version: string;
}

type ProbeResult = { ok: true; probe: Probe } | { ok: false; error: string };

const probes = new Map<string, Promise<ProbeResult>>();

const PYTHON_PROBE = 'import sys, json; print(json.dumps([sys.executable, "%d.%d.%d" % tuple(sys.version_info[:3])]))';
const NODE_PROBE = 'JSON.stringify([process.execPath, process.versions.node])';

/** Runs `command` once (per PATH) to learn its real path and version, with the host's environment so shims work. */
function probe(command: string, kind: 'python' | 'node'): Promise<ProbeResult> {
  const key = `${kind}\0${command}\0${process.env.PATH ?? ''}`;
  let found = probes.get(key);
  if (!found) {
    const args = kind === 'python' ? ['-c', PYTHON_PROBE] : ['-p', NODE_PROBE];
    const env = kind === 'node' ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : process.env;
    found = new Promise((resolve) => {
      execFile(command, args, { timeout: 15_000, env, windowsHide: true }, (err, stdout, stderr) => {
        if (err) {
          const detail = (stderr || '').trim().split('\n').pop() || err.message;
          resolve({ ok: false, error: detail });
          return;
        }
        try {
          const [executable, version] = JSON.parse(String(stdout).trim().split('\n').pop() ?? '') as [string, string];
          if (typeof executable !== 'string' || typeof version !== 'string') throw new Error('unexpected answer');
          resolve({ ok: true, probe: { executable: executable || command, version } });
        } catch {
          resolve({ ok: false, error: `it did not answer as ${kind === 'python' ? 'Python' : 'Node.js'} does` });
        }
      });
    });
    probes.set(key, found);
  }
  return found;
}

/** -1, 0, 1 comparing dotted versions on the parts `a` has (so 3.12 matches 3.12.1). */
export function compareVersionPrefix(actual: string, wanted: string): number {
  const w = wanted.split('.').map(Number);
  const a = actual.split('.').map(Number);
  for (let i = 0; i < w.length; i++) {
    const d = (a[i] ?? 0) - w[i];
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * A named interpreter runs as named (a wrapper script or a virtual environment's python stays
 * itself); a bare command name runs as the program it resolved to.
 */
function asGiven(named: string, resolved: string): string {
  return /[\\/]/.test(named) ? path.resolve(named) : resolved;
}

const choices = new Map<string, Promise<InterpreterChoice | undefined>>();

/**
 * The Python that runs `runtime` (python3.X), or undefined when there is none at all. Cached
 * per runtime, mapping and PATH.
 */
export function choosePython(runtime: string, map: InterpreterMap = {}): Promise<InterpreterChoice | undefined> {
  const key = `py\0${runtime}\0${map[runtime] ?? ''}\0${process.env.PATH ?? ''}`;
  let choice = choices.get(key);
  if (!choice) {
    choice = pickPython(runtime, map[runtime]);
    choices.set(key, choice);
  }
  return choice;
}

async function pickPython(runtime: string, named: string | undefined): Promise<InterpreterChoice | undefined> {
  const wanted = runtime.replace(/^python/, '');
  let namedProblem = '';
  if (named) {
    const r = await probe(named, 'python');
    if (r.ok) {
      const executable = asGiven(named, r.probe.executable);
      const same = compareVersionPrefix(r.probe.version, wanted) === 0;
      return {
        executable, version: r.probe.version, wanted, source: 'setting',
        warning: same ? undefined : `${runtime} functions run on ${executable}, which is Python ${r.probe.version}, not ${wanted} (as set with ${SETTING_HINT}); code that needs Python ${wanted} may fail.`,
      };
    }
    namedProblem = `the interpreter set for ${runtime} (${named}) could not be run: ${r.error}. `;
  }
  const versioned = await probe(`python${wanted}`, 'python');
  if (versioned.ok && compareVersionPrefix(versioned.probe.version, wanted) === 0) {
    return { ...versioned.probe, wanted, source: 'path', warning: namedProblem ? `${namedProblem}Using ${versioned.probe.executable} instead.` : undefined };
  }
  for (const command of ['python3', 'python']) {
    const r = await probe(command, 'python');
    if (!r.ok || !r.probe.version.startsWith('3.')) continue;
    const older = compareVersionPrefix(r.probe.version, wanted) < 0;
    const warning = older
      ? `${namedProblem}${runtime} functions run on Python ${r.probe.version} (${r.probe.executable}) here: no Python ${wanted} was found (python${wanted} is not on PATH, or does not run). ` +
        `Code that needs Python ${wanted} may fail; install Python ${wanted}, or name one with ${SETTING_HINT}.`
      : namedProblem ? `${namedProblem}Using ${r.probe.executable} (Python ${r.probe.version}) instead.` : undefined;
    return { ...r.probe, wanted, source: 'path', warning };
  }
  return undefined;
}

/** The Node.js that runs `runtime` (nodejsN.x): this process's own unless it is older than N. */
export function chooseNode(runtime: string, map: InterpreterMap = {}): Promise<InterpreterChoice> {
  const key = `node\0${runtime}\0${map[runtime] ?? ''}\0${process.env.PATH ?? ''}`;
  let choice = choices.get(key);
  if (!choice) {
    choice = pickNode(runtime, map[runtime]);
    choices.set(key, choice);
  }
  return choice as Promise<InterpreterChoice>;
}

async function pickNode(runtime: string, named: string | undefined): Promise<InterpreterChoice> {
  const wanted = runtime.replace(/^nodejs(\d+)\.x$/, '$1');
  const own: Probe = { executable: process.execPath, version: process.versions.node };
  let namedProblem = '';
  if (named) {
    const r = await probe(named, 'node');
    if (r.ok) {
      const executable = asGiven(named, r.probe.executable);
      const same = compareVersionPrefix(r.probe.version, wanted) === 0;
      return {
        executable, version: r.probe.version, wanted, source: 'setting',
        warning: same ? undefined : `${runtime} functions run on ${executable}, which is Node.js ${r.probe.version}, not ${wanted} (as set with ${SETTING_HINT}); code that needs Node.js ${wanted} may fail.`,
      };
    }
    namedProblem = `the interpreter set for ${runtime} (${named}) could not be run: ${r.error}. `;
  }
  if (compareVersionPrefix(own.version, wanted) >= 0) {
    return { ...own, wanted, source: 'local', warning: namedProblem ? `${namedProblem}Using Node.js ${own.version} (${own.executable}) instead.` : undefined };
  }
  const onPath = await probe('node', 'node');
  if (onPath.ok && compareVersionPrefix(onPath.probe.version, wanted) >= 0) {
    return { ...onPath.probe, wanted, source: 'path', warning: namedProblem ? `${namedProblem}Using ${onPath.probe.executable} instead.` : undefined };
  }
  return {
    ...own, wanted, source: 'local',
    warning: `${namedProblem}${runtime} functions run on Node.js ${own.version} (${own.executable}) here: no Node.js ${wanted} was found (node on PATH is ${onPath.ok ? `Node.js ${onPath.probe.version}` : 'not available'}). ` +
      `Code that needs Node.js ${wanted} may fail; install Node.js ${wanted}, or name one with ${SETTING_HINT}.`,
  };
}
