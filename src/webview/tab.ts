import type { FunctionTarget, TabId } from '../shared/target';

/** What the frame gives a tab in the webview. */
export interface TabApi {
  readonly target: FunctionTarget;
  notify(type: string, payload?: unknown): void;
  /** Rejects with the extension's error message. */
  request<T = unknown>(type: string, payload?: unknown): Promise<T>;
  /** This tab's slice of the webview state (survives hiding and reloads). */
  getState<T>(): T | undefined;
  setState<T>(state: T): void;
  /** Switches the panel to another tab. */
  showTab(tab: TabId): void;
}

/** The webview side of one tab. */
export interface TabView {
  /** Called once with the tab's (empty) container. */
  mount(root: HTMLElement, api: TabApi): void;
  /** A notification from the extension side of this tab. */
  onNotify(type: string, payload: unknown): void;
  /** The tab became the selected one. */
  onShown?(): void;
}

export interface TabViewRegistration {
  id: TabId;
  create: () => TabView;
}
