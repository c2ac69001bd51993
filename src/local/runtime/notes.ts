import type { BuildStepNote, DebugTargetNote } from '../../shared/localLambdaNotes';

/**
 * What the runtimes tell the person running the Local Lambda, beside the functions' own logs:
 * which interpreter runs a runtime and version mismatches, where the libraries Lambda's runtimes
 * provide came from, and dependency builds. The CLI prints them (the extension shows them in its
 * Output channel); the server keeps them for its status and the API.
 */
export interface RuntimeNote {
  time: number;
  level: 'info' | 'warning' | 'error';
  kind: 'runtime-version' | 'runtime-libraries' | 'dependencies' | 'build' | 'configuration' | 'debug';
  message: string;
  /** The function the note is about; absent for notes about a runtime or the whole program. */
  functionName?: string;
  runtime?: string;
  /** A build step the note reports (a pip or npm install, a bundle): started, then finished or failed. */
  build?: BuildStepNote;
  /** A debug session's runtime waits for a debugger here. */
  debug?: DebugTargetNote;
}

export type NoteInput = Omit<RuntimeNote, 'time'>;

/**
 * Receives notes. `onceKey` makes a note appear once per Local Lambda run (per key); returns
 * whether the note was new.
 */
export type NoteSink = (note: NoteInput, onceKey?: string) => boolean;
