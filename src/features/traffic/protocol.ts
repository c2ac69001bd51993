/**
 * Messages of the Aliases & Traffic tab. The extension reads the function's versions and
 * aliases and owns every change: the webview asks for a preview (the before/after it shows in
 * its confirmation), then applies with the alias RevisionId the preview carried, so a change
 * made meanwhile by someone else is refused instead of overwritten. Plain data and types only,
 * so the webview bundle includes it.
 */
import { query, request, signal, type Schema } from '../../shared/protocol';

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
  /** What judged the last check: CloudWatch metrics, or log lines when metrics had nothing (undefined before the first). */
  judgedBy?: 'metrics' | 'logs';
  /** "10%: CloudWatch metrics · 50%: log lines": which source judged each step so far. */
  stepsJudged?: string;
  /** Why CloudWatch metrics are not used (no permission, no CloudWatch at the endpoint). */
  metricsNote?: string;
  /** Error rates in percent (null: no calls yet) of the old and new version at each check, epoch ms; while it runs. */
  chart?: { at: number[]; from: Array<number | null>; to: Array<number | null> };
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
  /** Without a split: the version it pointed to before this window last moved it (Roll Back returns there). */
  rollBackTo?: string;
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

// --- schemas of the requests' parameters --------------------------------------------------

const name = { type: 'string', minLength: 1, maxLength: 128 } as const;
const version = { type: 'string', minLength: 1, maxLength: 32 } as const;
const percent = { type: 'number', minimum: 0, maximum: 100 } as const;
const description = { type: 'string', maxLength: 1024 } as const;
const id = { type: 'string', minLength: 1, maxLength: 64 } as const;
const revisionId = { type: 'string', maxLength: 128 } as const;

const op = (value: string) => ({ type: 'string', const: value }) as const;

const change = {
  type: 'object',
  oneOf: [
    {
      type: 'object',
      properties: { kind: op('shift'), alias: name, version, percent },
      required: ['kind', 'alias', 'version', 'percent'],
      additionalProperties: false,
    },
    { type: 'object', properties: { kind: op('promote'), alias: name }, required: ['kind', 'alias'], additionalProperties: false },
    { type: 'object', properties: { kind: op('rollBack'), alias: name }, required: ['kind', 'alias'], additionalProperties: false },
    ...(['create', 'edit'] as const).map((kind) => ({
      type: 'object',
      properties: { kind: op(kind), alias: name, primary: version, extraVersion: version, percent, description },
      required: ['kind', 'alias', 'primary'],
      additionalProperties: false,
    })),
  ],
  required: ['kind'],
} as const;

const rollout = {
  type: 'object',
  properties: {
    alias: name,
    toVersion: version,
    plan: { type: 'string', enum: ['preset', 'linear', 'custom'] },
    percents: { type: 'array', items: percent, maxItems: 100 },
    linearSteps: { type: 'integer', minimum: 1, maximum: 100 },
    intervalMinutes: { type: 'number', exclusiveMinimum: 0, maximum: 1440 },
    maxErrorPercent: { type: 'number', minimum: 0, maximum: 100 },
    minInvocations: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    testInvocations: { type: 'integer', minimum: 0, maximum: 20 },
  },
  required: ['alias', 'toVersion', 'plan', 'intervalMinutes', 'maxErrorPercent', 'minInvocations', 'testInvocations'],
  additionalProperties: false,
} as const;

const object = <T>(properties: Record<string, unknown>, required: string[]): Schema<T> =>
  ({ type: 'object', properties, required, additionalProperties: false }) as unknown as Schema<T>;

export const trafficProtocol = {
  requests: {
    /** Reads versions and aliases again. */
    refresh: query<AliasesState>(),
    /** The before/after of a change, with the alias revision it was computed from. */
    preview: request<{ change: AliasChangeMessage }, ChangePreview>(object({ change }, ['change'])),
    /** Applies a change; refused when the alias changed since `revisionId`. */
    apply: request<{ change: AliasChangeMessage; revisionId?: string }, AliasesState>(object({ change, revisionId }, ['change'])),
    publish: request<{ description: string }, AliasesState>(object({ description: { type: 'string', maxLength: 256 } }, ['description'])),
    deleteAlias: request<{ alias: string; revisionId?: string }, AliasesState>(object({ alias: name, revisionId }, ['alias'])),
    /** Lines for the rollout's confirmation. */
    previewRollout: request<{ rollout: RolloutRequest }, RolloutPreview>(object({ rollout }, ['rollout'])),
    startRollout: request<{ rollout: RolloutRequest }, AliasesState>(object({ rollout }, ['rollout'])),
    pauseRollout: request<{ id: string }, AliasesState>(object({ id }, ['id'])),
    resumeRollout: request<{ id: string }, AliasesState>(object({ id }, ['id'])),
    stopRollout: request<{ id: string; mode: 'keep' | 'rollBack' }, AliasesState>(object({ id, mode: { type: 'string', enum: ['keep', 'rollBack'] } }, ['id', 'mode'])),
  },
  fromWebview: {},
  toWebview: {
    state: signal<AliasesState>(),
  },
} as const;
export type TrafficProtocol = typeof trafficProtocol;
