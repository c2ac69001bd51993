// The function panel's webview: the frame (header and tabs) that hosts each tab's view and
// carries its messages to and from the extension.
import '../../../webview/base.css';
import './frame.css';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import { isEnvelope, isFunctionTarget, isTabId, TAB_IDS, TAB_TITLES, type Envelope, type FrameInit, type FunctionTarget, type TabId } from '../../../shared/target';
import type { TabApi, TabView } from '../../../webview/tab';
import { TAB_VIEWS } from './tabs';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Everything the webview keeps across hiding and reloads; `target` also lets the panel serializer restore it. */
interface FrameState {
  target?: FunctionTarget;
  activeTab?: TabId;
  tabs: Partial<Record<TabId, unknown>>;
}

const vscode = acquireVsCodeApi();

function loadState(): FrameState {
  const saved = vscode.getState() as Partial<FrameState> | undefined;
  return {
    target: isFunctionTarget(saved?.target) ? saved.target : undefined,
    activeTab: isTabId(saved?.activeTab) ? saved.activeTab : undefined,
    tabs: typeof saved?.tabs === 'object' && saved.tabs !== null ? saved.tabs : {},
  };
}

const state = loadState();
const saveState = () => vscode.setState(state);
const post = (message: Envelope) => vscode.postMessage(message);

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}
const pending = new Map<number, Pending>();
let nextRequestId = 1;

interface MountedTab {
  id: TabId;
  view: TabView;
}
let mounted: MountedTab[] = [];
let tabsElement: HTMLElementTagNameMap['vscode-tabs'] | undefined;
/** `init` arrived and the tabs are mounted. */
let initialised = false;

function apiFor(tab: TabId, target: FunctionTarget): TabApi {
  return {
    target,
    notify: (type, payload) => post({ tab, kind: 'notify', type, payload }),
    request: <T>(type: string, payload?: unknown) =>
      new Promise<T>((resolve, reject) => {
        const id = nextRequestId++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        post({ tab, kind: 'request', id, type, payload });
      }),
    getState: <T>() => state.tabs[tab] as T | undefined,
    setState: <T>(value: T) => {
      state.tabs[tab] = value;
      saveState();
    },
    showTab: (id) => selectTab(id),
  };
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderHeader(target: FunctionTarget): HTMLElement {
  const header = el('header', 'frame-header');
  const icon = el('span', 'codicon codicon-symbol-function frame-icon');
  icon.setAttribute('aria-hidden', 'true');
  const titles = el('div', 'frame-titles');
  titles.append(el('h1', 'frame-title', target.functionName));
  const where = el('div', 'frame-subtitle');
  const connectionIcon = target.connectionKind === 'local' ? 'vm' : target.connectionKind === 'custom' ? 'plug' : 'cloud';
  const connection = el('span', 'frame-chip');
  connection.append(el('span', `codicon codicon-${connectionIcon}`), document.createTextNode(target.connectionLabel));
  const region = el('span', 'frame-chip');
  region.append(el('span', 'codicon codicon-globe'), document.createTextNode(target.region));
  where.append(connection, region);
  if (target.functionArn) {
    const arn = el('span', 'frame-arn', target.functionArn);
    arn.title = target.functionArn;
    where.append(arn);
  }
  titles.append(where);
  header.append(icon, titles);
  return header;
}

function mount(init: FrameInit): void {
  const app = document.getElementById('app');
  if (!app) return;
  app.replaceChildren();
  app.className = 'frame';
  state.target = init.target;
  saveState();
  document.title = init.target.functionName;
  app.append(renderHeader(init.target));

  const views = TAB_IDS.filter((id) => init.tabs.includes(id)).flatMap((id) => TAB_VIEWS.filter((v) => v.id === id));
  if (views.length === 0) {
    app.append(el('p', 'frame-empty', 'No tabs are available in this build.'));
    return;
  }
  const tabs = el('vscode-tabs', 'frame-tabs');
  mounted = [];
  for (const registration of views) {
    const header = el('vscode-tab-header', undefined, TAB_TITLES[registration.id]);
    header.slot = 'header';
    header.dataset.tab = registration.id;
    const panel = el('vscode-tab-panel', 'frame-tab-panel');
    const root = el('div', `tab-root tab-${registration.id}`);
    panel.append(root);
    tabs.append(header, panel);
    const view = registration.create();
    mounted.push({ id: registration.id, view });
    try {
      view.mount(root, apiFor(registration.id, init.target));
    } catch (error) {
      root.replaceChildren(el('p', 'frame-error', `This tab failed to load: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
  tabs.addEventListener('vsc-tabs-select', (event) => {
    const tab = mounted[event.detail.selectedIndex]?.id;
    if (tab) onTabShown(tab, true);
  });
  app.append(tabs);
  tabsElement = tabs;
  selectTab(init.activeTab, false);
}

function onTabShown(tab: TabId, tellExtension: boolean): void {
  if (state.activeTab !== tab) {
    state.activeTab = tab;
    saveState();
  }
  if (tellExtension) post({ tab: 'frame', kind: 'notify', type: 'tabChanged', payload: { tab } });
  mounted.find((m) => m.id === tab)?.view.onShown?.();
}

function selectTab(tab: TabId, tellExtension = true): void {
  const index = mounted.findIndex((m) => m.id === tab);
  if (index < 0 || !tabsElement) return;
  tabsElement.selectedIndex = index;
  onTabShown(tab, tellExtension);
}

function onTabMessage(message: Envelope): void {
  if (message.tab === 'frame') return;
  switch (message.kind) {
    case 'reply':
    case 'error': {
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.kind === 'reply') waiting.resolve(message.payload);
      else waiting.reject(new Error(message.message));
      return;
    }
    case 'notify': {
      // Before `init` nothing is mounted; the extension replays each tab's state after `init`.
      const tab = mounted.find((m) => m.id === message.tab);
      if (!tab) return;
      try {
        tab.view.onNotify(message.type, message.payload);
      } catch (error) {
        console.error(`${message.tab} tab failed on ${message.type}`, error);
      }
      return;
    }
    default:
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isEnvelope(message)) return;
  if (message.tab !== 'frame') {
    onTabMessage(message);
    return;
  }
  if (message.kind !== 'notify') return;
  const payload = message.payload as Partial<FrameInit> & { tab?: unknown };
  if (message.type === 'init' && isFunctionTarget(payload?.target) && isTabId(payload.activeTab) && Array.isArray(payload.tabs)) {
    if (!initialised) {
      initialised = true;
      mount({ target: payload.target, activeTab: payload.activeTab, tabs: payload.tabs.filter(isTabId) });
    } else {
      selectTab(payload.activeTab, false);
    }
  } else if (message.type === 'showTab' && isTabId(payload?.tab)) {
    selectTab(payload.tab, false);
  }
});

/**
 * Says `ready` until `init` arrives: a message posted while the panel is still being set up can
 * be lost, and without the handshake the panel would stay empty. Bounded: 6 tries over ~30 s.
 */
function sayReady(attempt = 1): void {
  if (initialised) return;
  post({ tab: 'frame', kind: 'notify', type: 'ready' });
  if (attempt < 6) window.setTimeout(() => sayReady(attempt + 1), attempt * 2000);
}
sayReady();
