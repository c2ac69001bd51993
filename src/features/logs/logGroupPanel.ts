import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors';
import { Disposable } from '../../shared/lifecycle';
import { FRAME_CHANNEL, type Envelope } from '../../shared/protocol';
import type { ConnectionKind } from '../../shared/target';
import type { Workbench } from '../../workbench/context';
import { ViewTypes } from '../../workbench/ids';
import { showWebviewApp, webviewPanelOptions } from '../../workbench/panel/html';
import { EnvelopeRouter } from '../../workbench/panel/router';
import { LogsController } from './controller';
import { logGroupFrameProtocol, type LogGroupFrameProtocol, type LogsProtocol } from './protocol';

/** Which log group a panel tails. */
export interface LogGroupTarget {
  connectionId: string;
  connectionLabel: string;
  connectionKind: ConnectionKind;
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
  private readonly router: EnvelopeRouter;
  private readonly disposedEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(
    ws: Workbench,
    readonly panel: vscode.WebviewPanel,
    readonly target: LogGroupTarget,
  ) {
    super();
    panel.title = target.logGroup;
    panel.iconPath = vscode.Uri.joinPath(ws.extension.extensionUri, 'media', 'lambda.svg');
    this.router = new EnvelopeRouter(ws.log, `Log group ${target.logGroup}`);
    const post = (message: Envelope) => {
      if (this.ready) void this.panel.webview.postMessage(message);
    };
    this.controller = this._register(new LogsController({
      notify: this.router.notifier<LogsProtocol>('logs', post),
      get visible() {
        return panel.visible;
      },
      log: ws.log,
    }, {
      title: target.logGroup,
      subtitle: `${target.connectionLabel} · ${target.region}`,
      connectionKind: target.connectionKind,
      logGroup: target.logGroup,
      connection: () => ws.connections.resolve(target),
    }));
    const init = this.router.notifier<LogGroupFrameProtocol>(FRAME_CHANNEL, post);
    this.router.add(FRAME_CHANNEL, {
      protocol: logGroupFrameProtocol,
      requests: {},
      notifications: {
        ready: () => {
          this.ready = true;
          init('init', { title: this.target.logGroup });
          try {
            this.controller.onReady();
          } catch (error) {
            ws.log.error(`Log group ${target.logGroup}, ready: ${errorMessage(error)}`);
          }
        },
      },
    });
    this.router.add('logs', this.controller);
    this._register(panel.webview.onDidReceiveMessage(async (message: unknown) => {
      const answer = await this.router.dispatch(message);
      if (answer) post(answer);
    }));
    this._register(panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
      this.controller.onVisibilityChanged(panel.visible);
    }));
    this._register(panel.onDidDispose(() => this.dispose()));
    showWebviewApp(panel.webview, ws.extension.extensionUri, 'logs', target.logGroup);
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

  constructor(private readonly ws: Workbench) {
    super();
  }

  open(target: LogGroupTarget): LogGroupPanel {
    const existing = this.panels.get(keyOf(target));
    if (existing) {
      existing.panel.reveal(undefined, false);
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(
      ViewTypes.logGroupPanel,
      target.logGroup,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      webviewPanelOptions(this.ws.extension.extensionUri),
    );
    const panel = new LogGroupPanel(this.ws, webviewPanel, target);
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
