/**
 * Messages of the Configuration tab. The extension owns the draft (environment rows and
 * settings); the webview sends one `op` request per edit and gets the whole view state back.
 * Environment values reach the webview only for rows that are revealed or were typed there.
 * Plain data and types only, so the webview bundle includes it.
 */
import { request, signal, type Schema } from '../../shared/protocol';

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

/** `.env` text (pasted or imported) larger than this is not an environment file. */
export const MAX_IMPORT_BYTES = 1024 * 1024;

const rowId = { type: 'integer', minimum: 0 } as const;
/** Every edit the webview may ask for; anything else is rejected before it is acted on. */
const opSchema: Schema<ConfigurationOp> = {
  type: 'object',
  oneOf: [
    { type: 'object', properties: { op: { type: 'string', const: 'addRow' } }, required: ['op'], additionalProperties: false },
    { type: 'object', properties: { op: { type: 'string', const: 'removeRow' }, id: rowId }, required: ['op', 'id'], additionalProperties: false },
    {
      type: 'object',
      properties: { op: { type: 'string', const: 'setKey' }, id: rowId, key: { type: 'string', maxLength: 4096 } },
      required: ['op', 'id', 'key'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { op: { type: 'string', const: 'setValue' }, id: rowId, value: { type: 'string', maxLength: 65536 } },
      required: ['op', 'id', 'value'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { op: { type: 'string', const: 'moveRow' }, id: rowId, to: { type: 'integer', minimum: 0 } },
      required: ['op', 'id', 'to'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { op: { type: 'string', const: 'reveal' }, id: rowId, revealed: { type: 'boolean' } },
      required: ['op', 'id', 'revealed'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { op: { type: 'string', const: 'paste' }, text: { type: 'string', maxLength: MAX_IMPORT_BYTES } },
      required: ['op', 'text'],
      additionalProperties: false,
    },
    { type: 'object', properties: { op: { type: 'string', const: 'importFile' } }, required: ['op'], additionalProperties: false },
    { type: 'object', properties: { op: { type: 'string', const: 'exportFile' } }, required: ['op'], additionalProperties: false },
    {
      type: 'object',
      properties: {
        op: { type: 'string', const: 'setSetting' },
        field: { type: 'string', enum: [...SETTING_FIELD_IDS] },
        value: { type: 'string', maxLength: 4096 },
      },
      required: ['op', 'field', 'value'],
      additionalProperties: false,
    },
    { type: 'object', properties: { op: { type: 'string', const: 'save' } }, required: ['op'], additionalProperties: false },
    { type: 'object', properties: { op: { type: 'string', const: 'merge' } }, required: ['op'], additionalProperties: false },
    { type: 'object', properties: { op: { type: 'string', const: 'reload' } }, required: ['op'], additionalProperties: false },
    {
      type: 'object',
      properties: { op: { type: 'string', const: 'takeRemote' }, item: { type: 'string', maxLength: 300 } },
      required: ['op', 'item'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { op: { type: 'string', const: 'copy' }, item: { type: 'string', maxLength: 100 } },
      required: ['op', 'item'],
      additionalProperties: false,
    },
    { type: 'object', properties: { op: { type: 'string', const: 'editLatest' } }, required: ['op'], additionalProperties: false },
  ],
  required: ['op'],
} as Schema<ConfigurationOp>;


export const configurationProtocol = {
  requests: {
    /** One edit (or save, merge, reload…); every edit answers with the whole view state. */
    op: request<ConfigurationOp, ConfigurationState>(opSchema),
  },
  fromWebview: {},
  toWebview: {
    /** The view state changed on the extension side (loaded, saved, a conflict…). */
    state: signal<ConfigurationState>(),
  },
} as const;
export type ConfigurationProtocol = typeof configurationProtocol;
