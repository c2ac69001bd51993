import type * as vscode from 'vscode';
import type { LambdaApi } from '../../aws/lambda';
import type { IDisposable } from '../../shared/lifecycle';
import type { NotificationHandlers, Notify, Protocol, RequestHandlers } from '../../shared/protocol';
import type { FunctionTarget } from '../../shared/target';
import type { ResolvedConnection } from '../connections';
import type { Workbench } from '../context';

/** What a panel gives the extension side of one of its tabs. */
export interface TabHost<P extends Protocol> {
  readonly target: FunctionTarget;
  readonly workbench: Workbench;
  readonly log: vscode.LogOutputChannel;
  /** The target's connection, ready to use (starts the Local Lambda, reads the config files when needed). */
  connection(): Promise<ResolvedConnection>;
  /** Lambda operations for the target's connection and region. */
  lambda(): Promise<LambdaApi>;
  /** Sends a notification to this tab's part of the webview (dropped while the webview is not ready). */
  readonly notify: Notify<P['toWebview']>;
  /** Whether the panel is visible (e.g. to pause polling while hidden). */
  readonly visible: boolean;
  /** Brings the panel forward on this tab. */
  reveal(): void;
  /** The person closed the panel (not the window or the extension ending); read while disposing. */
  readonly closedByPerson?: boolean;
  /** This tab holds edits not saved yet: the panel's title shows a dot while any tab does. */
  setDirty?(dirty: boolean): void;
}

/**
 * The extension side of one tab: the handlers of its protocol. Parameters reach a handler only
 * after they passed the protocol's schema.
 */
export interface TabController<P extends Protocol> extends IDisposable {
  readonly protocol: P;
  readonly requests: RequestHandlers<P>;
  readonly notifications?: NotificationHandlers<P['fromWebview']>;
  /** The webview (re)loaded: send this tab's state and replay buffers. */
  onReady?(): void;
  /** Visibility of the panel changed. */
  onVisibilityChanged?(visible: boolean): void;
}
