/**
 * The VS Code side of gradual rollouts: starts runners on real Lambda and Logs operations, shows
 * each in a progress notification (its Cancel asks whether to keep the last step or roll back),
 * persists them, and on start offers to resume or roll back a rollout VS Code was closed on.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { LOCAL_CONNECTION_ID } from '../../aws/connections';
import type { LambdaApi } from '../../aws/lambda';
import { functionLogGroup, type LogsApi } from '../../aws/logs';
import type { Workbench } from '../../workbench/context';
import { describeRouting, type PlanStep, type RollbackThreshold } from './routing';
import { Emitter } from '../../shared/events';
import { Disposable } from '../../shared/lifecycle';
import type { MetricsApi } from '../../aws/cloudwatch';
import { METRICS_DELAY_MS } from './metricsHealth';
import { aliasPort, invokePort, logGroupPort, metricsPort } from './rolloutPorts';
import {
  appliedPercent,
  describeProgress,
  describeTarget,
  isActive,
  isInterrupted,
  routingAtStep,
  aliasKey,
  type RolloutConfig,
  type RolloutRecord,
  type RolloutTarget,
} from './rollout';
import { realClock, RolloutRunner, type CancelMode, type RolloutDeps } from './rolloutRunner';
import { RolloutStore } from './rolloutStore';

export interface StartRolloutInput {
  target: RolloutTarget;
  fromVersion: string;
  toVersion: string;
  steps: PlanStep[];
  threshold: RollbackThreshold;
  testInvocations?: number;
  testPayload?: string;
}

/** How often health is checked: a quarter of the shortest step, between 0.5 and 15 seconds. */
export function checkIntervalFor(steps: PlanStep[]): number {
  const waits = steps.map((s) => s.waitMs).filter((w) => w > 0);
  const shortest = waits.length ? Math.min(...waits) : 60_000;
  return Math.min(15_000, Math.max(500, Math.floor(shortest / 4)));
}

const managers = new WeakMap<Workbench, RolloutManager>();

/** The window's rollout manager, created on first use. */
export function rolloutManager(ws: Workbench): RolloutManager {
  let manager = managers.get(ws);
  if (!manager) {
    manager = ws.own(new RolloutManager(ws));
    managers.set(ws, manager);
  }
  return manager;
}

interface Running {
  runner: RolloutRunner;
}

export class RolloutManager extends Disposable {
  private readonly store: RolloutStore;
  private readonly running = new Map<string, Running>();
  private readonly changed = this._register(new Emitter<RolloutRecord>());
  /** Fires whenever a rollout of this window changes. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly ws: Workbench) {
    super();
    this.store = new RolloutStore(ws.extension.globalState);
  }

  /** Rollouts of a function, newest first: running ones as they are now, others as last saved. */
  recordsOf(connectionId: string, region: string, functionName: string): RolloutRecord[] {
    return this.store
      .all()
      .filter((r) => r.config.target.connectionId === connectionId && r.config.target.region === region && r.config.target.functionName === functionName)
      .map((r) => this.running.get(r.id)?.runner.snapshot ?? r);
  }

  /** Active rollouts run by this window. */
  activeHere(): RolloutRecord[] {
    return [...this.running.values()].map((r) => r.runner.snapshot).filter(isActive);
  }

  isRunningHere(id: string): boolean {
    return this.running.has(id);
  }

  /** Starts a rollout; resolves once it runs (not when it ends). */
  async start(input: StartRolloutInput): Promise<RolloutRecord> {
    const key = aliasKey(input.target);
    const busy = this.store.all().find((r) => aliasKey(r.config.target) === key && isActive(r) && !isInterrupted(r, Date.now()));
    if (busy) throw new Error(`A gradual rollout of ${input.target.functionName}:${input.target.aliasName} is already running (${describeProgress(busy)}).`);
    const config: RolloutConfig = {
      target: input.target,
      fromVersion: input.fromVersion,
      toVersion: input.toVersion,
      steps: input.steps,
      threshold: input.threshold,
      checkEveryMs: checkIntervalFor(input.steps),
      testInvocations: Math.max(0, Math.min(20, Math.floor(input.testInvocations ?? 0))),
      testPayload: input.testPayload ?? '{}',
    };
    const now = Date.now();
    const record: RolloutRecord = {
      id: randomUUID(),
      config,
      status: 'running',
      appliedStep: -1,
      startedAt: now,
      heartbeatAt: now,
      health: { invocations: 0, errors: 0 },
      message: 'Starting…',
    };
    await this.launch(record);
    return record;
  }

  pause(id: string): void {
    this.running.get(id)?.runner.pause();
  }

  /** Resumes a paused rollout of this window, or an interrupted one (which this window then runs). */
  async resume(id: string): Promise<void> {
    const running = this.running.get(id);
    if (running) return running.runner.resume();
    const record = this.interrupted(id);
    await this.launch({ ...record, status: 'running' });
  }

  /**
   * Stops a rollout of this window, or an interrupted one: `keep` leaves the alias at the last
   * applied step, `rollBack` sends all traffic to the old version. Resolves with the final record.
   */
  async cancel(id: string, mode: CancelMode): Promise<RolloutRecord | undefined> {
    const running = this.running.get(id);
    if (running) return running.runner.cancel(mode);
    const record = this.interrupted(id);
    if (mode === 'rollBack') return this.rollBackInterrupted(record);
    await this.leave(record);
    return this.store.get(id);
  }

  /** A saved rollout no window drives; throws when it is finished or still driven elsewhere. */
  private interrupted(id: string): RolloutRecord {
    const record = this.store.get(id);
    if (!record || !isActive(record)) throw new Error('That rollout has already ended.');
    if (!isInterrupted(record, Date.now())) throw new Error('That rollout is running in another VS Code window; pause or stop it there.');
    return record;
  }

  /** Waits for a running rollout to end (for tests and callers that need the outcome). */
  async whenDone(id: string): Promise<RolloutRecord | undefined> {
    const running = this.running.get(id);
    return running ? running.runner.run() : this.store.get(id);
  }

  /** Offers Resume / Roll Back / Leave for rollouts a closed window left behind. */
  async offerInterrupted(): Promise<void> {
    await this.store.prune(Date.now());
    for (const record of this.store.all()) {
      if (!isInterrupted(record, Date.now()) || this.running.has(record.id)) continue;
      const at = describeRouting(routingAtStep(record.config, record.appliedStep));
      const choice = await vscode.window.showWarningMessage(
        `The gradual rollout of ${describeTarget(record.config)} stopped when VS Code closed; ${record.config.target.aliasName} routes ${at}.`,
        'Resume',
        'Roll Back',
        'Leave as Is',
      );
      try {
        if (choice === 'Resume') await this.launch(record);
        else if (choice === 'Roll Back') await this.rollBackInterrupted(record);
        else if (choice === 'Leave as Is') await this.leave(record);
      } catch (error) {
        await this.ws.showError(error, `Rollout of ${record.config.target.functionName}:${record.config.target.aliasName}`);
      }
    }
  }

  /** Rolls back a rollout that no window runs; the alias is checked first, as for a resume. */
  async rollBackInterrupted(record: RolloutRecord): Promise<RolloutRecord> {
    const running = await this.launch(record, false);
    return running.runner.cancel('rollBack');
  }

  private async leave(record: RolloutRecord): Promise<void> {
    const at = describeRouting(routingAtStep(record.config, record.appliedStep));
    const left: RolloutRecord = { ...record, status: 'cancelled', finishedAt: Date.now(), message: `Left as it was: ${record.config.target.aliasName} routes ${at}.` };
    await this.store.save(left);
    this.changed.fire(left);
  }

  private async depsFor(record: RolloutRecord, lambda: LambdaApi, logs: LogsApi, metrics: MetricsApi | undefined): Promise<RolloutDeps> {
    const { target } = record.config;
    // The Local Lambda counts every invocation as it ends: no publication delay to wait for.
    const delay = target.connectionId === LOCAL_CONNECTION_ID ? 0 : METRICS_DELAY_MS;
    const config = await lambda.getFunctionConfiguration(target.functionName);
    const group = functionLogGroup(target.functionName, config.LoggingConfig?.LogGroup);
    const log = (line: string) => this.ws.log.info(line);
    return {
      alias: aliasPort(lambda, target.functionName, target.aliasName),
      logs: logGroupPort(logs, group, log),
      metrics: metrics ? metricsPort(metrics, target.functionName, target.aliasName, delay) : undefined,
      invoker: invokePort(lambda, target.functionName),
      clock: realClock,
      save: (r) => this.store.save(r),
      onAliasWritten: () => this.ws.announceFunctionChange(target),
      log,
    };
  }

  private async launch(record: RolloutRecord, withProgress = true): Promise<Running> {
    // The SDK wrappers belong to the connection's lifetime, not to the rollout.
    const connection = await this.ws.connections.resolve(record.config.target);
    // The metrics' SDK client loads lazily; when it cannot, the log lines judge.
    const metrics = await connection.metrics().catch((error: unknown) => {
      this.ws.log.warn(`CloudWatch metrics are not available for the rollout; it is judged by log lines: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    const deps = await this.depsFor(record, connection.lambda, await connection.logs(), metrics);
    const runner = new RolloutRunner({ ...record, status: record.status === 'paused' ? 'paused' : 'running', heartbeatAt: Date.now() }, deps);
    const running: Running = { runner };
    this.running.set(record.id, running);
    await this.store.save(runner.snapshot);
    runner.onDidChange((r) => this.changed.fire(r));
    if (withProgress) this.showProgress(runner);
    void runner.run().then((final) => this.finished(final, running));
    return running;
  }

  private finished(record: RolloutRecord, running: Running): void {
    if (this.running.get(record.id) !== running) return; // abandoned on dispose
    this.running.delete(record.id);
    running.runner.dispose();
    this.changed.fire(record);
    this.ws.announceFunctionChange(record.config.target);
    const title = `Rollout ${describeTarget(record.config)}`;
    if (record.status === 'succeeded') void vscode.window.showInformationMessage(`${title} finished. ${record.message}`);
    else if (record.status === 'cancelled') void vscode.window.showInformationMessage(`${title}: ${record.message}`);
    else void vscode.window.showWarningMessage(`${title}: ${record.message}`);
  }

  private showProgress(runner: RolloutRunner): void {
    const first = runner.snapshot;
    if (!isActive(first)) return;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Gradual rollout ${describeTarget(first.config)}`, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          let shown = appliedPercent(first);
          const report = (r: RolloutRecord) => {
            const percent = appliedPercent(r);
            progress.report({ message: `${describeProgress(r)} — ${r.message}`, increment: percent > shown ? percent - shown : undefined });
            shown = Math.max(shown, percent);
          };
          report(first);
          const subscription = runner.onDidChange((r) => {
            report(r);
            if (!isActive(r)) done();
          });
          const done = () => {
            subscription.dispose();
            resolve();
          };
          token.onCancellationRequested(() => {
            done();
            void this.askCancel(runner);
          });
        }),
    );
  }

  /** The notification's Cancel: keep the last step, roll back, or carry on. */
  private async askCancel(runner: RolloutRunner): Promise<void> {
    const r = runner.snapshot;
    if (!isActive(r)) return;
    const percent = appliedPercent(r);
    const keep = `Keep ${percent}%`;
    const back = `Roll Back to ${r.config.fromVersion}`;
    const choice = await vscode.window.showWarningMessage(
      `Stop the gradual rollout of ${describeTarget(r.config)}?`,
      { modal: true, detail: `Version ${r.config.toVersion} gets ${percent}% of the traffic now. "${keep}" leaves the alias as it is; "${back}" sends all traffic to version ${r.config.fromVersion}. Either way the alias is changed in one step.` },
      keep,
      back,
    );
    if (choice === keep) await runner.cancel('keep');
    else if (choice === back) await runner.cancel('rollBack');
    else this.showProgress(runner);
  }

  override dispose(): void {
    // Closing the window leaves rollouts as they are; the next start offers to resume them.
    for (const { runner } of this.running.values()) {
      runner.abandon();
      runner.dispose();
    }
    this.running.clear();
    super.dispose();
  }
}
