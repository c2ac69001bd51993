import { InvokeController } from '../invoke/controller';
import { createLogsTab } from '../logs/controller';
import { createConfigurationTab } from '../configuration/controller';
import { createAliasesTab } from '../traffic/controller';
import type { TabRegistration } from '../../workbench/panel/tab';

/** Extension-side tab implementations, in display order. One line per tab. */
export const TAB_REGISTRATIONS: TabRegistration[] = [
  { id: 'invoke', create: (host) => new InvokeController(host) },
  { id: 'logs', create: (host) => createLogsTab(host) },
  { id: 'configuration', create: (host) => createConfigurationTab(host) },
  { id: 'aliases', create: (host) => createAliasesTab(host) },
];
