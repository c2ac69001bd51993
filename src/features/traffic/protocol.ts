/**
 * Messages of the Aliases & Traffic tab. The extension reads the function's versions and
 * aliases and owns every change: the webview asks for a preview (the before/after it shows in
 * its confirmation), then applies with the alias RevisionId the preview carried, so a change
 * made meanwhile by someone else is refused instead of overwritten. Imports nothing, so the
 * webview bundle can include it.
 */

/** Notification (extension → webview) carrying an AliasesState. */
export const ALIASES_STATE = 'state';
/** Request type of every action; payload an AliasesOp. */
export const ALIASES_OP = 'op';

export interface VersionView {
  version: string;
  description: string;
  lastModified?: string;
}

export interface RoutingView {
  primary: string;
  extraVersion?: string;
  /** Percent of the traffic to extraVersion (0 without one). */
  extraPercent: number;
  /** "1 (90%) · 2 (10%)". */
  summary: string;
}

export type RolloutStatusView = 'running' | 'paused' | 'succeeded' | 'rolledBack' | 'cancelled' | 'failed';

export interface RolloutView {
  id: string;
  aliasName: string;
  fromVersion: string;
  toVersion: string;
  status: RolloutStatusView;
  /** Percent of traffic on the new version at the last applied step. */
  percent: number;
  /** 1-based number of the last applied step (0 before the first). */
  step: number;
  steps: number;
  /** "10% → 25% → 50% → 100%, every 5 min". */
  plan: string;
  /** "step 2 of 4 (25%) · 0 errors in 40 calls of version 2". */
  progress: string;
  message: string;
  /** This window drives it (pause/stop possible). */
  runningHere: boolean;
  /** Active, but no window drives it (VS Code was closed): resume or roll back. */
  interrupted: boolean;
}

export interface AliasView {
  name: string;
  description: string;
  revisionId?: string;
  routing: RoutingView;
  /** The active (or interrupted) rollout of this alias. */
  rollout?: RolloutView;
}

export interface AliasesState {
  phase: 'loading' | 'ready' | 'failed';
  loadError?: string;
  functionName: string;
  /** Published versions, newest first. */
  versions: VersionView[];
  aliases: AliasView[];
  /** Finished rollouts of this function, newest first (a few). */
  recentRollouts: RolloutView[];
  /** Smallest weight step Lambda keeps, in percent. */
  percentStep: number;
  defaults: { percents: number[]; intervalMinutes: number; maxErrorPercent: number; minInvocations: number };
  message?: { kind: 'info' | 'success' | 'error'; text: string };
}

/** Same shape as the extension's AliasChange. */
export type AliasChangeMessage =
  | { kind: 'shift'; alias: string; version: string; percent: number }
  | { kind: 'promote'; alias: string }
  | { kind: 'rollBack'; alias: string }
  | { kind: 'create'; alias: string; primary: string; extraVersion?: string; percent?: number; description?: string }
  | { kind: 'edit'; alias: string; primary: string; extraVersion?: string; percent?: number; description?: string };

export interface RolloutRequest {
  alias: string;
  toVersion: string;
  plan: 'preset' | 'linear' | 'custom';
  /** For 'custom' (and 'preset', which sends the defaults). */
  percents?: number[];
  /** For 'linear'. */
  linearSteps?: number;
  intervalMinutes: number;
  maxErrorPercent: number;
  minInvocations: number;
  /** Invocations of the new version made at every check (0: real traffic only). */
  testInvocations: number;
}

export type AliasesOp =
  | { op: 'refresh' }
  /** Reply: ChangePreview. */
  | { op: 'preview'; change: AliasChangeMessage }
  /** Reply: AliasesState. */
  | { op: 'apply'; change: AliasChangeMessage; revisionId?: string }
  | { op: 'publish'; description: string }
  | { op: 'deleteAlias'; alias: string; revisionId?: string }
  /** Reply: RolloutPreview. */
  | { op: 'previewRollout'; rollout: RolloutRequest }
  | { op: 'startRollout'; rollout: RolloutRequest }
  | { op: 'pauseRollout'; id: string }
  | { op: 'resumeRollout'; id: string }
  | { op: 'stopRollout'; id: string; mode: 'keep' | 'rollBack' };

export type AliasesOpName = AliasesOp['op'];

export interface ChangePreview {
  /** "live: 1 (100%) → 1 (90%) · 2 (10%)". */
  summary: string;
  /** The alias revision the preview was computed from; send it with apply. */
  revisionId?: string;
  /** Nothing would change. */
  noChange: boolean;
}

export interface RolloutPreview {
  /** Lines for the confirmation: plan, threshold, source of calls. */
  lines: string[];
}
