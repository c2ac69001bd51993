import * as vscode from 'vscode';
import { WorkbenchError } from '../../aws/errors';
import type { LambdaApi } from '../../aws/lambda';
import type { WorkbenchContext } from '../../workbench/context';
import { Disposable } from '../../shared/lifecycle';
import { validate, type Schema } from '../../workbench/panel/validate';
import { showWebviewApp, webviewPanelOptions } from '../../workbench/panel/html';
import { isEnvelope, isFunctionTarget, isTabId, TAB_IDS, TAB_TITLES, targetKey, type Envelope, type FrameInit, type FunctionTarget, type TabId } from '../../shared/target';
import type { TabController, TabHost } from '../../workbench/panel/tab';
import { TAB_REGISTRATIONS } from './tabs';

export const FUNCTION_PANEL_VIEW_TYPE = 'lambdaWorkbench.functionPanel';

/** What the webview keeps with setState; the serializer gets it back after a reload. */
interface PersistedFrameState {
  target: FunctionTarget;
  activeTab?: TabId;
}

const tabChangedSchema: Schema<{ tab: TabId }> = {
  type: 'object',
  properties: { tab: { type: 'string', enum: [...TAB_IDS] } },
  required: ['tab'],
  additionalProperties: false,
};

function panelTitle(target: FunctionTarget): string {
  return target.connectionKind === 'local' ? target.functionName : `${target.functionName} · ${target.connectionLabel}`;
}

/**
 * One function's panel: a webview with a tab per registered TabController. The frame owns the
 * webview, the ready handshake and the routing of envelopes; the tabs own everything else.
 */
export class FunctionPanel extends Disposable {
  private readonly controllers = new Map<TabId, TabController>();
  private activeTab: TabId;
  /** A webview document has sent `ready`; notifications before that are dropped (tabs replay in onReady). */
  private ready = false;
  /** Increments on every (re)load of the webview document, so replies to a gone document are dropped. */
  private generation = 0;
  private readonly disposedEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(
    private readonly ctx: WorkbenchContext,
    readonly webviewPanel: vscode.WebviewPanel,
    private currentTarget: FunctionTarget,
    initialTab: TabId,
  ) {
    super();
    this.activeTab = initialTab;
    webviewPanel.title = panelTitle(currentTarget);
    webviewPanel.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'lambda.svg');
    for (const registration of TAB_REGISTRATIONS) {
      this.controllers.set(registration.id, this._register(registration.create(this.hostFor(registration.id))));
    }
    if (!this.controllers.has(this.activeTab)) this.activeTab = this.tabs()[0] ?? initialTab;

    this._register(webviewPanel.webview.onDidReceiveMessage((message: unknown) => void this.onWebviewMessage(message)));
    let wasVisible = webviewPanel.visible;
    this._register(
      webviewPanel.onDidChangeViewState(() => {
        if (webviewPanel.visible === wasVisible) return;
        wasVisible = webviewPanel.visible;
        // Without retainContextWhenHidden the document is destroyed while hidden (VS Code drops
        // messages to it) and reloads when shown, saying `ready` again.
        for (const controller of this.controllers.values()) controller.onVisibilityChanged?.(wasVisible);
      }),
    );
    this._register(webviewPanel.onDidDispose(() => this.dispose()));
    showWebviewApp(webviewPanel.webview, ctx.extension.extensionUri, 'function', panelTitle(currentTarget));
  }

  get target(): FunctionTarget {
    return this.currentTarget;
  }

  /** The webview document has loaded and said `ready`. */
  get isReady(): boolean {
    return this.ready;
  }

  /** The extension side of a tab, e.g. for commands that drive it. */
  controller(tab: TabId): TabController | undefined {
    return this.controllers.get(tab);
  }

  /** Tabs with an extension-side implementation, in display order. */
  tabs(): TabId[] {
    return TAB_IDS.filter((id) => this.controllers.has(id));
  }

  /** Brings the panel forward, on `tab` when given. */
  show(tab?: TabId): void {
    if (tab && this.controllers.has(tab) && tab !== this.activeTab) {
      this.activeTab = tab;
      this.post({ tab: 'frame', kind: 'notify', type: 'showTab', payload: { tab } });
    }
    this.webviewPanel.reveal(undefined, false);
  }

  /**
   * Handles one message as if the webview had sent it and returns the answer to a request
   * (a `reply` or `error` envelope). The webview's messages and the integration tests go through here.
   */
  async dispatch(message: unknown): Promise<Envelope | undefined> {
    if (!isEnvelope(message)) {
      this.ctx.log.warn(`Function panel: ignored a malformed message ${JSON.stringify(message)?.slice(0, 200)}`);
      return undefined;
    }
    if (message.tab === 'frame') {
      if (message.kind === 'notify') this.onFrameNotify(message.type, message.payload);
      return undefined;
    }
    const tab = message.tab;
    const controller = this.controllers.get(tab);
    if (message.kind === 'request') {
      if (!controller?.onRequest) return { tab, kind: 'error', id: message.id, message: `The ${TAB_TITLES[tab]} tab is not available.` };
      try {
        return { tab, kind: 'reply', id: message.id, payload: await controller.onRequest(message.type, message.payload) };
      } catch (error) {
        const text = error instanceof vscode.CancellationError ? 'Cancelled' : error instanceof Error ? error.message : String(error);
        if (!(error instanceof vscode.CancellationError)) this.ctx.log.error(`${TAB_TITLES[tab]} tab, ${message.type}: ${text}`);
        return { tab, kind: 'error', id: message.id, message: text };
      }
    }
    if (message.kind === 'notify') {
      try {
        await controller?.onNotify?.(message.type, message.payload);
      } catch (error) {
        this.ctx.log.error(`${TAB_TITLES[tab]} tab, ${message.type}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    // The extension sends no requests, so replies from the webview are not expected.
    return undefined;
  }

  private async onWebviewMessage(message: unknown): Promise<void> {
    const generation = this.generation;
    const answer = await this.dispatch(message);
    if (answer && generation === this.generation) this.post(answer);
  }

  private onFrameNotify(type: string, payload: unknown): void {
    switch (type) {
      case 'ready': {
        this.ready = true;
        this.generation++;
        const init: FrameInit = { target: this.currentTarget, activeTab: this.activeTab, tabs: this.tabs() };
        this.post({ tab: 'frame', kind: 'notify', type: 'init', payload: init });
        for (const [id, controller] of this.controllers) {
          try {
            controller.onReady?.();
          } catch (error) {
            this.ctx.log.error(`${TAB_TITLES[id]} tab, ready: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        return;
      }
      case 'tabChanged': {
        const { tab } = validate(tabChangedSchema, payload, 'tab change');
        if (this.controllers.has(tab)) this.activeTab = tab;
        return;
      }
      default:
        this.ctx.log.warn(`Function panel: ignored frame message "${type}"`);
    }
  }

  private post(message: Envelope): void {
    if (!this.ready) return;
    void this.webviewPanel.webview.postMessage(message);
  }

  private hostFor(tab: TabId): TabHost {
    const panel = this; // eslint-disable-line @typescript-eslint/no-this-alias -- getters below need the panel
    return {
      get target() {
        return panel.currentTarget;
      },
      lambda: () => this.lambda(),
      workbench: this.ctx,
      log: this.ctx.log,
      notify: (type, payload) => this.post({ tab, kind: 'notify', type, payload }),
      get visible() {
        return panel.webviewPanel.visible;
      },
      reveal: () => this.show(tab),
    };
  }

  private lambda(): LambdaApi {
    const { connectionId, connectionKind, connectionLabel, region } = this.currentTarget;
    const api = this.ctx.model.lambdaApi(connectionId, region);
    if (api) return api;
    throw new WorkbenchError(
      'service',
      connectionKind === 'local'
        ? 'The Local Lambda is not running. Start it from the Connections view, then try again.'
        : `Not connected to ${connectionLabel}. Refresh the Connections view, then try again.`,
    );
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposedEmitter.fire();
    super.dispose();
    this.webviewPanel.dispose();
  }
}

/** All function panels of the window: one per function (connection, region, name). */
export class FunctionPanels extends Disposable {
  private readonly panels = new Map<string, FunctionPanel>();

  constructor(private readonly ctx: WorkbenchContext) {
    super();
  }

  /** Opens the function's panel, or reveals the existing one, on `tab` (default: the one last shown). */
  open(target: FunctionTarget, tab?: TabId): FunctionPanel {
    const existing = this.panels.get(targetKey(target));
    if (existing) {
      existing.show(tab);
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(
      FUNCTION_PANEL_VIEW_TYPE,
      panelTitle(target),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      webviewPanelOptions(this.ctx.extension.extensionUri),
    );
    return this.adopt(webviewPanel, target, tab ?? 'invoke');
  }

  /** The panel of a function, when one is open. */
  find(target: FunctionTarget): FunctionPanel | undefined {
    return this.panels.get(targetKey(target));
  }

  /** Takes over a panel VS Code restored after a reload; closes it when its state is unusable. */
  restore(webviewPanel: vscode.WebviewPanel, state: unknown): void {
    const persisted = state as Partial<PersistedFrameState> | undefined;
    if (!isFunctionTarget(persisted?.target) || this.panels.has(targetKey(persisted.target))) {
      webviewPanel.dispose();
      return;
    }
    this.adopt(webviewPanel, persisted.target, isTabId(persisted.activeTab) ? persisted.activeTab : 'invoke');
  }

  private adopt(webviewPanel: vscode.WebviewPanel, target: FunctionTarget, tab: TabId): FunctionPanel {
    const key = targetKey(target);
    const panel = new FunctionPanel(this.ctx, webviewPanel, target, tab);
    this.panels.set(key, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    return panel;
  }

  override dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
    super.dispose();
  }
}
