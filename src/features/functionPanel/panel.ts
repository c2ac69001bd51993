import * as vscode from 'vscode';
import type { Envelope, Protocol } from '../../shared/protocol';
import { isFunctionTarget, isTabId, TAB_IDS, targetKey, type FunctionTarget, type TabId } from '../../shared/target';
import { errorMessage } from '../../shared/errors';
import { Disposable } from '../../shared/lifecycle';
import type { Workbench } from '../../workbench/context';
import { ViewTypes } from '../../workbench/ids';
import type { FunctionPanelService, OpenFunctionPanel } from '../../workbench/panel/functionPanels';
import { showWebviewApp, webviewPanelOptions } from '../../workbench/panel/html';
import { EnvelopeRouter } from '../../workbench/panel/router';
import type { TabController, TabHost } from '../../workbench/panel/tab';
import { FRAME_CHANNEL, frameProtocol, TAB_TITLES, type FrameProtocol } from './protocol';
import { TAB_REGISTRATIONS } from './tabs';

/** What the webview keeps with setState; the serializer gets it back after a reload. */
interface PersistedFrameState {
  target: FunctionTarget;
  activeTab?: TabId;
}

function panelTitle(target: FunctionTarget): string {
  return target.connectionKind === 'local' ? target.functionName : `${target.functionName} · ${target.connectionLabel}`;
}

/**
 * One function's panel: a webview with a tab per registered TabController. The frame owns the
 * webview, the ready handshake and the routing of envelopes; the tabs own everything else.
 */
export class FunctionPanel extends Disposable implements OpenFunctionPanel {
  private readonly controllers = new Map<TabId, TabController<Protocol>>();
  private readonly router: EnvelopeRouter;
  private activeTab: TabId;
  /** A webview document has sent `ready`; notifications before that are dropped (tabs replay in onReady). */
  private ready = false;
  /** Increments on every (re)load of the webview document, so replies to a gone document are dropped. */
  private generation = 0;
  private readonly disposedEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposedEmitter.event;
  private readonly notifyFrame;
  /** VS Code closed the webview panel (its tab was closed), rather than the extension disposing it. */
  private closedByPerson = false;

  constructor(
    private readonly ws: Workbench,
    readonly webviewPanel: vscode.WebviewPanel,
    private currentTarget: FunctionTarget,
    initialTab: TabId,
  ) {
    super();
    this.activeTab = initialTab;
    this.router = new EnvelopeRouter(ws.log, `Function panel ${currentTarget.functionName}`);
    this.notifyFrame = this.router.notifier<FrameProtocol>(FRAME_CHANNEL, (m) => this.post(m));
    webviewPanel.title = panelTitle(currentTarget);
    webviewPanel.iconPath = vscode.Uri.joinPath(ws.extension.extensionUri, 'media', 'lambda.svg');
    this.router.add(FRAME_CHANNEL, {
      protocol: frameProtocol,
      requests: {},
      notifications: {
        ready: () => this.onReady(),
        tabChanged: ({ tab }: { tab: TabId }) => {
          if (this.controllers.has(tab)) this.activeTab = tab;
        },
      },
    });
    for (const registration of TAB_REGISTRATIONS) {
      const controller = this._register(registration.create(this.hostFor(registration.id)));
      this.controllers.set(registration.id, controller);
      this.router.add(registration.id, controller);
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
    this._register(webviewPanel.onDidDispose(() => {
      this.closedByPerson = true;
      this.dispose();
    }));
    showWebviewApp(webviewPanel.webview, ws.extension.extensionUri, 'function', panelTitle(currentTarget));
  }

  get target(): FunctionTarget {
    return this.currentTarget;
  }

  get isReady(): boolean {
    return this.ready;
  }

  controller(tab: TabId): TabController<Protocol> | undefined {
    return this.controllers.get(tab);
  }

  get shownTab(): TabId {
    return this.activeTab;
  }

  /** Tabs with an extension-side implementation, in display order. */
  tabs(): TabId[] {
    return TAB_IDS.filter((id) => this.controllers.has(id));
  }

  /** Brings the panel forward, on `tab` when given; `preserveFocus` leaves the focus where it is. */
  show(tab?: TabId, preserveFocus = false): void {
    if (tab && this.controllers.has(tab) && tab !== this.activeTab) {
      this.activeTab = tab;
      this.notifyFrame('showTab', { tab });
    }
    this.webviewPanel.reveal(undefined, preserveFocus);
  }

  dispatch(message: unknown): Promise<Envelope | undefined> {
    return this.router.dispatch(message);
  }

  private async onWebviewMessage(message: unknown): Promise<void> {
    const generation = this.generation;
    const answer = await this.dispatch(message);
    if (answer && generation === this.generation) this.post(answer);
  }

  private onReady(): void {
    this.ready = true;
    this.generation++;
    this.notifyFrame('init', { target: this.currentTarget, activeTab: this.activeTab, tabs: this.tabs() });
    for (const [id, controller] of this.controllers) {
      try {
        controller.onReady?.();
      } catch (error) {
        this.ws.log.error(`${TAB_TITLES[id]} tab, ready: ${errorMessage(error)}`);
      }
    }
  }

  private post(message: Envelope): void {
    if (!this.ready) return;
    void this.webviewPanel.webview.postMessage(message);
  }

  private hostFor(tab: TabId): TabHost<Protocol> {
    const panel = this; // eslint-disable-line @typescript-eslint/no-this-alias -- getters below need the panel
    const connection = () => this.ws.connections.resolve(this.currentTarget);
    return {
      get target() {
        return panel.currentTarget;
      },
      workbench: this.ws,
      log: this.ws.log,
      connection,
      lambda: async () => (await connection()).lambda,
      notify: this.router.notifier(tab, (m) => this.post(m)),
      get visible() {
        return panel.webviewPanel.visible;
      },
      reveal: () => this.show(tab),
      get closedByPerson() {
        return panel.closedByPerson;
      },
      setDirty: (dirty) => this.setDirty(tab, dirty),
    };
  }

  private readonly dirtyTabs = new Set<TabId>();

  private setDirty(tab: TabId, dirty: boolean): void {
    if (dirty === this.dirtyTabs.has(tab)) return;
    if (dirty) this.dirtyTabs.add(tab);
    else this.dirtyTabs.delete(tab);
    // As an editor with unsaved changes shows: a dot before the name.
    this.webviewPanel.title = `${this.dirtyTabs.size ? '● ' : ''}${panelTitle(this.currentTarget)}`;
  }

  /** Whether a tab holds edits not saved yet (the title shows "●"). */
  get isDirty(): boolean {
    return this.dirtyTabs.size > 0;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposedEmitter.fire();
    super.dispose();
    this.webviewPanel.dispose();
  }
}

/** All function panels of the window: one per function (connection, region, name). */
export class FunctionPanels extends Disposable implements FunctionPanelService {
  private readonly panels = new Map<string, FunctionPanel>();

  constructor(private readonly ws: Workbench) {
    super();
  }

  open(target: FunctionTarget, tab?: TabId, options: { preserveFocus?: boolean } = {}): FunctionPanel {
    const preserveFocus = options.preserveFocus ?? false;
    const existing = this.panels.get(targetKey(target));
    if (existing) {
      existing.show(tab, preserveFocus);
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(
      ViewTypes.functionPanel,
      panelTitle(target),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus },
      webviewPanelOptions(this.ws.extension.extensionUri),
    );
    return this.adopt(webviewPanel, target, tab ?? 'invoke');
  }

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
    const panel = new FunctionPanel(this.ws, webviewPanel, target, tab);
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
