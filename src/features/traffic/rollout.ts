/**
 * What a gradual rollout is, as plain data that can be persisted: which alias, from which
 * version to which, the plan, the rollback threshold, and how far it got. No VS Code, no I/O.
 */
import type { HealthCounts, PlanStep, RollbackThreshold, Routing } from './routing';
import { describeSource, type HealthSource } from './metricsHealth';
import { formatPercent, formatRate, shiftTraffic } from './routing';

export interface RolloutTarget {
  connectionId: string;
  connectionLabel: string;
  region: string;
  functionName: string;
  aliasName: string;
}

export interface RolloutConfig {
  target: RolloutTarget;
  /** The version the alias points to before the rollout; rollbacks return all traffic to it. */
  fromVersion: string;
  /** The version traffic moves to. */
  toVersion: string;
  steps: PlanStep[];
  threshold: RollbackThreshold;
  /** How often the new version's health is checked while a step is watched. */
  checkEveryMs: number;
  /** Invocations of the new version the rollout makes itself at every check (0 for none). */
  testInvocations: number;
  /** Event sent by those invocations, as JSON text. */
  testPayload: string;
}

export type RolloutStatus =
  | 'running'
  | 'paused'
  /** The new version got 100 % and is the alias's version. */
  | 'succeeded'
  /** Errors crossed the threshold and all traffic went back to the old version. */
  | 'rolledBack'
  /** The person cancelled: the alias stays at the last applied step, or was rolled back (see message). */
  | 'cancelled'
  /** Stopped without finishing, e.g. the alias was changed by someone else; the alias was left as it was. */
  | 'failed';

export const ACTIVE_STATUSES: readonly RolloutStatus[] = ['running', 'paused'];

export interface RolloutRecord {
  id: string;
  config: RolloutConfig;
  status: RolloutStatus;
  /** Index in config.steps of the last step written to the alias; -1 before the first. */
  appliedStep: number;
  /** When the applied step was written (its watch period counts from here). */
  appliedAt?: number;
  startedAt: number;
  /** Updated at every check while running; an old heartbeat means the window running it closed. */
  heartbeatAt: number;
  health: HealthCounts;
  /** What the last check's count came from: CloudWatch metrics, or the log lines when metrics had nothing. */
  healthSource?: HealthSource;
  /** Per step index (as text), the source of the last check made at that step: the one that judged it. */
  stepSources?: Record<string, HealthSource>;
  /** Why CloudWatch metrics are not used, when they were tried and refused (no permission, no CloudWatch). */
  metricsNote?: string;
  /** Both versions' error rate at every check, for the rollout view's chart. */
  chart?: RolloutChart;
  /** The latest thing worth telling the person. */
  message: string;
  finishedAt?: number;
}

/** Error rates in percent (null: no calls yet) of the old and the new version at each check (epoch ms). */
export interface RolloutChart {
  at: number[];
  from: Array<number | null>;
  to: Array<number | null>;
}

export function isActive(record: RolloutRecord): boolean {
  return ACTIVE_STATUSES.includes(record.status);
}

/** One key per alias: at most one rollout runs on an alias. */
export function aliasKey(target: RolloutTarget): string {
  return `${target.connectionId}|${target.region}|${target.functionName}|${target.aliasName}`;
}

/** The alias routing a step stands for; -1 is the routing before the first step. */
export function routingAtStep(config: RolloutConfig, stepIndex: number): Routing {
  const before: Routing = { primary: config.fromVersion };
  if (stepIndex < 0) return before;
  return shiftTraffic(before, config.toVersion, config.steps[stepIndex].percent);
}

export function appliedPercent(record: RolloutRecord): number {
  return record.appliedStep < 0 ? 0 : record.config.steps[record.appliedStep].percent;
}

/** "hello-node:live 1 → 2" */
export function describeTarget(config: RolloutConfig): string {
  return `${config.target.functionName}:${config.target.aliasName} ${config.fromVersion} → ${config.toVersion}`;
}

/** "step 2 of 4 (25%) · 3 errors in 120 calls (2.5%)" */
export function describeProgress(record: RolloutRecord): string {
  const total = record.config.steps.length;
  const step = record.appliedStep < 0 ? 'not started' : `step ${record.appliedStep + 1} of ${total} (${formatPercent(appliedPercent(record))})`;
  const { invocations, errors } = record.health;
  const rate = invocations > 0 ? ` (${formatRate(errors / invocations)})` : '';
  const source = record.healthSource ? ` · by ${describeSource(record.healthSource)}` : '';
  return `${step} · ${errors} error${errors === 1 ? '' : 's'} in ${invocations} call${invocations === 1 ? '' : 's'} of version ${record.config.toVersion}${rate}${source}`;
}

/** "10%: CloudWatch metrics · 50%: log lines": which source judged each step watched so far. */
export function describeStepSources(record: RolloutRecord): string | undefined {
  const parts = record.config.steps.flatMap((step, i) => {
    const source = record.stepSources?.[String(i)];
    return source ? [`${step.percent}%: ${describeSource(source)}`] : [];
  });
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** A rollout that looks active but whose window stopped reporting: VS Code was closed or crashed. */
export function isInterrupted(record: RolloutRecord, now: number): boolean {
  return isActive(record) && now - record.heartbeatAt > Math.max(60_000, 3 * record.config.checkEveryMs);
}
