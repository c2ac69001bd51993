/**
 * Messages of the Configuration tab. The extension owns the draft (environment rows and
 * settings); the webview sends one `op` request per edit and gets the whole view state back.
 * Environment values reach the webview only for rows that are revealed or were typed there.
 * Imports nothing, so the webview bundle can include it.
 */

/** Request type of every edit; its payload is a ConfigurationOp and its reply a ConfigurationState. */
export const CONFIGURATION_OP = 'op';
/** Notification type (extension → webview) carrying a ConfigurationState. */
export const CONFIGURATION_STATE = 'state';

export const SETTING_FIELD_IDS = ['memorySize', 'timeout', 'ephemeralStorage', 'description', 'reservedConcurrency'] as const;
export type SettingFieldId = (typeof SETTING_FIELD_IDS)[number];

export type ConfigurationOp =
  | { op: 'addRow' }
  | { op: 'removeRow'; id: number }
  | { op: 'setKey'; id: number; key: string }
  | { op: 'setValue'; id: number; value: string }
  | { op: 'moveRow'; id: number; to: number }
  | { op: 'reveal'; id: number; revealed: boolean }
  /** Lines of `KEY=value` (a `.env` text) pasted at once. */
  | { op: 'paste'; text: string }
  | { op: 'importFile' }
  | { op: 'exportFile' }
  | { op: 'setSetting'; field: SettingFieldId; value: string }
  | { op: 'save' }
  /** After a conflict: combine my edits with the remote changes. */
  | { op: 'merge' }
  /** Drops every edit and reads the function again (the webview asks for confirmation first). */
  | { op: 'reload' }
  /** After a merge: take the remote side for a key (`env:<KEY>`) or a setting (`setting:<field>`). */
  | { op: 'takeRemote'; item: string }
  | { op: 'copy'; item: string }
  /** From a read-only version or alias: edit $LATEST instead. */
  | { op: 'editLatest' };

export type ConfigurationOpName = ConfigurationOp['op'];

export type RowStatus = 'unchanged' | 'added' | 'changed' | 'renamed';

export interface EnvRowView {
  id: number;
  key: string;
  /** Present only while the row is revealed. */
  value?: string;
  revealed: boolean;
  /** The value is the empty string (shown as such even when masked). */
  empty: boolean;
  status: RowStatus;
  /** The key at load time, for renamed rows. */
  originalKey?: string;
  keyProblem?: string;
  /** Set after a merge when this key was changed here and remotely. */
  conflict?: string;
}

export interface BudgetView {
  used: number;
  limit: number;
  left: number;
  level: 'ok' | 'warning' | 'error';
  countedStrictly: boolean;
  utf8Bytes: number;
}

export interface SettingView {
  field: SettingFieldId;
  label: string;
  /** As typed. */
  value: string;
  /** As loaded. */
  original: string;
  hint: string;
  problem?: string;
  multiline?: boolean;
}

export interface DiffLine {
  kind: 'added' | 'removed' | 'changed' | 'renamed' | 'setting';
  text: string;
}

export interface OverviewItem {
  id: string;
  label: string;
  value: string;
  /** Shown in a monospace block (policy documents, lists). */
  block?: boolean;
  /** The value could not be read. */
  unavailable?: boolean;
}

export interface MergeNote {
  /** `env:<KEY>` or `setting:<field>`, for takeRemote. */
  item: string;
  text: string;
}

export interface ConflictView {
  /** What changed remotely since the load, in words (keys and settings, never values). */
  remoteChanges: string[];
  /** Keys or settings changed on both sides. */
  overlapping: string[];
}

export interface ConfigurationState {
  phase: 'loading' | 'ready' | 'saving' | 'failed';
  /** Why the function could not be read (phase failed). */
  loadError?: string;
  readOnly: boolean;
  /** Shown when read-only: why, and what to do. */
  readOnlyNote?: string;
  /** "$LATEST", "version 3", "alias live → 3". */
  shows: string;
  rows: EnvRowView[];
  budget: BudgetView;
  settings: SettingView[];
  diff: DiffLine[];
  dirty: boolean;
  canSave: boolean;
  /** Why Save is not possible right now (problems to fix). */
  blockers: string[];
  conflict?: ConflictView;
  mergeNotes: MergeNote[];
  overview: OverviewItem[];
  message?: { kind: 'info' | 'success' | 'error'; text: string };
}
