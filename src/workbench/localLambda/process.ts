import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { LocalLambdaError } from '../../aws/errors';
import type { StaticCredentials } from '../../aws/connections';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../shared/lambda/arn';
import { parseNote, type LocalLambdaNote } from '../../shared/localLambdaNotes';

/** What the Local Lambda announces on its first stdout line. */
export interface LocalLambdaInfo {
  endpoint: string;
  region: string;
  accountId: string;
  credentials: StaticCredentials;
}

export interface LocalLambdaProcessOptions {
  /** The extension's install folder (holds dist/local.js). */
  extensionPath: string;
  /** The program to run; default `<extensionPath>/dist/local.js`. */
  script?: string;
  /** The folder whose functions the Local Lambda serves. */
  folder: string;
  /** The extension's global storage folder; state goes in <it>/local-lambda/<hash of folder>. */
  storagePath: string;
  /** Variables for the program besides the editor's own (its settings, as JSON). */
  environment?: Record<string, string>;
  /** Receives the program's human-readable output lines. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Receives the program's notes (builds, runtime warnings), parsed. */
  onNote?: (note: LocalLambdaNote) => void;
  /** Called when the program exits on its own (not through stop()). */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  readyTimeoutMs?: number;
}

export const READY_PREFIX = 'LOCAL_LAMBDA_READY ';

/** What the extension can ask of the running program besides its API. */
export type LocalLambdaCommand = { command: 'cancelBuilds' };
const STDERR_KEPT = 4_000;
const KILL_AFTER_MS = 3_000;

/** Parses `LOCAL_LAMBDA_READY {...}`; undefined when the line is not a valid READY line. */
export function parseReadyLine(line: string): LocalLambdaInfo | undefined {
  if (!line.startsWith(READY_PREFIX)) return undefined;
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(line.slice(READY_PREFIX.length)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { endpoint, region, accountId, accessKeyId, secretAccessKey } = data;
  if (typeof endpoint !== 'string' || typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string') return undefined;
  return {
    endpoint,
    region: typeof region === 'string' ? region : LOCAL_REGION,
    accountId: typeof accountId === 'string' ? accountId : LOCAL_ACCOUNT_ID,
    credentials: { accessKeyId, secretAccessKey },
  };
}

/** Data folder per workspace folder, so two folders never share functions. */
export function localDataDir(storagePath: string, folder: string): string {
  const hash = createHash('sha256').update(path.resolve(folder)).digest('hex').slice(0, 16);
  return path.join(storagePath, 'local-lambda', hash);
}

/**
 * Runs the bundled Local Lambda program as a child process using the editor's own Node
 * (ELECTRON_RUN_AS_NODE), and stops it when disposed.
 */
export class LocalLambdaProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private stopping = false;

  constructor(private readonly options: LocalLambdaProcessOptions) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): Promise<LocalLambdaInfo> {
    const { extensionPath, folder, storagePath } = this.options;
    const script = this.options.script ?? path.join(extensionPath, 'dist', 'local.js');
    const args = [script, '--dir', folder, '--port', '0', '--data-dir', localDataDir(storagePath, folder), '--notes', 'json'];
    const child = spawn(process.execPath, args, {
      cwd: folder,
      env: { ...process.env, ...this.options.environment, ELECTRON_RUN_AS_NODE: '1' },
      // Its stdin is the control channel: commands as JSON lines, and its end tells the program we are gone.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.stopping = false;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));

    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
      for (const line of chunk.split(/\r?\n/)) if (line) this.options.onOutput?.(line, 'stderr');
    });

    return new Promise<LocalLambdaInfo>((resolve, reject) => {
      let ready = false;
      const fail = (reason: string) => {
        if (ready) return;
        ready = true;
        clearTimeout(timer);
        void this.stop();
        const tail = stderr.trim();
        reject(new LocalLambdaError(`Local Lambda did not start: ${reason}${tail ? `\n${tail}` : ''}`));
      };
      const timeoutMs = this.options.readyTimeoutMs ?? 20_000;
      const timer = setTimeout(() => fail(`no ready signal within ${timeoutMs / 1000} s`), timeoutMs);

      let secret: string | undefined;
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        if (!ready) {
          const info = parseReadyLine(line);
          if (!info) return fail(`unexpected first output line: ${line.slice(0, 200)}`);
          ready = true;
          secret = info.credentials.secretAccessKey;
          clearTimeout(timer);
          resolve(info);
          return;
        }
        // The program echoes its credentials for people running it by hand; logs must not keep them.
        const shown = secret ? line.split(secret).join('********') : line;
        const note = parseNote(shown);
        if (note) {
          this.options.onOutput?.(note.level === 'info' ? note.message : `${note.level}: ${note.message}`, note.level === 'info' ? 'stdout' : 'stderr');
          this.options.onNote?.(note);
        } else {
          this.options.onOutput?.(shown, 'stdout');
        }
      });
      child.once('error', (error) => fail(error.message));
      child.once('exit', (code, signal) => {
        fail(`the process exited (${signal ?? `code ${code}`})`);
        if (ready && !this.stopping) this.options.onExit?.(code, signal);
      });
    });
  }

  /** Sends the running program a control command (one JSON line on its stdin). */
  send(command: LocalLambdaCommand): void {
    if (this.running) this.child?.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  /** SIGTERM, then SIGKILL if the program is still running after 3 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.stopping = true;
    child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    await this.exited;
    clearTimeout(killTimer);
  }

  dispose(): void {
    void this.stop();
  }
}
