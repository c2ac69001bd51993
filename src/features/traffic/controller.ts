import { applyChange, previewChange, publishLatest, publishedVersions, readAlias, type AliasChange } from './changes';
import { DEFAULT_INTERVAL_MINUTES, DEFAULT_MAX_ERROR_PERCENT, DEFAULT_MIN_INVOCATIONS, rolloutDetail } from './actions';
import { AliasConflictError, type LambdaApi } from '../../aws/lambda';
import { describePlan, describeRouting, extraPercent, LATEST, PERCENT_STEP, planSteps, PRESET_PERCENTS, routingOf, thresholdProblem, type PlanStep } from './routing';
import { PreviousPrimaries } from './previousPrimary';
import { rolloutManager, type RolloutManager } from './rolloutManager';
import { appliedPercent, describeProgress, describeStepSources, isActive, isInterrupted, type RolloutRecord } from './rollout';
import type { IDisposable } from '../../shared/lifecycle';
import { sameFunction } from '../../workbench/context';
import type { TabController, TabHost } from '../../workbench/panel/tab';
import {
  trafficProtocol,
  type TrafficProtocol,
  type AliasesState,
  type AliasView,
  type RolloutRequest,
  type RolloutView,
} from './protocol';
import { errorMessage } from '../../shared/errors';
import type { RequestHandlers } from '../../shared/protocol';

const RECENT_ROLLOUTS = 5;
const errorText = (error: unknown) => (errorMessage(error));

/**
 * The Aliases & Traffic tab: every alias of the function with its split, traffic shifts,
 * promote/roll back, alias create/edit/delete, publishing, and gradual rollouts. Changes go
 * through the same code as the commands (aliases/changes.ts) and are announced, so the tree
 * and other panels follow.
 */
export class TrafficController implements TabController<TrafficProtocol> {
  readonly protocol = trafficProtocol;
  private state: AliasesState;
  private readonly subscriptions: IDisposable[] = [];
  private readonly rollouts: RolloutManager;
  private loading: Promise<void> | undefined;
  private disposed = false;

  private readonly previous: PreviousPrimaries;

  constructor(private readonly host: TabHost<TrafficProtocol>) {
    this.previous = new PreviousPrimaries(host.workbench.extension.workspaceState);
    this.state = {
      phase: 'loading',
      functionName: host.target.functionName,
      versions: [],
      aliases: [],
      recentRollouts: [],
      percentStep: PERCENT_STEP,
      defaults: { percents: PRESET_PERCENTS, intervalMinutes: DEFAULT_INTERVAL_MINUTES, maxErrorPercent: DEFAULT_MAX_ERROR_PERCENT, minInvocations: DEFAULT_MIN_INVOCATIONS },
    };
    this.rollouts = rolloutManager(host.workbench);
    this.subscriptions.push(
      host.workbench.onDidChangeFunction((fn) => {
        if (sameFunction(fn, host.target)) void this.load();
      }),
      this.rollouts.onDidChange((record) => {
        const t = record.config.target;
        if (!sameFunction(t, host.target)) return;
        if (!isActive(record)) {
          const kind = record.status === 'succeeded' ? 'success' : record.status === 'cancelled' ? 'info' : 'error';
          this.state = { ...this.state, message: { kind, text: `Rollout of ${t.aliasName} ${record.config.fromVersion} → ${record.config.toVersion}: ${record.message}` } };
        }
        this.refreshRollouts();
      }),
    );
  }

  /** Roll Back without a split returns the alias to the version it pointed to before its last move. */
  private withRollBackTarget(change: AliasChange): AliasChange {
    if (change.kind !== 'rollBack') return change;
    const alias = this.state.aliases.find((a) => a.name === change.alias);
    return alias?.rollBackTo ? { ...change, to: alias.rollBackTo } : change;
  }

  onReady(): void {
    this.push();
    if (this.state.phase !== 'ready') void this.load();
  }

  readonly requests: RequestHandlers<TrafficProtocol> = {
    refresh: () => this.guarded(async () => {
      await this.load();
      return this.state;
    }),
    preview: ({ change }) => this.guarded(async () => {
      const preview = await previewChange(await this.lambda(), this.fn, this.withRollBackTarget(change as AliasChange));
      return { summary: preview.resolved.summary, revisionId: preview.revisionId, noChange: preview.resolved.noChange === true };
    }),
    apply: ({ change, revisionId }) => this.guarded(async () => {
      const api = await this.lambda();
      const preview = await previewChange(api, this.fn, this.withRollBackTarget(change as AliasChange));
      // Send the RevisionId the person saw: if the alias changed since, Lambda refuses.
      await applyChange(api, this.fn, { resolved: preview.resolved, revisionId: revisionId ?? preview.revisionId });
      await this.previous.record(this.host.target, preview.resolved);
      return this.changed(`Done: ${preview.resolved.summary}`);
    }),
    publish: ({ description }) => this.guarded(async () => {
      const { version, existing } = await publishLatest(await this.lambda(), this.fn, description);
      const v = version.Version ?? '?';
      return this.changed(existing ? `Nothing changed since version ${v} was published, so Lambda kept version ${v}.` : `Published version ${v}.`);
    }),
    deleteAlias: ({ alias: name, revisionId }) => this.guarded(async () => {
      const api = await this.lambda();
      const alias = await readAlias(api, this.fn, name);
      if (!alias) return this.changed(`Alias ${name} was already deleted.`);
      // DeleteAlias takes no RevisionId: compare it here so a changed alias is not deleted unseen.
      if (revisionId && alias.RevisionId !== revisionId) throw new AliasConflictError(this.fn, name);
      if (this.state.aliases.find((a) => a.name === name)?.rollout?.status === 'running') {
        throw new Error(`A gradual rollout is running on ${name}; stop it first.`);
      }
      await api.deleteAlias(this.fn, name);
      return this.changed(`Deleted alias ${name}.`);
    }),
    previewRollout: ({ rollout }) => this.guarded(async () => {
      const { steps, threshold } = await this.rolloutPlan(rollout);
      const alias = this.state.aliases.find((a) => a.name === rollout.alias);
      const lines = [
        `${this.fn}:${rollout.alias}: version ${alias?.routing.primary ?? '?'} → ${rollout.toVersion}`,
        ...rolloutDetail(steps, rollout.maxErrorPercent, threshold.minInvocations, rollout.testInvocations, alias?.routing.primary ?? '?').split('\n'),
      ];
      return { lines };
    }),
    startRollout: ({ rollout }) => this.guarded(async () => {
      const { steps, threshold, fromVersion } = await this.rolloutPlan(rollout);
      const t = this.host.target;
      await this.rollouts.start({
        target: { connectionId: t.connectionId, connectionLabel: t.connectionLabel, region: t.region, functionName: t.functionName, aliasName: rollout.alias },
        fromVersion,
        toVersion: rollout.toVersion,
        steps,
        threshold,
        testInvocations: rollout.testInvocations,
      });
      this.refreshRollouts();
      return this.withMessage('info', `Gradual rollout of ${rollout.alias} started: ${describePlan(steps)}.`);
    }),
    pauseRollout: ({ id }) => {
      this.rollouts.pause(id);
      return this.refreshRollouts();
    },
    resumeRollout: ({ id }) => this.guarded(async () => {
      await this.rollouts.resume(id);
      return this.refreshRollouts();
    }),
    stopRollout: ({ id, mode }) => this.guarded(async () => {
      const final = await this.rollouts.cancel(id, mode);
      await this.load();
      return this.withMessage('info', final?.message ?? 'Stopped.');
    }),
  };

  /** Runs an action; after a conflict the tab shows the alias as it is now. */
  private async guarded<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof AliasConflictError) {
        await this.load();
        throw new Error(`${error.message} The tab now shows the alias as it is; check it and try again.`, { cause: error });
      }
      throw error;
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }

  private lambda(): Promise<LambdaApi> {
    return this.host.lambda();
  }

  private get fn(): string {
    return this.host.target.functionName;
  }

  /** Checks a rollout request against the alias as it is now. */
  private async rolloutPlan(r: RolloutRequest): Promise<{ steps: PlanStep[]; threshold: { maxErrorRate: number; minInvocations: number }; fromVersion: string }> {
    const plan = r.plan === 'linear'
      ? planSteps({ kind: 'linear', steps: r.linearSteps ?? 4, intervalMinutes: r.intervalMinutes })
      : planSteps({ kind: 'steps', percents: r.plan === 'custom' && r.percents?.length ? r.percents : PRESET_PERCENTS, intervalMinutes: r.intervalMinutes });
    if ('error' in plan) throw new Error(plan.error);
    const threshold = { maxErrorRate: r.maxErrorPercent / 100, minInvocations: r.minInvocations };
    const problem = thresholdProblem(threshold);
    if (problem) throw new Error(problem);
    const alias = await readAlias(await this.lambda(), this.fn, r.alias);
    if (!alias) throw new Error(`Alias ${r.alias} no longer exists.`);
    const routing = routingOf(alias);
    if (routing.primary === LATEST) throw new Error(`Alias ${r.alias} points to $LATEST; a rollout needs a published version. Edit the alias first.`);
    if (routing.primary === r.toVersion) throw new Error(`Version ${r.toVersion} already gets all traffic of ${r.alias}.`);
    if (routing.extra && routing.extra.version !== r.toVersion) {
      throw new Error(`Alias ${r.alias} already shares traffic with version ${routing.extra.version}; promote or roll it back before rolling out version ${r.toVersion}.`);
    }
    return { steps: plan.steps, threshold, fromVersion: routing.primary };
  }

  private async changed(text: string): Promise<AliasesState> {
    this.host.workbench.announceFunctionChange(this.host.target);
    await this.load();
    return this.withMessage('success', text);
  }

  private withMessage(kind: 'info' | 'success' | 'error', text: string): AliasesState {
    this.state = { ...this.state, message: { kind, text } };
    this.push();
    return this.state;
  }

  /** Reads versions and aliases (one load at a time; a request during a load waits for it). */
  private load(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const api = await this.lambda();
        const [versions, aliases] = await Promise.all([api.listVersions(this.fn), api.listAliases(this.fn)]);
        const descriptions = new Map(versions.map((v) => [v.Version, v]));
        this.state = {
          ...this.state,
          phase: 'ready',
          loadError: undefined,
          versions: publishedVersions(versions).map((v) => ({ version: v, description: descriptions.get(v)?.Description ?? '', lastModified: descriptions.get(v)?.LastModified })),
          aliases: aliases
            .map((a): AliasView => {
              const routing = routingOf(a);
              return {
                name: a.Name ?? '?',
                description: a.Description ?? '',
                revisionId: a.RevisionId,
                routing: { primary: routing.primary, extraVersion: routing.extra?.version, extraPercent: extraPercent(routing), summary: describeRouting(routing) },
                rollBackTo: routing.extra ? undefined : this.previous.get(this.host.target, a.Name ?? '?', routing.primary),
              };
            })
            .sort((a, b) => a.name.localeCompare(b.name)),
        };
      } catch (error) {
        this.state = { ...this.state, phase: this.state.phase === 'ready' ? 'ready' : 'failed', loadError: errorText(error) };
        if (this.state.phase === 'ready') this.state.message = { kind: 'error', text: `Could not refresh: ${errorText(error)}` };
      } finally {
        this.loading = undefined;
      }
      this.refreshRollouts();
    })();
    return this.loading;
  }

  /** Re-attaches rollout records (no network) and pushes the state. */
  private refreshRollouts(): AliasesState {
    const t = this.host.target;
    const now = Date.now();
    const views = this.rollouts.recordsOf(t.connectionId, t.region, t.functionName).map((r) => this.rolloutView(r, now));
    const active = new Map(views.filter((v) => v.status === 'running' || v.status === 'paused').map((v) => [v.aliasName, v]));
    this.state = {
      ...this.state,
      aliases: this.state.aliases.map((a) => ({ ...a, rollout: active.get(a.name) })),
      recentRollouts: views.filter((v) => v.status !== 'running' && v.status !== 'paused').slice(0, RECENT_ROLLOUTS),
    };
    this.push();
    return this.state;
  }

  private rolloutView(r: RolloutRecord, now: number): RolloutView {
    const runningHere = this.rollouts.isRunningHere(r.id);
    return {
      id: r.id,
      aliasName: r.config.target.aliasName,
      fromVersion: r.config.fromVersion,
      toVersion: r.config.toVersion,
      status: r.status,
      percent: appliedPercent(r),
      step: r.appliedStep + 1,
      steps: r.config.steps.length,
      plan: describePlan(r.config.steps),
      progress: describeProgress(r),
      ...(r.healthSource ? { judgedBy: r.healthSource } : {}),
      ...(describeStepSources(r) ? { stepsJudged: describeStepSources(r) } : {}),
      ...(r.metricsNote ? { metricsNote: r.metricsNote } : {}),
      ...(r.chart && isActive(r) ? { chart: r.chart } : {}),
      message: r.message,
      runningHere,
      interrupted: !runningHere && isActive(r) && isInterrupted(r, now),
    };
  }

  private push(): void {
    if (!this.disposed) this.host.notify('state', this.state);
  }
}

export function createTrafficTab(host: TabHost<TrafficProtocol>): TrafficController {
  return new TrafficController(host);
}
