// The log group panel's webview: the Logs view on its own page, on channel "logs".
import '../../../webview/base.css';
import { FRAME_CHANNEL } from '../../../shared/protocol';
import type { FunctionTarget } from '../../../shared/target';
import { el } from '../../../webview/dom';
import { WebviewConnection } from '../../../webview/rpc';
import type { TabApi } from '../../../webview/tab';
import type { LogGroupFrameProtocol, LogsProtocol } from '../protocol';
import { LogsView } from './view';

const connection = new WebviewConnection();
let view: LogsView | undefined;

function mount(title: string): void {
  const app = document.getElementById('app');
  if (!app || view) return;
  app.replaceChildren();
  app.className = 'logs-page';
  document.title = title;
  const root = el('div', 'tab-root tab-logs');
  app.append(el('h1', 'logs-page-title', title), root);
  // The view does not use the target; the log group stands in for the function name.
  const target: FunctionTarget = { connectionId: '', connectionLabel: '', connectionKind: 'custom', region: '', functionName: title };
  const api: TabApi<LogsProtocol> = {
    ...connection.client<LogsProtocol>('logs'),
    target,
    getState: <T>() => connection.getState() as T | undefined,
    setState: (state) => connection.setState(state),
    showTab: () => undefined,
  };
  view = new LogsView();
  connection.listen('logs', view.notifications);
  view.mount(root, api);
  view.onShown();
}

connection.listen<LogGroupFrameProtocol>(FRAME_CHANNEL, {
  init: ({ title }) => {
    if (typeof title === 'string') mount(title);
  },
});
connection.client<LogGroupFrameProtocol>(FRAME_CHANNEL).notify('ready');
