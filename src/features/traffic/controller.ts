import { applyChange, previewChange, publishLatest, publishedVersions, readAlias, type AliasChange } from './changes';
import { announceAliasChange, onDidChangeAliases, sameFunction } from './events';
import { DEFAULT_INTERVAL_MINUTES, DEFAULT_MAX_ERROR_PERCENT, DEFAULT_MIN_INVOCATIONS, rolloutDetail } from './actions';
import { AliasConflictError, type LambdaApi } from '../../aws/lambda';
import { describePlan, describeRouting, extraPercent, LATEST, PERCENT_STEP, planSteps, PRESET_PERCENTS, routingOf, thresholdProblem, type PlanStep } from './routing';
import { rolloutManager, type RolloutManager } from './rolloutManager';
import { appliedPercent, describeProgress, isActive, isInterrupted, type RolloutRecord } from './rollout';
import type { IDisposable } from '../../shared/lifecycle';
import { validate } from '../../workbench/panel/validate';
import { resolveLambda } from '../../workbench/connection';
import type { TabController, TabHost } from '../../workbench/panel/tab';
import {
  ALIASES_OP,
  ALIASES_STATE,
  type AliasesOp,
  type AliasesState,
  type AliasView,
  type ChangePreview,
  type RolloutPreview,
  type RolloutRequest,
  type RolloutView,
} from './protocol';
import { aliasesOpSchema } from './schema';

const RECENT_ROLLOUTS = 5;
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The Aliases & Traffic tab: every alias of the function with its split, traffic shifts,
 * promote/roll back, alias create/edit/delete, publishing, and gradual rollouts. Changes go
 * through the same code as the commands (aliases/changes.ts) and are announced, so the tree
 * and other panels follow.
 */
export class AliasesController implements TabController {
  private state: AliasesState;
  private readonly subscriptions: IDisposable[] = [];
  private readonly rollouts: RolloutManager;
  private loading: Promise<void> | undefined;
  private disposed = false;

  constructor(private readonly host: TabHost) {
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
      onDidChangeAliases((fn) => {
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

  onReady(): void {
    this.push();
    if (this.state.phase !== 'ready') void this.load();
  }

  async onRequest(type: string, payload: unknown): Promise<unknown> {
    if (type !== ALIASES_OP) throw new Error(`Unknown request ${type}.`);
    const op = validate(aliasesOpSchema, payload, 'action');
    try {
      return await this.run(op);
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
    return resolveLambda(this.host);
  }

  private get fn(): string {
    return this.host.target.functionName;
  }

  private async run(op: AliasesOp): Promise<unknown> {
    switch (op.op) {
      case 'refresh':
        await this.load();
        return this.state;
      case 'preview': {
        const preview = await previewChange(await this.lambda(), this.fn, op.change as AliasChange);
        const reply: ChangePreview = { summary: preview.resolved.summary, revisionId: preview.revisionId, noChange: preview.resolved.noChange === true };
        return reply;
      }
      case 'apply': {
        const api = await this.lambda();
        const preview = await previewChange(api, this.fn, op.change as AliasChange);
        // Send the RevisionId the person saw: if the alias changed since, Lambda refuses.
        await applyChange(api, this.fn, { resolved: preview.resolved, revisionId: op.revisionId ?? preview.revisionId });
        return this.changed(`Done: ${preview.resolved.summary}`);
      }
      case 'publish': {
        const { version, existing } = await publishLatest(await this.lambda(), this.fn, op.description);
        const v = version.Version ?? '?';
        return this.changed(existing ? `Nothing changed since version ${v} was published, so Lambda kept version ${v}.` : `Published version ${v}.`);
      }
      case 'deleteAlias': {
        const api = await this.lambda();
        const alias = await readAlias(api, this.fn, op.alias);
        if (!alias) return this.changed(`Alias ${op.alias} was already deleted.`);
        // DeleteAlias takes no RevisionId: compare it here so a changed alias is not deleted unseen.
        if (op.revisionId && alias.RevisionId !== op.revisionId) throw new AliasConflictError(this.fn, op.alias);
        if (this.state.aliases.find((a) => a.name === op.alias)?.rollout?.status === 'running') {
          throw new Error(`A gradual rollout is running on ${op.alias}; stop it first.`);
        }
        await api.deleteAlias(this.fn, op.alias);
        return this.changed(`Deleted alias ${op.alias}.`);
      }
      case 'previewRollout': {
        const { steps, threshold } = await this.rolloutPlan(op.rollout);
        const alias = this.state.aliases.find((a) => a.name === op.rollout.alias);
        const reply: RolloutPreview = {
          lines: [
            `${this.fn}:${op.rollout.alias}: version ${alias?.routing.primary ?? '?'} → ${op.rollout.toVersion}`,
            ...rolloutDetail(steps, op.rollout.maxErrorPercent, threshold.minInvocations, op.rollout.testInvocations, alias?.routing.primary ?? '?').split('\n'),
          ],
        };
        return reply;
      }
      case 'startRollout': {
        const { steps, threshold, fromVersion } = await this.rolloutPlan(op.rollout);
        const t = this.host.target;
        await this.rollouts.start({
          target: { connectionId: t.connectionId, connectionLabel: t.connectionLabel, region: t.region, functionName: t.functionName, aliasName: op.rollout.alias },
          fromVersion,
          toVersion: op.rollout.toVersion,
          steps,
          threshold,
          testInvocations: op.rollout.testInvocations,
        });
        this.refreshRollouts();
        return this.withMessage('info', `Gradual rollout of ${op.rollout.alias} started: ${describePlan(steps)}.`);
      }
      case 'pauseRollout':
        this.rollouts.pause(op.id);
        return this.refreshRollouts();
      case 'resumeRollout':
        await this.rollouts.resume(op.id);
        return this.refreshRollouts();
      case 'stopRollout': {
        const final = await this.rollouts.cancel(op.id, op.mode);
        await this.load();
        return this.withMessage('info', final?.message ?? 'Stopped.');
      }
    }
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
    announceAliasChange(this.host.target);
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
      message: r.message,
      runningHere,
      interrupted: !runningHere && isActive(r) && isInterrupted(r, now),
    };
  }

  private push(): void {
    if (!this.disposed) this.host.notify(ALIASES_STATE, this.state);
  }
}

export function createAliasesTab(host: TabHost): TabController {
  return new AliasesController(host);
}
