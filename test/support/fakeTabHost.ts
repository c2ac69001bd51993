/**
 * A TabHost for driving a tab controller the way the function panel does, without a webview:
 * it records every notification the controller sends, and hands out real connections (a real
 * LambdaApi and LogsApi) to a Local Lambda running in this process.
 */
import type * as vscode from 'vscode';
import type { LambdaApi } from '../../src/aws/lambda';
import { Emitter } from '../../src/shared/events';
import type { IDisposable } from '../../src/shared/lifecycle';
import type { MementoLike } from '../../src/shared/memento';
import type { PayloadOf, Protocol } from '../../src/shared/protocol';
import type { FunctionTarget } from '../../src/shared/target';
import { Connections, type ResolvedConnection } from '../../src/workbench/connections';
import type { FunctionRef, Workbench } from '../../src/workbench/context';
import type { TabHost } from '../../src/workbench/panel/tab';
import type { LocalLambda } from '../../src/local/server';
import { InProcessLocalLambda } from './localLambda';

export interface LogLine {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/** A LogOutputChannel that keeps its lines. */
export function recordingLog(): vscode.LogOutputChannel & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string | Error) => void lines.push({ level, message: String(message instanceof Error ? message.message : message) });
  const log = {
    lines,
    name: 'test log',
    logLevel: 3,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    append: () => undefined,
    appendLine: () => undefined,
    replace: () => undefined,
    clear: () => undefined,
    show: () => undefined,
    hide: () => undefined,
    dispose: () => undefined,
    onDidChangeLogLevel: () => ({ dispose: () => undefined }),
  };
  return log as unknown as vscode.LogOutputChannel & { lines: LogLine[] };
}

/** VS Code's Memento, in memory. */
export function memoryMemento(): MementoLike & { keys(): readonly string[]; setKeysForSync(keys: readonly string[]): void } {
  const values = new Map<string, unknown>();
  return {
    get: <T>(key: string) => values.get(key) as T | undefined,
    update: async (key: string, value: unknown) => {
      if (value === undefined) values.delete(key);
      else values.set(key, structuredClone(value));
    },
    keys: () => [...values.keys()],
    setKeysForSync: () => undefined,
  };
}

/**
 * The part of the Workbench a tab controller stands on: the log, storage, the connections (to
 * the in-process Local Lambda) and function-change announcements, which it records.
 */
export class FakeWorkbench implements IDisposable {
  readonly log = recordingLog();
  readonly local: InProcessLocalLambda;
  readonly connections: Connections;
  readonly announced: FunctionRef[] = [];
  readonly shownErrors: string[] = [];
  readonly extension: { workspaceState: MementoLike; globalState: MementoLike; subscriptions: IDisposable[] };
  private readonly functionChanged = new Emitter<FunctionRef>();
  readonly onDidChangeFunction = this.functionChanged.event;

  constructor(server: LocalLambda) {
    this.local = new InProcessLocalLambda(server);
    this.connections = new Connections({ settings: () => ({ regions: ['us-east-1'], customEndpoints: [], localEnabled: true }), listProfiles: async () => [], local: this.local });
    this.extension = { workspaceState: memoryMemento(), globalState: memoryMemento(), subscriptions: [] };
  }

  own<T extends IDisposable>(value: T): T {
    this.extension.subscriptions.push(value);
    return value;
  }

  announceFunctionChange(ref: FunctionRef): void {
    this.announced.push({ connectionId: ref.connectionId, region: ref.region, functionName: ref.functionName });
    this.functionChanged.fire(ref);
  }

  async showError(error: unknown, prefix?: string): Promise<void> {
    this.shownErrors.push(`${prefix ? `${prefix}: ` : ''}${error instanceof Error ? error.message : String(error)}`);
  }

  /** As the Workbench is typed for the code under test. */
  get asWorkbench(): Workbench {
    return this as unknown as Workbench;
  }

  dispose(): void {
    for (const d of this.extension.subscriptions.splice(0).reverse()) d.dispose();
    this.connections.dispose();
    this.functionChanged.dispose();
  }
}

export interface Sent {
  type: string;
  payload: unknown;
}

/** A function panel's host for one tab, recording what the tab sends to its webview. */
export class FakeTabHost<P extends Protocol> implements TabHost<P> {
  readonly sent: Sent[] = [];
  visible = true;
  revealed = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly workbench: Workbench,
    public target: FunctionTarget,
  ) {}

  get log(): vscode.LogOutputChannel {
    return this.workbench.log;
  }

  connection(): Promise<ResolvedConnection> {
    return this.workbench.connections.resolve(this.target);
  }

  async lambda(): Promise<LambdaApi> {
    return (await this.connection()).lambda;
  }

  readonly notify = ((type: string, ...payload: unknown[]) => {
    this.sent.push({ type, payload: structuredClone(payload[0]) });
    for (const wake of [...this.waiters]) wake();
  }) as TabHost<P>['notify'];

  /** The last dirty flag the tab reported (the panel title's dot). */
  dirty = false;
  setDirty(dirty: boolean): void {
    this.dirty = dirty;
  }

  reveal(): void {
    this.revealed++;
  }

  /** Payloads of the notifications of one type, oldest first. */
  all<K extends keyof P['toWebview'] & string>(type: K): PayloadOf<P['toWebview'][K]>[] {
    return this.sent.filter((m) => m.type === type).map((m) => m.payload as PayloadOf<P['toWebview'][K]>);
  }

  /** The last notification of one type, if any. */
  last<K extends keyof P['toWebview'] & string>(type: K): PayloadOf<P['toWebview'][K]> | undefined {
    return this.all(type).at(-1);
  }

  /** Waits until a notification of `type` satisfies `check` (looking at those already sent, too). */
  async waitFor<K extends keyof P['toWebview'] & string>(
    type: K,
    check: (payload: PayloadOf<P['toWebview'][K]>) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<PayloadOf<P['toWebview'][K]>> {
    const found = () => this.all(type).find(check);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = found();
      if (hit !== undefined) return hit;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.all(type).slice(-3).map((p) => JSON.stringify(p)?.slice(0, 300));
        throw new Error(`timed out waiting for ${what}; last "${type}" notifications: ${seen.join(' | ') || 'none'}`);
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 200));
        this.waiters.add(wake);
      });
    }
  }
}

/** The Local Lambda's place for a function, as the tree hands it to a panel. */
export function localTarget(functionName: string, qualifier?: string): FunctionTarget {
  return { connectionId: 'local', connectionLabel: 'Local Lambda', connectionKind: 'local', region: 'us-east-1', functionName, ...(qualifier ? { qualifier } : {}) };
}
