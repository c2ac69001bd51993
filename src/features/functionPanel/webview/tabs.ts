import { InvokeView } from '../../invoke/webview/view';
import { LogsView } from '../../logs/webview/view';
import { ConfigurationView } from '../../configuration/webview/view';
import { AliasesView } from '../../traffic/webview/view';
import type { TabViewRegistration } from '../../../webview/tab';

/** Webview-side tab implementations, in display order. One line per tab. */
export const TAB_VIEWS: TabViewRegistration[] = [
  { id: 'invoke', create: () => new InvokeView() },
  { id: 'logs', create: () => new LogsView() },
  { id: 'configuration', create: () => new ConfigurationView() },
  { id: 'aliases', create: () => new AliasesView() },
];
