// The log group panel's webview: the Logs tab's view on its own page, speaking the function
// panel's envelope on tab "logs".
import '../../../webview/base.css';
import { isEnvelope, type Envelope, type FunctionTarget } from '../../../shared/target';
import { LogsView } from './view';
import type { TabApi } from '../../../webview/tab';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (message: Envelope) => vscode.postMessage(message);
const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
let nextId = 1;
let view: LogsView | undefined;

function mount(title: string): void {
  const app = document.getElementById('app');
  if (!app || view) return;
  app.replaceChildren();
  app.className = 'logs-page';
  document.title = title;
  const heading = document.createElement('h1');
  heading.className = 'logs-page-title';
  heading.textContent = title;
  const root = document.createElement('div');
  root.className = 'tab-root tab-logs';
  app.append(heading, root);
  // The view does not use the target; the log group stands in for the function name.
  const target: FunctionTarget = { connectionId: '', connectionLabel: '', connectionKind: 'custom', region: '', functionName: title };
  const api: TabApi = {
    target,
    notify: (type, payload) => post({ tab: 'logs', kind: 'notify', type, payload }),
    request: <T>(type: string, payload?: unknown) => new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      post({ tab: 'logs', kind: 'request', id, type, payload });
    }),
    getState: <T>() => vscode.getState() as T | undefined,
    setState: (state) => vscode.setState(state),
    showTab: () => undefined,
  };
  view = new LogsView();
  view.mount(root, api);
  view.onShown();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isEnvelope(message)) return;
  if (message.tab === 'frame') {
    const payload = message.payload as { title?: unknown } | undefined;
    if (message.kind === 'notify' && message.type === 'init' && typeof payload?.title === 'string') mount(payload.title);
    return;
  }
  if (message.tab !== 'logs') return;
  if (message.kind === 'notify') view?.onNotify(message.type, message.payload);
  else if (message.kind === 'reply' || message.kind === 'error') {
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.kind === 'reply') waiting.resolve(message.payload);
    else waiting.reject(new Error(message.message));
  }
});

post({ tab: 'frame', kind: 'notify', type: 'ready' });
