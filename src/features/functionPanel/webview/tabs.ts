import type { Protocol } from '../../../shared/protocol';
import type { TabId } from '../../../shared/target';
import type { TabView } from '../../../webview/tab';
import { ConfigurationView } from '../../configuration/webview/view';
import { InvokeView } from '../../invoke/webview/view';
import { LogsView } from '../../logs/webview/view';
import { MonitorView } from '../../monitor/webview/view';
import { TrafficView } from '../../traffic/webview/view';

export interface TabViewRegistration {
  id: TabId;
  create: () => TabView<Protocol>;
}

/** Binds a tab's view to its protocol; the frame carries any protocol alike. */
function tab<P extends Protocol>(id: TabId, create: () => TabView<P>): TabViewRegistration {
  return { id, create: create as unknown as () => TabView<Protocol> };
}

/** Webview-side tab implementations, in display order. One line per tab. */
export const TAB_VIEWS: TabViewRegistration[] = [
  tab('invoke', () => new InvokeView()),
  tab('logs', () => new LogsView()),
  tab('configuration', () => new ConfigurationView()),
  tab('aliases', () => new TrafficView()),
  tab('monitor', () => new MonitorView()),
];
