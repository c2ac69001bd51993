import type { NotificationHandlers, Protocol } from '../shared/protocol';
import type { FunctionTarget, TabId } from '../shared/target';
import type { ChannelClient } from './rpc';

/** What the page gives a tab's view: its channel to the extension, its state, and the panel around it. */
export interface TabApi<P extends Protocol> extends ChannelClient<P> {
  readonly target: FunctionTarget;
  /** This tab's slice of the webview state (survives hiding and reloads). */
  getState<T>(): T | undefined;
  setState<T>(state: T): void;
  /** Switches the panel to another tab (a page with one view ignores it). */
  showTab(tab: TabId): void;
}

/** The webview side of one tab. */
export interface TabView<P extends Protocol> {
  /** Called once with the tab's (empty) container. */
  mount(root: HTMLElement, api: TabApi<P>): void;
  /** Handlers of the notifications the extension side sends. */
  readonly notifications: NotificationHandlers<P['toWebview']>;
  /** The tab became the selected one. */
  onShown?(): void;
}
