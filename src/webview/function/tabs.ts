import { InvokeView } from './invoke/view';
import { LogsView } from './logs/view';
import { ConfigurationView } from './configuration/view';
import { AliasesView } from './aliases/view';
import type { TabViewRegistration } from './tab';

/** Webview-side tab implementations, in display order. One line per tab. */
export const TAB_VIEWS: TabViewRegistration[] = [
  { id: 'invoke', create: () => new InvokeView() },
  { id: 'logs', create: () => new LogsView() },
  { id: 'configuration', create: () => new ConfigurationView() },
  { id: 'aliases', create: () => new AliasesView() },
];
