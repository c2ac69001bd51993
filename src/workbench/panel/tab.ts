import type * as vscode from 'vscode';
import type { LambdaApi } from '../../aws/lambda';
import type { WorkbenchContext } from '../context';
import type { IDisposable } from '../../shared/lifecycle';
import type { FunctionTarget, TabId } from '../../shared/target';

/** What the frame gives a tab's extension-side controller. */
export interface TabHost {
  readonly target: FunctionTarget;
  /** Lambda operations for the target's connection and region (throws a clear error when disconnected). */
  lambda(): LambdaApi;
  readonly workbench: WorkbenchContext;
  readonly log: vscode.LogOutputChannel;
  /** Sends a notification to this tab's part of the webview (dropped while the webview is not ready). */
  notify(type: string, payload?: unknown): void;
  /** Whether the panel is visible (e.g. to pause polling while hidden). */
  readonly visible: boolean;
  /** Brings the panel forward on this tab. */
  reveal(): void;
}

/** The extension side of one tab. Messages arrive unvalidated: check them with the tab's protocol guards. */
export interface TabController extends IDisposable {
  /** The webview (re)loaded: send this tab's state and replay buffers. */
  onReady?(): void;
  onNotify?(type: string, payload: unknown): void | Promise<void>;
  /** The resolved value is the reply; a thrown Error becomes an error reply with its message. */
  onRequest?(type: string, payload: unknown): Promise<unknown>;
  /** Visibility of the panel changed. */
  onVisibilityChanged?(visible: boolean): void;
}

export type TabFactory = (host: TabHost) => TabController;

export interface TabRegistration {
  id: TabId;
  create: TabFactory;
}
