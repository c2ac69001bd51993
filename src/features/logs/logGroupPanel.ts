import * as vscode from 'vscode';
import type { WorkbenchContext } from '../../workbench/context';
import { Disposable } from '../../shared/lifecycle';
import { isEnvelope, type Envelope } from '../../shared/target';
import { LogsController, type LogsSubject } from './controller';
import { webviewHtml, webviewPanelOptions, WEBVIEW_DIR } from '../../workbench/panel/html';

export const LOG_GROUP_PANEL_VIEW_TYPE = 'lambdaWorkbench.logGroupPanel';

/** Which log group a panel tails. */
export interface LogGroupTarget {
  connectionId: string;
  connectionLabel: string;
  connectionKind: 'local' | 'profile' | 'custom';
  region: string;
  logGroup: string;
}

const keyOf = (t: LogGroupTarget) => `${t.connectionId}|${t.region}|${t.logGroup}`;

/**
 * A panel showing one log group, with the Logs tab's view and controller (the webview app
 * "logs" mounts the same LogsView; messages use the function panel's envelope on tab "logs").
 */
export class LogGroupPanel extends Disposable {
  private ready = false;
  private readonly controller: LogsController;
  private readonly disposedEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(
    private readonly ctx: WorkbenchContext,
    readonly panel: vscode.WebviewPanel,
    readonly target: LogGroupTarget,
  ) {
    super();
    panel.title = target.logGroup;
    panel.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'lambda.svg');
    const subject: LogsSubject = {
      title: target.logGroup,
      subtitle: `${target.connectionLabel} · ${target.region}`,
      connectionKind: target.connectionKind,
      logGroup: target.logGroup,
      connection: async () => {
        if (target.connectionKind === 'local') await ctx.local.ensureStarted();
        else if (!ctx.model.connectionSpec(target.connectionId)) await ctx.model.getChildren();
        const spec = ctx.model.connectionSpec(target.connectionId);
        if (!spec) throw new Error(`Not connected to ${target.connectionLabel}. Refresh the Connections view, then try again.`);
        return { spec, region: target.region };
      },
    };
    this.controller = this._register(new LogsController({
      notify: (type, payload) => this.post({ tab: 'logs', kind: 'notify', type, payload }),
      get visible() {
        return panel.visible;
      },
      log: ctx.log,
    }, subject));
    this._register(panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message)));
    this._register(panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
      this.controller.onVisibilityChanged(panel.visible);
    }));
    this._register(panel.onDidDispose(() => this.dispose()));

    const root = ctx.extension.extensionUri.path.replace(/\/$/, '');
    const { enableScripts, localResourceRoots } = webviewPanelOptions(ctx.extension.extensionUri);
    panel.webview.options = { enableScripts, localResourceRoots };
    panel.webview.html = webviewHtml({
      cspSource: panel.webview.cspSource,
      resourceUri: (file) => panel.webview.asWebviewUri(ctx.extension.extensionUri.with({ path: `${root}/${WEBVIEW_DIR}/${file}` })).toString(),
      title: target.logGroup,
      script: 'logs.js',
      styles: ['codicon.css', 'logs.css'],
    });
  }

  private post(message: Envelope): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private async onMessage(message: unknown): Promise<void> {
    if (!isEnvelope(message)) return;
    if (message.tab === 'frame') {
      if (message.kind === 'notify' && message.type === 'ready') {
        this.ready = true;
        this.post({ tab: 'frame', kind: 'notify', type: 'init', payload: { title: this.target.logGroup } });
        this.controller.onReady();
      }
      return;
    }
    if (message.tab !== 'logs') return;
    if (message.kind === 'notify') {
      try {
        await this.controller.onNotify(message.type, message.payload);
      } catch (error) {
        this.ctx.log.error(`Logs, ${message.type}: ${error instanceof Error ? error.message : String(error)}`);
      }
    } else if (message.kind === 'request') {
      try {
        this.post({ tab: 'logs', kind: 'reply', id: message.id, payload: await this.controller.onRequest(message.type, message.payload) });
      } catch (error) {
        const text = error instanceof vscode.CancellationError ? 'Cancelled' : error instanceof Error ? error.message : String(error);
        this.post({ tab: 'logs', kind: 'error', id: message.id, message: text });
      }
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposedEmitter.fire();
    super.dispose();
    this.panel.dispose();
  }
}

/** The window's log group panels, one per (connection, region, group). */
export class LogGroupPanels extends Disposable {
  private readonly panels = new Map<string, LogGroupPanel>();

  constructor(private readonly ctx: WorkbenchContext) {
    super();
  }

  open(target: LogGroupTarget): LogGroupPanel {
    const existing = this.panels.get(keyOf(target));
    if (existing) {
      existing.panel.reveal(undefined, false);
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(
      LOG_GROUP_PANEL_VIEW_TYPE,
      target.logGroup,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      webviewPanelOptions(this.ctx.extension.extensionUri),
    );
    const panel = new LogGroupPanel(this.ctx, webviewPanel, target);
    this.panels.set(keyOf(target), panel);
    panel.onDidDispose(() => {
      if (this.panels.get(keyOf(target)) === panel) this.panels.delete(keyOf(target));
    });
    return panel;
  }

  find(target: LogGroupTarget): LogGroupPanel | undefined {
    return this.panels.get(keyOf(target));
  }

  override dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
    super.dispose();
  }
}
