// The function panel's webview: the frame (header and tabs) that hosts each tab's view and
// carries its messages to and from the extension.
import '../../../webview/base.css';
import './frame.css';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import type { Protocol } from '../../../shared/protocol';
import { isFunctionTarget, isTabId, TAB_IDS, type FunctionTarget, type TabId } from '../../../shared/target';
import { errorMessage } from '../../../shared/errors';
import { el } from '../../../webview/dom';
import { WebviewConnection } from '../../../webview/rpc';
import type { TabApi, TabView } from '../../../webview/tab';
import { FRAME_CHANNEL, TAB_TITLES, type FrameInit, type FrameProtocol } from '../protocol';
import { TAB_VIEWS } from './tabs';

/** Everything the webview keeps across hiding and reloads; `target` also lets the panel serializer restore it. */
interface FrameState {
  target?: FunctionTarget;
  activeTab?: TabId;
  tabs: Partial<Record<TabId, unknown>>;
}

const connection = new WebviewConnection();
const frame = connection.client<FrameProtocol>(FRAME_CHANNEL);

function loadState(): FrameState {
  const saved = connection.getState() as Partial<FrameState> | undefined;
  return {
    target: isFunctionTarget(saved?.target) ? saved.target : undefined,
    activeTab: isTabId(saved?.activeTab) ? saved.activeTab : undefined,
    tabs: typeof saved?.tabs === 'object' && saved.tabs !== null ? saved.tabs : {},
  };
}

const state = loadState();
const saveState = () => connection.setState(state);

interface MountedTab {
  id: TabId;
  view: TabView<Protocol>;
}
let mounted: MountedTab[] = [];
let tabsElement: HTMLElementTagNameMap['vscode-tabs'] | undefined;
/** `init` arrived and the tabs are mounted. */
let initialised = false;

function apiFor(tab: TabId, target: FunctionTarget): TabApi<Protocol> {
  return {
    ...connection.client<Protocol>(tab),
    target,
    getState: <T>() => state.tabs[tab] as T | undefined,
    setState: <T>(value: T) => {
      state.tabs[tab] = value;
      saveState();
    },
    showTab: (id) => selectTab(id),
  };
}

function renderHeader(target: FunctionTarget): HTMLElement {
  const header = el('header', 'frame-header');
  const icon = el('span', 'codicon codicon-symbol-function frame-icon');
  icon.setAttribute('aria-hidden', 'true');
  const titles = el('div', 'frame-titles');
  titles.append(el('h1', 'frame-title', target.functionName));
  const where = el('div', 'frame-subtitle');
  const connectionIcon = target.connectionKind === 'local' ? 'vm' : target.connectionKind === 'custom' ? 'plug' : 'cloud';
  const chip = el('span', 'frame-chip');
  chip.append(el('span', `codicon codicon-${connectionIcon}`), document.createTextNode(target.connectionLabel));
  const region = el('span', 'frame-chip');
  region.append(el('span', 'codicon codicon-globe'), document.createTextNode(target.region));
  where.append(chip, region);
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
    // Before `init` nothing is mounted; the extension replays each tab's state after `init`.
    connection.listen(registration.id, view.notifications);
    try {
      view.mount(root, apiFor(registration.id, init.target));
    } catch (error) {
      root.replaceChildren(el('p', 'frame-error', `This tab failed to load: ${errorMessage(error)}`));
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
  if (tellExtension) frame.notify('tabChanged', { tab });
  mounted.find((m) => m.id === tab)?.view.onShown?.();
}

function selectTab(tab: TabId, tellExtension = true): void {
  const index = mounted.findIndex((m) => m.id === tab);
  if (index < 0 || !tabsElement) return;
  tabsElement.selectedIndex = index;
  onTabShown(tab, tellExtension);
}

connection.listen<FrameProtocol>(FRAME_CHANNEL, {
  init: (init) => {
    if (!isFunctionTarget(init?.target) || !isTabId(init.activeTab) || !Array.isArray(init.tabs)) return;
    if (!initialised) {
      initialised = true;
      mount({ target: init.target, activeTab: init.activeTab, tabs: init.tabs.filter(isTabId) });
    } else {
      selectTab(init.activeTab, false);
    }
  },
  showTab: ({ tab }) => {
    if (isTabId(tab)) selectTab(tab, false);
  },
});

/**
 * Says `ready` until `init` arrives: a message posted while the panel is still being set up can
 * be lost, and without the handshake the panel would stay empty. Bounded: 6 tries over ~30 s.
 */
function sayReady(attempt = 1): void {
  if (initialised) return;
  frame.notify('ready');
  if (attempt < 6) window.setTimeout(() => sayReady(attempt + 1), attempt * 2000);
}
sayReady();
