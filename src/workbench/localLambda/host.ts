import { LocalLambdaError } from '../../aws/errors';
import type { LocalLambdaInfo, LocalLambdaProcess } from './process';
import { Emitter } from '../../shared/events';
import type { IDisposable } from '../../shared/lifecycle';
import type { LocalLambdaNote } from '../../shared/localLambdaNotes';
import type { Logger } from '../../shared/logger';
import { errorMessage } from '../../shared/errors';
import { RESTRICTED_LOCAL_MESSAGE, RestrictedModeError } from '../trust';

/** `restricted`: the folder is not trusted, so nothing of it runs until it is. */
export type LocalLambdaState = 'stopped' | 'starting' | 'running' | 'failed' | 'restricted';

export interface LocalLambdaHostOptions {
  extensionPath: string;
  /** The program to run; default the bundled one (see LocalLambdaProcess). */
  script?: string;
  storagePath: string;
  /** The folder to serve, or undefined when no folder is open. */
  resolveFolder: () => string | undefined;
  /** Variables the program is started with (its settings). */
  environment?: () => Record<string, string>;
  /** Whether the folder is trusted (Workspace Trust); absent means always. */
  isTrusted?: () => boolean;
  log: Logger;
}

/** What the tree needs from the Local Lambda: its state, and a way to start it. */
export interface LocalLambdaSource {
  readonly state: LocalLambdaState;
  readonly info: LocalLambdaInfo | undefined;
  readonly error: string | undefined;
  readonly onDidChangeState: (listener: (state: LocalLambdaState) => void) => IDisposable;
  ensureStarted(): Promise<LocalLambdaInfo>;
  /** Forget a failure so the next expand tries again. */
  resetFailure(): void;
  /** The person stopped it: it stays stopped (nothing starts it on its own) until they start it. */
  readonly stoppedByUser?: boolean;
}

export const STOPPED_BY_USER_MESSAGE = 'The Local Lambda is stopped. Start it with ▶ on its row in the tree, or "Lambda: Start Local Lambda".';

/** Owns the Local Lambda process for the window: starts it on demand, at most once at a time. */
export class LocalLambdaHost implements LocalLambdaSource, IDisposable {
  private process?: LocalLambdaProcess;
  private disposed = false;
  private starting?: Promise<LocalLambdaInfo>;
  private current: { state: LocalLambdaState; info?: LocalLambdaInfo; error?: string } = { state: 'stopped' };
  private readonly changed = new Emitter<LocalLambdaState>();
  readonly onDidChangeState = this.changed.event;
  private readonly noted = new Emitter<LocalLambdaNote>();
  /** The running program's notes: builds starting and ending, runtime warnings. */
  readonly onDidNote = this.noted.event;

  constructor(private readonly options: LocalLambdaHostOptions) {
    if (!this.trusted) this.current = { state: 'restricted', error: RESTRICTED_LOCAL_MESSAGE };
  }

  private get trusted(): boolean {
    return this.options.isTrusted?.() ?? true;
  }

  get state(): LocalLambdaState {
    return this.current.state;
  }
  get info(): LocalLambdaInfo | undefined {
    return this.current.info;
  }
  get error(): string | undefined {
    return this.current.error;
  }

  private set(state: LocalLambdaState, info?: LocalLambdaInfo, error?: string): void {
    this.current = { state, info, error };
    this.changed.fire(state);
  }

  private held = false;

  get stoppedByUser(): boolean {
    return this.held && this.current.state === 'stopped';
  }

  /** Starts on the person's request: also after they stopped it. */
  startByUser(): Promise<LocalLambdaInfo> {
    this.held = false;
    return this.ensureStarted();
  }

  ensureStarted(): Promise<LocalLambdaInfo> {
    if (this.current.state === 'running' && this.current.info) return Promise.resolve(this.current.info);
    if (this.held && this.current.state === 'stopped') return Promise.reject(new LocalLambdaError(STOPPED_BY_USER_MESSAGE));
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<LocalLambdaInfo> {
    const { log } = this.options;
    if (!this.trusted) {
      if (this.current.state !== 'restricted') this.set('restricted', undefined, RESTRICTED_LOCAL_MESSAGE);
      throw new RestrictedModeError('Running the Local Lambda');
    }
    const folder = this.options.resolveFolder();
    if (!folder) {
      const message = 'Open a folder to use the Local Lambda: it serves the functions found in that folder.';
      this.set('failed', undefined, message);
      throw new LocalLambdaError(message);
    }
    this.set('starting');
    // The code that runs the program loads with the first start, not at activation.
    const { LocalLambdaProcess } = await import('./process.js');
    if (this.disposed) throw new LocalLambdaError('The window is closing, so the Local Lambda does not start.');
    const proc = new LocalLambdaProcess({
      extensionPath: this.options.extensionPath,
      script: this.options.script,
      storagePath: this.options.storagePath,
      folder,
      environment: this.options.environment?.(),
      onNote: (note) => {
        if (this.process === proc) this.noted.fire(note);
      },
      onOutput: (line, stream) => (stream === 'stderr' ? log.warn(`[local] ${line}`) : log.info(`[local] ${line}`)),
      onExit: (code, signal) => {
        if (this.process !== proc) return;
        this.process = undefined;
        const message = `Local Lambda stopped unexpectedly (${signal ?? `exit code ${code}`}).`;
        log.error(message);
        this.set('failed', undefined, message);
      },
    });
    this.process = proc;
    try {
      const info = await proc.start();
      // The READY line carries credentials: log only where the server is.
      log.info(`Local Lambda serving ${folder} at ${info.endpoint}`);
      this.set('running', info);
      return info;
    } catch (error) {
      this.process = undefined;
      const message = errorMessage(error);
      log.error(message);
      this.set('failed', undefined, message);
      throw error;
    }
  }

  /** Stops the program; `byUser`: and keeps it stopped until startByUser() (a Stop command). */
  async stop(options: { byUser?: boolean } = {}): Promise<void> {
    if (options.byUser) this.held = true;
    await this.starting?.catch(() => undefined);
    const proc = this.process;
    this.process = undefined;
    if (proc) {
      await proc.stop();
      this.options.log.info('Local Lambda stopped.');
    }
    if (this.trusted) this.set('stopped');
    else if (this.current.state !== 'restricted') this.set('restricted', undefined, RESTRICTED_LOCAL_MESSAGE);
  }

  /** Stops the builds the program is running (dependency installs, bundling). */
  cancelBuilds(): void {
    this.process?.send({ command: 'cancelBuilds' });
  }

  async restart(): Promise<LocalLambdaInfo> {
    await this.stop();
    return this.startByUser();
  }

  /** Forget a failure so the next expand tries again. */
  resetFailure(): void {
    if (this.current.state === 'failed') this.set('stopped');
  }

  /** The folder became trusted: what was held back may start now (on the next ensureStarted). */
  trustGranted(): void {
    if (this.current.state === 'restricted' && this.trusted) this.set('stopped');
  }

  dispose(): void {
    this.disposed = true;
    this.process?.dispose();
    this.process = undefined;
    this.changed.dispose();
    this.noted.dispose();
  }
}
