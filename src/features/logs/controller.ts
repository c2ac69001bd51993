import * as vscode from 'vscode';
import type { ConnectionSpec } from '../../aws/connections';
import { functionLogGroup, LogsApi, type FilterRequest, type LiveTailRequest } from '../../aws/logs';
import { LogFeed, type FeedMessage } from './logFeed';
import type { TailSource } from './tailSession';
import { validate, type Schema } from '../../workbench/panel/validate';
import { resolveLambda } from '../../workbench/connection';
import type { TabController, TabHost } from '../../workbench/panel/tab';
import { LOGS_FILTER_LIMITS, rowToText, type LogRow, type LogsFilter, type LogsState } from './protocol';

/** What a Logs view needs from whatever hosts it (the function panel's tab, or the log group panel). */
export interface LogsPort {
  notify(type: string, payload?: unknown): void;
  readonly visible: boolean;
  readonly log: vscode.LogOutputChannel;
}

/** What to tail and how to reach it. */
export interface LogsSubject {
  title: string;
  subtitle: string;
  connectionKind: ConnectionSpec['kind'];
  /** The connection as it is now (the Local Lambda gets a new endpoint when it restarts). */
  connection(): Promise<{ spec: ConnectionSpec; region: string }>;
  logGroup: string | (() => Promise<string>);
}

const SETTING = 'lambdaWorkbench.logs.bufferSize';
/** A tail starts with the last few minutes, so an invocation made just before opening the view is there. */
const HISTORY_MS = 5 * 60_000;

function bufferSizeSetting(): number {
  const value = vscode.workspace.getConfiguration('lambdaWorkbench').get<unknown>('logs.bufferSize');
  return typeof value === 'number' && Number.isFinite(value) && value >= 100 ? Math.min(Math.floor(value), 1_000_000) : 10_000;
}

const filterSchema: Schema<LogsFilter> = {
  type: 'object',
  properties: {
    filterPattern: { type: 'string', maxLength: LOGS_FILTER_LIMITS.filterPattern },
    streamPrefix: { type: 'string', maxLength: LOGS_FILTER_LIMITS.streamPrefix },
  },
  required: ['filterPattern', 'streamPrefix'],
  additionalProperties: false,
};
const pauseSchema: Schema<{ paused: boolean }> = {
  type: 'object', properties: { paused: { type: 'boolean' } }, required: ['paused'], additionalProperties: false,
};
const copySchema: Schema<{ text: string }> = {
  type: 'object', properties: { text: { type: 'string', maxLength: 64 * 1024 * 1024 } }, required: ['text'], additionalProperties: false,
};

/**
 * CloudWatch Logs for the connection as it is at each call: a new LogsApi when the endpoint or
 * credentials changed (e.g. the Local Lambda restarted on another port).
 */
class ConnectionLogsSource implements TailSource {
  private api?: LogsApi;
  private key?: string;

  constructor(private readonly subject: LogsSubject) {}

  private async current(): Promise<LogsApi> {
    const { spec, region } = await this.subject.connection();
    const key = JSON.stringify([spec.id, spec.endpoint, spec.staticCredentials?.accessKeyId, spec.profile?.name, region]);
    if (!this.api || key !== this.key) {
      this.api?.dispose();
      this.api = new LogsApi(spec, region);
      this.key = key;
    }
    return this.api;
  }

  async findLogGroup(name: string) {
    return (await this.current()).findLogGroup(name);
  }
  async startLiveTail(request: LiveTailRequest, signal: AbortSignal) {
    return (await this.current()).startLiveTail(request, signal);
  }
  async filterLogEvents(request: FilterRequest, signal?: AbortSignal) {
    return (await this.current()).filterLogEvents(request, signal);
  }
  async describeLogGroups(prefix?: string) {
    return (await this.current()).describeLogGroups(prefix);
  }

  dispose(): void {
    this.api?.dispose();
    this.api = undefined;
  }
}

/**
 * The extension side of a Logs view: owns the LogFeed (tail + buffer), answers the view's
 * messages, and replays the buffer whenever the view (re)loads.
 */
export class LogsController implements TabController {
  private readonly feed: LogFeed;
  private readonly source: ConnectionLogsSource;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly port: LogsPort,
    private readonly subject: LogsSubject,
  ) {
    this.source = new ConnectionLogsSource(subject);
    this.feed = new LogFeed({
      source: this.source,
      logGroup: subject.logGroup,
      title: subject.title,
      subtitle: subject.subtitle,
      capacity: bufferSizeSetting(),
      send: (message: FeedMessage) => this.port.notify(message.type, message.payload),
      canSend: () => this.ready && this.port.visible,
      since: Date.now() - HISTORY_MS,
      // CloudWatch indexes events for FilterLogEvents a moment after Live Tail shows them: read a gap twice.
      tail: { settleMs: subject.connectionKind === 'profile' ? 5000 : 0 },
      onError: (message) => this.port.log.warn(`Logs of ${subject.title}: ${message}`),
    });
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTING)) this.feed.capacity = bufferSizeSetting();
    }));
  }

  onReady(): void {
    this.ready = true;
    this.feed.replay();
  }

  onVisibilityChanged(visible: boolean): void {
    // The document is destroyed while hidden; onReady replays everything when it is back.
    if (!visible) this.ready = false;
  }

  onNotify(type: string, payload: unknown): void | Promise<void> {
    switch (type) {
      case 'start': {
        this.feed.start(validate(filterSchema, payload, 'logs filter'));
        return;
      }
      case 'pause':
        this.feed.setPaused(validate(pauseSchema, payload, 'pause').paused);
        return;
      case 'clear':
        this.feed.clear();
        return;
      case 'copy':
        return this.copy(validate(copySchema, payload, 'copied text').text);
      default:
        this.port.log.warn(`Logs: ignored message "${type}"`);
    }
  }

  async onRequest(type: string, payload: unknown): Promise<unknown> {
    switch (type) {
      case 'setFilter':
        await this.feed.setFilter(validate(filterSchema, payload, 'logs filter'));
        return null;
      case 'reconnect':
        await this.feed.reconnect();
        return null;
      case 'save':
        return this.save();
      // For tests and diagnostics: what the view would show, and dropping the live connection.
      case 'snapshot':
        return { state: this.feed.state(), rows: this.feed.allRows(), sessions: this.feed.tail?.sessionsStarted ?? 0 } satisfies LogsSnapshot;
      case 'dropConnection':
        this.feed.tail?.forceDisconnect();
        return null;
      default:
        throw new Error(`Unknown Logs request "${type}".`);
    }
  }

  private async copy(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
    const lines = text ? text.split('\n').length : 0;
    vscode.window.setStatusBarMessage(`Copied ${lines} log line${lines === 1 ? '' : 's'}`, 3000);
  }

  private async save(): Promise<{ path: string } | null> {
    const rows = this.feed.allRows();
    if (rows.length === 0) throw new Error('There are no log lines to save.');
    const base = (this.feed.logGroup ?? this.subject.title).replace(/^\/+/, '').replace(/[^\w.-]+/g, '-');
    const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: 'Save Log Lines',
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${base}-${stamp}.log`) : undefined,
      filters: { 'Log files': ['log', 'txt'] },
    });
    if (!target) return null;
    await vscode.workspace.fs.writeFile(target, Buffer.from(`${rows.map(rowToText).join('\n')}\n`, 'utf8'));
    return { path: target.fsPath };
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    void this.feed.dispose().finally(() => this.source.dispose());
  }
}

export interface LogsSnapshot {
  state: LogsState;
  rows: LogRow[];
  sessions: number;
}

/** The Logs tab of a function panel: the function's log group (LoggingConfig.LogGroup, else /aws/lambda/<name>). */
export function createLogsTab(host: TabHost): LogsController {
  const { target } = host;
  const where = `${target.connectionLabel} · ${target.region}`;
  return new LogsController(host, {
    title: `/aws/lambda/${target.functionName}`,
    subtitle: target.qualifier ? `${where} · opened from ${target.qualifier}` : where,
    connectionKind: target.connectionKind,
    async connection() {
      await resolveLambda(host);
      const spec = host.workbench.model.connectionSpec(target.connectionId);
      if (!spec) throw new Error(`Not connected to ${target.connectionLabel}. Refresh the Connections view, then try again.`);
      return { spec, region: target.region };
    },
    async logGroup() {
      const lambda = await resolveLambda(host);
      try {
        const fn = await lambda.getFunction(target.functionName);
        return functionLogGroup(target.functionName, fn.Configuration?.LoggingConfig?.LogGroup);
      } catch (error) {
        host.log.warn(`Logs: could not read the logging configuration of ${target.functionName} (${error instanceof Error ? error.message : String(error)}); using its default log group.`);
        return functionLogGroup(target.functionName);
      }
    },
  });
}
