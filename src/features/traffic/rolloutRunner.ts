/**
 * Runs a gradual rollout: writes each plan step to the alias (one UpdateAlias with the
 * RevisionId read last, so a step is applied whole or not at all), watches the new version's
 * health between steps and rolls back by itself when errors cross the threshold. Pause, resume
 * and cancel take effect between alias writes, never during one. Time, the alias, the logs and
 * invocations come in through ports, so the runner is tested without VS Code and with short
 * timings.
 */
import { WorkbenchError } from '../../aws/errors';
import { AliasConflictError } from '../../aws/lambda';
import { describeRouting, rollbackDecision, routingProblem, sameRouting, type HealthCounts, type HealthDecision, type Routing } from './routing';
import { describeSource, judgeHealth, metricsWindow, type MetricCounts } from './metricsHealth';
import { VersionHealth, type HealthLogEvent } from './versionHealth';
import { Emitter } from '../../shared/events';
import { appliedPercent, isActive, routingAtStep, type RolloutChart, type RolloutRecord, type RolloutStatus } from './rollout';
import { errorMessage } from '../../shared/errors';

export interface AliasState {
  routing: Routing;
  revisionId?: string;
}

export interface RolloutAliasPort {
  read(): Promise<AliasState>;
  /** One UpdateAlias guarded by `revisionId`; throws AliasConflictError when the alias changed. */
  write(routing: Routing, revisionId: string | undefined): Promise<AliasState>;
}

export interface RolloutLogPort {
  /** The function's log events from `startTime` (epoch ms) on. */
  read(startTime: number): Promise<HealthLogEvent[]>;
}

/** CloudWatch's per-minute Invocations and Errors of a version run through the alias. */
export interface RolloutMetricsPort {
  /** How long after a minute ends its data counts as complete (0 for the Local Lambda). */
  readonly delayMs: number;
  /** Sums over the minutes in [start, end) (epoch ms, whole minutes), one per version asked for, in order. */
  read(versions: readonly string[], start: number, end: number): Promise<MetricCounts[]>;
}

export interface RolloutInvokePort {
  invoke(version: string, payload: string): Promise<{ requestId?: string; failed: boolean }>;
}

export interface RolloutClock {
  now(): number;
  /** Resolves after `ms`, or earlier when `wake` is aborted; never rejects. */
  sleep(ms: number, wake: AbortSignal): Promise<void>;
}

export interface RolloutDeps {
  alias: RolloutAliasPort;
  logs: RolloutLogPort;
  /** Without it (or while it has no data) the log lines judge. */
  metrics?: RolloutMetricsPort;
  invoker?: RolloutInvokePort;
  clock: RolloutClock;
  /** Persists the record (called after every alias write and at every check). */
  save(record: RolloutRecord): void | Promise<void>;
  /** Called after every successful alias write, e.g. to refresh the tree. */
  onAliasWritten?(state: AliasState): void;
  log?(line: string): void;
}

export type CancelMode = 'keep' | 'rollBack';

/** Log events arrive late on AWS: every read goes this far behind the previous one. */
export const LOG_OVERLAP_MS = 2 * 60_000;
/** Lines dated slightly before the rollout started (clock skew) still count. */
const START_SKEW_MS = 1000;
/** Attempts at an alias write that failed for a reason other than a conflict. */
const WRITE_ATTEMPTS = 3;

export const realClock: RolloutClock = {
  now: () => Date.now(),
  sleep: (ms, wake) =>
    new Promise<void>((resolve) => {
      if (wake.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        wake.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      wake.addEventListener('abort', done, { once: true });
    }),
};

/** Points kept for the rollout's chart; older ones are dropped. */
export const CHART_POINTS = 240;

/** The chart with one more point: each version's error rate (percent) so far, null without calls. */
function chartWith(chart: RolloutChart | undefined, at: number, old: HealthCounts, next: HealthCounts): RolloutChart {
  const rate = (c: HealthCounts) => (c.invocations > 0 ? Math.round((c.errors / c.invocations) * 10_000) / 100 : null);
  const keep = (values: Array<number | null> | number[], value: number | null) => [...values, value].slice(-CHART_POINTS);
  return {
    at: keep(chart?.at ?? [], at) as number[],
    from: keep(chart?.from ?? [], rate(old)),
    to: keep(chart?.to ?? [], rate(next)),
  };
}

function messageOf(error: unknown): string {
  return errorMessage(error);
}

export class RolloutRunner {
  private readonly changed = new Emitter<RolloutRecord>();
  /** Fires with a copy of the record whenever it changes. */
  readonly onDidChange = this.changed.event;

  private readonly health = new VersionHealth();
  private record: RolloutRecord;
  private revisionId: string | undefined;
  private wake = new AbortController();
  private cancelMode: CancelMode | undefined;
  private running: Promise<RolloutRecord> | undefined;
  private logsReadFrom: number | undefined;
  private abandoned = false;
  /** The rollout's own test invocations: they call the version directly, so the alias's metrics do not hold them. */
  private readonly own: HealthCounts = { invocations: 0, errors: 0 };
  /** Why metrics are not read any more (no permission, no CloudWatch at the endpoint). */
  private metricsOff: string | undefined;
  /** Up to when the last check's count is complete: the end of the metrics' last counted minute (no limit for log lines). */
  private coveredUntil = 0;

  constructor(
    record: RolloutRecord,
    private readonly deps: RolloutDeps,
  ) {
    this.record = structuredClone(record);
  }

  get snapshot(): RolloutRecord {
    return structuredClone(this.record);
  }

  /** Drives the rollout to its end; resolves with the final record. Calling it again returns the same promise. */
  run(): Promise<RolloutRecord> {
    this.running ??= this.drive().catch(async (error: unknown) => {
      await this.finish('failed', `The rollout stopped on an unexpected error: ${messageOf(error)} The alias was left as it was.`);
      return this.snapshot;
    });
    return this.running;
  }

  /** Holds the current step (checks and automatic rollback go on). */
  pause(): void {
    if (this.record.status !== 'running') return;
    this.update({ status: 'paused', message: `Paused at ${appliedPercent(this.record)}%; automatic rollback stays armed.` });
    this.wakeUp();
  }

  resume(): void {
    if (this.record.status !== 'paused') return;
    this.update({ status: 'running', message: `Resumed at ${appliedPercent(this.record)}%.` });
    this.wakeUp();
  }

  /**
   * Stops after the alias write in flight, if any: `keep` leaves the alias at the last applied
   * step, `rollBack` returns all traffic to the old version. Resolves with the final record.
   */
  cancel(mode: CancelMode): Promise<RolloutRecord> {
    if (!isActive(this.record)) return Promise.resolve(this.snapshot);
    this.cancelMode = mode;
    this.wakeUp();
    return this.run();
  }

  /**
   * Stops driving without touching the alias or the record's status (the window is closing):
   * the saved record stays active, and the next start offers to resume it.
   */
  abandon(): void {
    this.abandoned = true;
    this.wakeUp();
  }

  dispose(): void {
    this.changed.dispose();
  }

  private wakeUp(): void {
    this.wake.abort();
    this.wake = new AbortController();
  }

  private async drive(): Promise<RolloutRecord> {
    if (!isActive(this.record)) return this.snapshot;
    if (!(await this.matchAlias())) return this.snapshot;
    const { steps } = this.record.config;
    for (;;) {
      if (this.abandoned) return this.snapshot;
      if (this.cancelMode) return this.finishCancel();
      if (this.record.appliedStep < 0) {
        if (!(await this.applyStep(0))) return this.snapshot;
      }
      if (steps[this.record.appliedStep].percent >= 100) {
        await this.finish('succeeded', `Version ${this.record.config.toVersion} gets all traffic of ${this.record.config.target.aliasName}.`);
        return this.snapshot;
      }
      if (!(await this.watchStep())) return this.snapshot;
      if (!(await this.applyStep(this.record.appliedStep + 1))) return this.snapshot;
    }
  }

  /**
   * Checks that the alias is where the record says, before touching it. A step that was written
   * but not recorded (the window closed in between) is adopted; anything else means someone
   * else changed the alias, and the rollout stops without writing.
   */
  private async matchAlias(): Promise<boolean> {
    const state = await this.deps.alias.read();
    this.revisionId = state.revisionId;
    const { config, appliedStep } = this.record;
    if (sameRouting(state.routing, routingAtStep(config, appliedStep))) return true;
    // Before the first step, a split already sending some traffic to the new version is fine: step 1 replaces it.
    if (appliedStep < 0 && state.routing.primary === config.fromVersion && state.routing.extra?.version === config.toVersion) return true;
    if (appliedStep + 1 < config.steps.length && sameRouting(state.routing, routingAtStep(config, appliedStep + 1))) {
      this.update({ appliedStep: appliedStep + 1, appliedAt: this.deps.clock.now() });
      await this.persist();
      return true;
    }
    const expected = describeRouting(routingAtStep(config, appliedStep));
    await this.finish('failed', `Alias ${config.target.aliasName} routes ${describeRouting(state.routing)}, not ${expected} as the rollout left it: it was changed outside the rollout. Nothing was changed.`);
    return false;
  }

  /** Writes step `index` to the alias. False when the rollout ended instead. */
  private async applyStep(index: number): Promise<boolean> {
    const { config } = this.record;
    const routing = routingAtStep(config, index);
    const problem = routingProblem(routing);
    if (problem) {
      await this.finish('failed', `Step ${index + 1} cannot be applied: ${problem}`);
      return false;
    }
    const written = await this.write(routing, routingAtStep(config, index - 1));
    if (written !== 'written') {
      const detail = written === 'conflict'
        ? `Alias ${config.target.aliasName} was changed by someone else while the rollout ran; it stopped and left the alias as it is.`
        : `Step ${index + 1} could not be written: ${written.error} The alias was left at ${appliedPercent(this.record)}%.`;
      await this.finish('failed', detail);
      return false;
    }
    this.update({ appliedStep: index, appliedAt: this.deps.clock.now(), message: `Version ${config.toVersion} gets ${config.steps[index].percent}% of ${config.target.aliasName}.` });
    this.deps.log?.(`Rollout ${config.target.functionName}:${config.target.aliasName}: ${describeRouting(routing)}`);
    await this.persist();
    return true;
  }

  /**
   * One guarded UpdateAlias. After an error other than a conflict the alias is read back: the
   * write may have happened even though the answer was lost.
   */
  private async write(routing: Routing, previous: Routing): Promise<'written' | 'conflict' | { error: string }> {
    let lastError = '';
    for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
      try {
        const state = await this.deps.alias.write(routing, this.revisionId);
        this.revisionId = state.revisionId;
        this.deps.onAliasWritten?.(state);
        return 'written';
      } catch (error) {
        if (error instanceof AliasConflictError) return 'conflict';
        lastError = messageOf(error);
        this.deps.log?.(`Writing alias ${this.record.config.target.aliasName} failed (attempt ${attempt}): ${lastError}`);
      }
      try {
        const state = await this.deps.alias.read();
        this.revisionId = state.revisionId;
        if (sameRouting(state.routing, routing)) {
          this.deps.onAliasWritten?.(state);
          return 'written';
        }
        if (!sameRouting(state.routing, previous)) return 'conflict';
      } catch (error) {
        lastError = messageOf(error);
      }
      if (attempt < WRITE_ATTEMPTS) await this.deps.clock.sleep(Math.min(5000, this.record.config.checkEveryMs), new AbortController().signal);
    }
    return { error: lastError };
  }

  /** Watches the applied step until it may advance (true) or the rollout ended (false). */
  private async watchStep(): Promise<boolean> {
    const { config } = this.record;
    const step = config.steps[this.record.appliedStep];
    for (;;) {
      if (this.abandoned) return false;
      if (this.cancelMode) {
        await this.finishCancel();
        return false;
      }
      const decision = await this.check();
      if (decision?.action === 'rollBack') {
        await this.rollBack('rolledBack', `Rolled back automatically: ${decision.reason} All traffic is back on version ${config.fromVersion}.`);
        return false;
      }
      if (this.cancelMode) continue;
      const now = this.deps.clock.now();
      const appliedAt = this.record.appliedAt ?? now;
      const remaining = Math.max(0, step.waitMs - (now - appliedAt));
      // Judged by metrics, a step goes on only once the minutes up to its end are published.
      const stepEnd = appliedAt + step.waitMs;
      const covered = this.coveredUntil >= stepEnd;
      const running = this.record.status === 'running';
      if (running && remaining === 0 && decision?.action === 'proceed' && covered) return true;
      if (running) this.update({ message: this.watchMessage(decision, remaining, covered ? undefined : stepEnd) });
      this.update({ heartbeatAt: now });
      await this.persist();
      const nap = running && decision?.action === 'proceed' && remaining > 0 ? Math.min(config.checkEveryMs, remaining) : config.checkEveryMs;
      await this.deps.clock.sleep(Math.max(1, nap), this.wake.signal);
    }
  }

  private watchMessage(decision: HealthDecision | undefined, remainingMs: number, waitingFor?: number): string {
    const { config } = this.record;
    const at = `At ${appliedPercent(this.record)}%`;
    if (!decision) return `${at}; the health of version ${config.toVersion} could not be read, so the rollout holds. ${this.record.message}`;
    if (waitingFor !== undefined && remainingMs === 0 && decision.action === 'proceed') {
      return `${at}; waiting for CloudWatch to publish the minutes up to ${new Date(Math.ceil(waitingFor / 60_000) * 60_000).toISOString().slice(11, 16)} UTC before going on.`;
    }
    if (decision.action === 'wait' && remainingMs === 0) {
      return `${at}; waiting for ${decision.needed} more call${decision.needed === 1 ? '' : 's'} of version ${config.toVersion} before going on.`;
    }
    return `${at}; next step in ${Math.ceil(remainingMs / 1000)} s.`;
  }

  /**
   * Makes the test invocations, reads new log events and the metrics, and judges by the metrics
   * when they have data, else by the log lines; undefined when neither could be read.
   */
  private async check(): Promise<HealthDecision | undefined> {
    const { config } = this.record;
    if (this.deps.invoker && config.testInvocations > 0) {
      for (let i = 0; i < config.testInvocations && !this.cancelMode; i++) {
        try {
          const result = await this.deps.invoker.invoke(config.toVersion, config.testPayload);
          this.health.addOwnResult(result.requestId, config.toVersion, result.failed);
          this.own.invocations++;
          if (result.failed) this.own.errors++;
        } catch (error) {
          this.deps.log?.(`Test invocation of version ${config.toVersion} failed to run: ${messageOf(error)}`);
          break;
        }
      }
    }
    const readStart = this.deps.clock.now();
    let logs: HealthCounts | undefined;
    let logsError: string | undefined;
    try {
      const from = this.logsReadFrom === undefined ? this.record.startedAt - START_SKEW_MS : Math.max(this.record.startedAt - START_SKEW_MS, this.logsReadFrom - LOG_OVERLAP_MS);
      this.health.addLogEvents(await this.deps.logs.read(from));
      this.logsReadFrom = readStart;
      logs = this.health.countsFor(config.toVersion);
    } catch (error) {
      logsError = messageOf(error);
    }
    const metrics = await this.readMetrics(readStart);
    const judged = judgeHealth({ metrics: metrics?.counts[1], own: this.own, logs });
    if (!judged) {
      const why = `Could not read the logs: ${logsError ?? 'no answer'}`;
      this.update({ message: why });
      this.deps.log?.(`Rollout health check failed: ${logsError ?? 'no answer'}`);
      return undefined;
    }
    if (logsError) this.deps.log?.(`Reading the logs failed (the metrics judged this check): ${logsError}`);
    // Log lines are read up to now: only the metrics lag behind.
    this.coveredUntil = judged.source === 'metrics' && metrics ? metrics.end : Number.POSITIVE_INFINITY;
    const stepSources = { ...this.record.stepSources, [String(this.record.appliedStep)]: judged.source };
    // The old version's rate from the same source, for the chart of both side by side.
    const old = judged.source === 'metrics' && metrics ? metrics.counts[0] : this.health.countsFor(config.fromVersion);
    const chart = chartWith(this.record.chart, readStart, old, judged.health);
    this.update({ health: judged.health, healthSource: judged.source, stepSources, chart });
    return rollbackDecision(judged.health, config.threshold);
  }

  /** The new version's counts through the alias from CloudWatch; undefined when there is no port, no whole minute yet, or an error. */
  private async readMetrics(now: number): Promise<{ counts: MetricCounts[]; end: number } | undefined> {
    const port = this.deps.metrics;
    if (!port || this.metricsOff) return undefined;
    const window = metricsWindow(this.record.startedAt, now, port.delayMs);
    if (!window) return undefined;
    try {
      const { fromVersion, toVersion } = this.record.config;
      return { counts: await port.read([fromVersion, toVersion], window.start, window.end), end: window.end };
    } catch (error) {
      if (error instanceof WorkbenchError && (error.kind === 'accessDenied' || error.kind === 'service' || error.kind === 'credentials')) {
        // Not allowed or not there: the rest of the rollout is judged by the log lines, which is said once.
        this.metricsOff = messageOf(error);
        this.update({ metricsNote: `CloudWatch metrics are not used: ${this.metricsOff}` });
        this.deps.log?.(`Rollout ${this.record.config.target.functionName}:${this.record.config.target.aliasName} is judged by ${describeSource('logs')}: ${this.metricsOff}`);
      } else {
        this.deps.log?.(`Reading CloudWatch metrics failed; this check counts ${describeSource('logs')}: ${messageOf(error)}`);
      }
      return undefined;
    }
  }

  private async finishCancel(): Promise<RolloutRecord> {
    const { config } = this.record;
    if (this.cancelMode === 'rollBack' && this.record.appliedStep >= 0) {
      await this.rollBack('cancelled', `Cancelled and rolled back: all traffic is on version ${config.fromVersion}.`);
    } else {
      const where = describeRouting(routingAtStep(config, this.record.appliedStep));
      await this.finish('cancelled', `Cancelled; ${config.target.aliasName} stays at ${where}.`);
    }
    return this.snapshot;
  }

  /**
   * Returns all traffic to the old version. A conflict is retried with the alias's fresh
   * RevisionId as long as the old version is still its main version (rolling back is what is
   * wanted whatever the weight is now); otherwise the alias is left alone.
   */
  private async rollBack(status: RolloutStatus, message: string): Promise<void> {
    const { config } = this.record;
    const target: Routing = { primary: config.fromVersion };
    for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
      const result = await this.write(target, routingAtStep(config, this.record.appliedStep));
      if (result === 'written') {
        this.update({ appliedStep: -1, appliedAt: this.deps.clock.now() });
        await this.finish(status, message);
        return;
      }
      if (result !== 'conflict') {
        await this.finish('failed', `Rolling back to version ${config.fromVersion} failed: ${result.error} Roll the alias back by hand (Roll Back).`);
        return;
      }
      const state = await this.deps.alias.read().catch(() => undefined);
      if (!state || state.routing.primary !== config.fromVersion) {
        const now = state ? describeRouting(state.routing) : 'unknown';
        await this.finish('failed', `Could not roll back: ${config.target.aliasName} was changed by someone else (it now routes ${now}); it was left as it is.`);
        return;
      }
      if (!state.routing.extra) {
        await this.finish(status, message);
        return;
      }
      this.revisionId = state.revisionId;
    }
    await this.finish('failed', `Could not roll back ${config.target.aliasName}: it kept changing. Roll it back by hand (Roll Back).`);
  }

  private async finish(status: RolloutStatus, message: string): Promise<void> {
    const now = this.deps.clock.now();
    this.update({ status, message, finishedAt: now, heartbeatAt: now });
    this.deps.log?.(`Rollout ${this.record.config.target.functionName}:${this.record.config.target.aliasName} ${status}: ${message}`);
    await this.persist();
  }

  private update(patch: Partial<RolloutRecord>): void {
    this.record = { ...this.record, ...patch };
    this.changed.fire(this.snapshot);
  }

  private async persist(): Promise<void> {
    try {
      await this.deps.save(this.snapshot);
    } catch (error) {
      this.deps.log?.(`Saving the rollout state failed: ${messageOf(error)}`);
    }
  }
}
