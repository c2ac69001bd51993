import type { Protocol } from '../../shared/protocol';
import type { TabId } from '../../shared/target';
import type { TabController, TabHost } from '../../workbench/panel/tab';
import { createTrafficTab } from '../traffic/controller';
import { createConfigurationTab } from '../configuration/controller';
import { InvokeController } from '../invoke/controller';
import { createLogsTab } from '../logs/controller';
import { createMonitorTab } from '../monitor/controller';

/** One tab: how to make its extension side for a panel. */
export interface TabRegistration {
  id: TabId;
  create(host: TabHost<Protocol>): TabController<Protocol>;
}

/** Binds a tab's factory to its protocol; the panel's host serves any protocol alike. */
function tab<P extends Protocol>(id: TabId, create: (host: TabHost<P>) => TabController<P>): TabRegistration {
  return { id, create: create as unknown as TabRegistration['create'] };
}

/**
 * The panel's tabs, in display order, one line each. The one place a feature imports other
 * features: each tab is its own feature's controller.
 */
export const TAB_REGISTRATIONS: TabRegistration[] = [
  tab('invoke', (host) => new InvokeController(host)),
  tab('logs', (host) => createLogsTab(host)),
  tab('configuration', (host) => createConfigurationTab(host)),
  tab('aliases', (host) => createTrafficTab(host)),
  tab('monitor', (host) => createMonitorTab(host)),
];
