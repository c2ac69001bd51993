/**
 * What the Local Lambda tells whoever started it, beside its API: builds (dependency installs,
 * bundling), which interpreter runs a runtime, where runtime-provided libraries came from,
 * template problems. A person running the program reads them as text; the extension asks for one
 * JSON line each (`LOCAL_LAMBDA_NOTE {…}`) to show build progress and failures.
 */

export const NOTE_PREFIX = 'LOCAL_LAMBDA_NOTE ';

export type NoteLevel = 'info' | 'warning' | 'error';

/** One step of a build, from `started` to `finished` or `failed`. */
export interface BuildStepNote {
  /** The same for a step's started and finished/failed notes. */
  id: string;
  phase: 'started' | 'finished' | 'failed';
  /** What is being done, e.g. "Installing the dependencies of hello-ts". */
  title: string;
  /** The command to run by hand, on failure. */
  command?: string;
  durationMs?: number;
}

/**
 * A debug session's runtime is waiting for a debugger: where it listens (loopback only, a fresh
 * port per session) and what the debugger needs to know of the function's files.
 */
export interface DebugTargetNote {
  /** The id the caller gave the invocation (X-Local-Debug-Session). */
  session: string;
  runtime: 'node' | 'python';
  host: '127.0.0.1';
  port: number;
  /** The folder the function runs from (for a built function, its build output with source maps). */
  codeDir: string;
  /** The folder of the Local Lambda's own bootstrap, for the debugger to skip. */
  runtimeDir: string;
}

export interface LocalLambdaNote {
  level: NoteLevel;
  /** e.g. "build", "dependencies", "runtime-version", "runtime-libraries", "template", "configuration". */
  kind: string;
  message: string;
  functionName?: string;
  build?: BuildStepNote;
  debug?: DebugTargetNote;
}

const LEVELS: readonly string[] = ['info', 'warning', 'error'];
const PHASES: readonly string[] = ['started', 'finished', 'failed'];
/** A note line is bounded so a runaway message cannot flood the reader. */
const MAX_LINE = 64 * 1024;

export function formatNote(note: LocalLambdaNote): string {
  return `${NOTE_PREFIX}${JSON.stringify(note)}`;
}

const str = (v: unknown): v is string => typeof v === 'string';

/** The note a line carries; undefined for any other line (or a malformed note). */
export function parseNote(line: string): LocalLambdaNote | undefined {
  if (!line.startsWith(NOTE_PREFIX) || line.length > MAX_LINE) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line.slice(NOTE_PREFIX.length));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!str(v.level) || !LEVELS.includes(v.level) || !str(v.kind) || !str(v.message)) return undefined;
  const note: LocalLambdaNote = { level: v.level as NoteLevel, kind: v.kind, message: v.message };
  if (str(v.functionName)) note.functionName = v.functionName;
  const b = v.build as Record<string, unknown> | undefined;
  if (typeof b === 'object' && b !== null && str(b.id) && str(b.phase) && PHASES.includes(b.phase) && str(b.title)) {
    note.build = { id: b.id, phase: b.phase as BuildStepNote['phase'], title: b.title };
    if (str(b.command)) note.build.command = b.command;
    if (typeof b.durationMs === 'number' && Number.isFinite(b.durationMs)) note.build.durationMs = b.durationMs;
  }
  const d = v.debug as Record<string, unknown> | undefined;
  if (typeof d === 'object' && d !== null && str(d.session) && (d.runtime === 'node' || d.runtime === 'python') && d.host === '127.0.0.1'
    && typeof d.port === 'number' && Number.isInteger(d.port) && d.port > 0 && d.port < 65536 && str(d.codeDir) && str(d.runtimeDir)) {
    note.debug = { session: d.session, runtime: d.runtime, host: d.host, port: d.port, codeDir: d.codeDir, runtimeDir: d.runtimeDir };
  }
  return note;
}
