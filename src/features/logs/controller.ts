import * as vscode from 'vscode';
import { functionLogGroup, type FilterRequest, type LiveTailRequest, type LogsApi } from '../../aws/logs';
import { errorMessage } from '../../shared/errors';
import type { NotificationHandlers, RequestHandlers } from '../../shared/protocol';
import type { ConnectionKind } from '../../shared/target';
import { affects, readSettings, SettingKeys } from '../../workbench/config';
import type { ResolvedConnection } from '../../workbench/connections';
import type { TabController, TabHost } from '../../workbench/panel/tab';
import { LogFeed } from './logFeed';
import { logsProtocol, rowToText, type LogsProtocol } from './protocol';
import type { TailSource } from './tailSession';

/** What a Logs view needs from whatever hosts it (the function panel's tab, or the log group panel). */
export type LogsPort = Pick<TabHost<LogsProtocol>, 'notify' | 'visible' | 'log'>;

/** What to tail and how to reach it. */
export interface LogsSubject {
  title: string;
  subtitle: string;
  connectionKind: ConnectionKind;
  /** The connection as it is now (the Local Lambda gets a new endpoint when it restarts). */
  connection(): Promise<ResolvedConnection>;
  logGroup: string | (() => Promise<string>);
}

/** A tail starts with the last few minutes, so an invocation made just before opening the view is there. */
const HISTORY_MS = 5 * 60_000;

/** CloudWatch Logs of the connection as it is at each call (the Local Lambda may have restarted on another port). */
function connectionLogs(subject: LogsSubject): TailSource {
  const current = async (): Promise<LogsApi> => (await subject.connection()).logs();
  return {
    findLogGroup: async (name, options) => (await current()).findLogGroup(name, options),
    startLiveTail: async (request: LiveTailRequest, signal: AbortSignal) => (await current()).startLiveTail(request, signal),
    filterLogEvents: async (request: FilterRequest, signal?: AbortSignal) => (await current()).filterLogEvents(request, signal),
  };
}

/**
 * The extension side of a Logs view: owns the LogFeed (tail + buffer), answers the view's
 * messages, and replays the buffer whenever the view (re)loads.
 */
export class LogsController implements TabController<LogsProtocol> {
  readonly protocol = logsProtocol;
  private readonly feed: LogFeed;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly port: LogsPort,
    private readonly subject: LogsSubject,
  ) {
    this.feed = new LogFeed({
      source: connectionLogs(subject),
      logGroup: subject.logGroup,
      title: subject.title,
      subtitle: subject.subtitle,
      capacity: readSettings().logsBufferSize,
      send: (message) => this.port.notify(message.type, message.payload as never),
      canSend: () => this.ready && this.port.visible,
      since: Date.now() - HISTORY_MS,
      // CloudWatch indexes events for FilterLogEvents a moment after Live Tail shows them: read a gap twice.
      tail: { settleMs: subject.connectionKind === 'profile' ? 5000 : 0 },
      onError: (message) => this.port.log.warn(`Logs of ${subject.title}: ${message}`),
    });
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, SettingKeys.logsBufferSize)) this.feed.capacity = readSettings().logsBufferSize;
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

  readonly notifications: NotificationHandlers<LogsProtocol['fromWebview']> = {
    start: (filter) => this.feed.start(filter),
    pause: ({ paused }) => this.feed.setPaused(paused),
    clear: () => this.feed.clear(),
    copy: ({ text }) => this.copy(text),
  };

  readonly requests: RequestHandlers<LogsProtocol> = {
    setFilter: async (filter) => {
      await this.feed.setFilter(filter);
      return null;
    },
    reconnect: async () => {
      await this.feed.reconnect();
      return null;
    },
    save: () => this.save(),
    snapshot: () => ({ state: this.feed.state(), rows: this.feed.allRows(), sessions: this.feed.tail?.sessionsStarted ?? 0 }),
    dropConnection: () => {
      this.feed.tail?.forceDisconnect();
      return null;
    },
  };

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
    void this.feed.dispose();
  }
}

/** The Logs tab of a function panel: the function's log group (LoggingConfig.LogGroup, else /aws/lambda/<name>). */
export function createLogsTab(host: TabHost<LogsProtocol>): LogsController {
  const { target } = host;
  const where = `${target.connectionLabel} · ${target.region}`;
  return new LogsController(host, {
    title: `/aws/lambda/${target.functionName}`,
    subtitle: target.qualifier ? `${where} · opened from ${target.qualifier}` : where,
    connectionKind: target.connectionKind,
    connection: () => host.connection(),
    async logGroup() {
      const lambda = await host.lambda();
      try {
        const fn = await lambda.getFunction(target.functionName);
        return functionLogGroup(target.functionName, fn.Configuration?.LoggingConfig?.LogGroup);
      } catch (error) {
        host.log.warn(`Logs: could not read the logging configuration of ${target.functionName} (${errorMessage(error)}); using its default log group.`);
        return functionLogGroup(target.functionName);
      }
    },
  });
}
