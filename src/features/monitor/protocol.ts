/**
 * Messages of the Monitor tab: the webview asks for a range and a split, the extension reads
 * CloudWatch (or the Local Lambda's metrics API) and answers with chart-ready series. Plain data
 * and types only, so the webview bundle includes it.
 */
import { query, request, type Schema } from '../../shared/protocol';

/** The range picker's fixed choices, shortest first. */
export const RANGE_PRESETS = [
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '3h', label: '3 h', ms: 3 * 3_600_000 },
  { id: '12h', label: '12 h', ms: 12 * 3_600_000 },
  { id: '1d', label: '1 d', ms: 86_400_000 },
  { id: '1w', label: '1 w', ms: 7 * 86_400_000 },
] as const;
export type RangePresetId = (typeof RANGE_PRESETS)[number]['id'];
export const RANGE_PRESET_IDS = RANGE_PRESETS.map((p) => p.id) as RangePresetId[];

/** What the picker chose: a preset ending now, or a custom start and end (epoch ms). */
export type RangeChoice = { preset: RangePresetId } | { preset: 'custom'; start: number; end: number };

/**
 * How lines are split: none (one line per statistic), one line per alias or version named in the
 * `Resource` dimension, or one line per version that ran (`ExecutedVersion`).
 */
export const SPLIT_MODES = ['none', 'resource', 'version'] as const;
export type SplitMode = (typeof SPLIT_MODES)[number];

export type ChartUnit = 'count' | 'ms' | 'percent';

export interface ChartSeries {
  label: string;
  /** One value per x, null where CloudWatch has no data point. */
  values: (number | null)[];
  unit: ChartUnit;
  /** A palette index, so one version keeps its color across charts. */
  color: number;
  /** Drawn dashed (e.g. the error rate beside the error count). */
  dashed?: boolean;
}

export interface ChartData {
  id: string;
  title: string;
  /** Period starts, epoch seconds, ascending, one per period of the range. */
  x: number[];
  series: ChartSeries[];
  /** A short line under the title, e.g. "Sum per 5 min". */
  detail: string;
}

export interface MonitorTotals {
  invocations: number;
  errors: number;
  throttles: number;
  /** Sum of Duration over the range (ms). */
  durationMs: number;
  /** Highest p99 of any period (ms), when there were invocations. */
  p99Ms?: number;
}

/** Why the tab shows no charts, in words a person can act on. */
export interface MonitorProblem {
  kind: 'noData' | 'accessDenied' | 'noCloudWatch' | 'refused' | 'failed';
  message: string;
  /** The IAM action to grant, for accessDenied. */
  action?: string;
}

/** Where the cost estimate goes, once there is a price model. */
export interface CostView {
  /** One line for the collapsed estimate, e.g. "$0.42 this range · $9.10 a month at this rate". */
  summary: string;
  /** Lines such as "This range: $0.42 — …". */
  lines: string[];
  note?: string;
}

export interface MonitorData {
  /** What the charts are about, e.g. "hello-node:live". */
  subject: string;
  range: { start: number; end: number; periodSeconds: number; label: string; note?: string };
  split: SplitMode;
  /** The splits that make sense for this target and the data that exists. */
  splits: SplitMode[];
  charts: ChartData[];
  totals: MonitorTotals;
  problem?: MonitorProblem;
  cost?: CostView;
  /** How often the view asks again while it is visible. */
  refreshSeconds: number;
  fetchedAt: number;
}

export interface LoadParams {
  range: RangeChoice;
  split: SplitMode;
}

/** Custom ranges: epoch ms between 2000-01-01 and 2200-01-01. */
const epochMs = { type: 'integer', minimum: 946_684_800_000, maximum: 7_258_118_400_000 } as const;

const loadSchema = {
  type: 'object',
  properties: {
    range: {
      type: 'object',
      oneOf: [
        {
          type: 'object',
          properties: { preset: { type: 'string', enum: [...RANGE_PRESET_IDS] } },
          required: ['preset'],
          additionalProperties: false,
        },
        {
          type: 'object',
          properties: { preset: { type: 'string', const: 'custom' }, start: epochMs, end: epochMs },
          required: ['preset', 'start', 'end'],
          additionalProperties: false,
        },
      ],
      required: ['preset'],
    },
    split: { type: 'string', enum: [...SPLIT_MODES] },
  },
  required: ['range', 'split'],
  additionalProperties: false,
} as unknown as Schema<LoadParams>;

export const monitorProtocol = {
  requests: {
    /** The charts of one range and split (read afresh each time). */
    load: request<LoadParams, MonitorData>(loadSchema),
    /** For tests and diagnostics: the last data sent to the view, if any. */
    snapshot: query<MonitorData | null>(),
  },
  fromWebview: {},
  toWebview: {},
} as const;
export type MonitorProtocol = typeof monitorProtocol;
