/**
 * The tree and palette commands for versions, aliases and gradual rollouts. Each asks for what
 * it was not given (quick picks, input boxes), shows the before/after in a confirmation, and
 * applies the change in one call guarded by the RevisionId it showed. Called with explicit
 * values (from code), they ask nothing.
 */
import * as vscode from 'vscode';
import type { AliasConfiguration, LambdaApi } from '../../aws/lambda';
import type { Workbench } from '../../workbench/context';
import { pickFunction } from '../../workbench/pickers';
import {
  describePlan,
  describeRouting,
  extraPercent,
  isPublishedVersion,
  parsePercent,
  planSteps,
  PRESET_PERCENTS,
  routingOf,
  shiftTraffic,
  thresholdProblem,
  aliasNameProblem,
  LATEST,
  type PlanStep,
  type RolloutPlanSpec,
} from './routing';
import type { FunctionTarget } from '../../shared/target';
import { toFunctionTarget } from '../../workbench/target';
import { rolloutManager } from './rolloutManager';
import { describeProgress, describeTarget, type RolloutRecord } from './rollout';
import type { CancelMode } from './rolloutRunner';
import { PreviousPrimaries } from './previousPrimary';
import { applyChange, previewChange, publishLatest, publishedVersions, readAlias, type AliasChange, type Preview } from './changes';

/** Values for Publish Version when called from code. */
export interface PublishOptions {
  description?: string;
}

export interface CreateAliasOptions {
  name: string;
  primary: string;
  extraVersion?: string;
  percent?: number;
  description?: string;
}

export interface ShiftOptions {
  version?: string;
  percent: number;
}

export interface RolloutOptions {
  toVersion?: string;
  /** Percent steps (default 10, 25, 50, 100) or `linearSteps` equal steps. */
  percents?: number[];
  linearSteps?: number;
  intervalMinutes: number;
  maxErrorPercent: number;
  minInvocations?: number;
  testInvocations?: number;
  testPayload?: string;
}

export const DEFAULT_INTERVAL_MINUTES = 5;
export const DEFAULT_MAX_ERROR_PERCENT = 5;
export const DEFAULT_MIN_INVOCATIONS = 10;

/** Throws the cancellation VS Code's command wrapper stays quiet about. */
function cancelled(): never {
  throw new vscode.CancellationError();
}

export class AliasActions {
  private readonly previous: PreviousPrimaries;

  constructor(private readonly ws: Workbench) {
    this.previous = new PreviousPrimaries(ws.extension.workspaceState);
  }

  // --- resolving what a command works on -------------------------------------------------

  private async functionTarget(arg: unknown, title: string): Promise<FunctionTarget> {
    return toFunctionTarget(arg) ?? (await pickFunction(this.ws, title)) ?? cancelled();
  }

  /** The Lambda operations of the target's connection (starting the Local Lambda if needed). */
  async lambdaFor(target: Pick<FunctionTarget, 'connectionId' | 'connectionLabel' | 'region'>): Promise<LambdaApi> {
    return (await this.ws.connections.resolve(target)).lambda;
  }

  /** The alias a command is about: the node's, or one the person picks. */
  private async aliasTarget(arg: unknown, title: string): Promise<{ target: FunctionTarget; api: LambdaApi; alias: AliasConfiguration }> {
    const target = await this.functionTarget(arg, title);
    const api = await this.lambdaFor(target);
    const qualifier = target.qualifier;
    if (qualifier && qualifier !== LATEST && !isPublishedVersion(qualifier)) {
      const alias = await readAlias(api, target.functionName, qualifier);
      if (!alias) throw new Error(`Alias ${qualifier} of ${target.functionName} no longer exists.`);
      return { target, api, alias };
    }
    const aliases = await api.listAliases(target.functionName);
    if (aliases.length === 0) throw new Error(`${target.functionName} has no aliases yet. Create one first (Create Alias…).`);
    const picked = aliases.length === 1 ? aliases[0] : (await vscode.window.showQuickPick(
      aliases.map((a) => ({ label: a.Name ?? '?', description: describeRouting(routingOf(a)), alias: a })),
      { title, placeHolder: `Which alias of ${target.functionName}?` },
    ))?.alias;
    return { target, api, alias: picked ?? cancelled() };
  }

  private changed(target: FunctionTarget): void {
    this.ws.announceFunctionChange(target);
  }

  /** Shows the before/after and asks; false when the person says no. */
  private async confirm(title: string, preview: Preview, action: string, detail?: string): Promise<boolean> {
    if (preview.resolved.noChange) {
      void vscode.window.showInformationMessage(`Nothing to change: ${preview.resolved.summary.replace(/→.*$/, '').trim()} already routes that way.`);
      return false;
    }
    const choice = await vscode.window.showWarningMessage(title, { modal: true, detail: [preview.resolved.summary, detail].filter(Boolean).join('\n\n') }, action);
    return choice === action;
  }

  private async previewAndApply(target: FunctionTarget, api: LambdaApi, change: AliasChange, title: string, action: string, ask = true, detail?: string): Promise<AliasConfiguration | undefined> {
    const preview = await previewChange(api, target.functionName, change);
    if (ask && !(await this.confirm(title, preview, action, detail))) return undefined;
    const alias = await applyChange(api, target.functionName, preview);
    await this.previous.record(target, preview.resolved);
    this.changed(target);
    vscode.window.setStatusBarMessage(`$(check) ${preview.resolved.summary}`, 5000);
    return alias;
  }

  private async pickVersion(api: LambdaApi, functionName: string, title: string, placeHolder: string, options: { exclude?: string[]; includeLatest?: boolean; none?: string } = {}): Promise<string | undefined> {
    const versions = await api.listVersions(functionName);
    const described = new Map(versions.map((v) => [v.Version ?? '', v.Description]));
    const items: (vscode.QuickPickItem & { value: string })[] = publishedVersions(versions)
      .filter((v) => !options.exclude?.includes(v))
      .map((v) => ({ label: v, description: described.get(v) || undefined, value: v }));
    if (options.includeLatest) items.push({ label: LATEST, description: 'unpublished; cannot share traffic', value: LATEST });
    if (options.none) items.unshift({ label: options.none, value: '' });
    if (options.none && items.length === 1) return '';
    if (items.length === 0) {
      throw new Error(`${functionName} has no other published version. Publish one first (Publish Version…).`);
    }
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder });
    return picked?.value;
  }

  private async askPercent(title: string, prompt: string, value: string, preview?: (percent: number) => string): Promise<number> {
    const text = await vscode.window.showInputBox({
      title,
      prompt,
      value,
      validateInput: (input) => {
        const parsed = parsePercent(input);
        if ('error' in parsed) return parsed.error;
        const note = [parsed.rounded ? `Lambda keeps 0.1 % steps: ${parsed.percent}% will be used.` : '', preview?.(parsed.percent) ?? ''].filter(Boolean).join(' ');
        return note ? { message: note, severity: vscode.InputBoxValidationSeverity.Info } : undefined;
      },
    });
    if (text === undefined) cancelled();
    const parsed = parsePercent(text);
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed.percent;
  }

  // --- commands ------------------------------------------------------------------------------

  async publishVersion(arg?: unknown, options?: PublishOptions): Promise<string | undefined> {
    const target = await this.functionTarget(arg, 'Publish Version');
    const api = await this.lambdaFor(target);
    const description = options?.description ?? (await vscode.window.showInputBox({
      title: `Publish a version of ${target.functionName}`,
      prompt: 'Publishes $LATEST as a new, unchangeable version. Description (optional):',
      placeHolder: 'e.g. adds retries to the payment call',
      validateInput: (v) => (v.length > 256 ? 'At most 256 characters.' : undefined),
    }));
    if (description === undefined) cancelled();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Publishing a version of ${target.functionName}…` },
      () => publishLatest(api, target.functionName, description),
    );
    this.changed(target);
    const version = result.version.Version ?? '?';
    const message = result.existing
      ? `Nothing changed since version ${version} was published, so Lambda kept version ${version}.`
      : `Published version ${version} of ${target.functionName}.`;
    if (options) {
      vscode.window.setStatusBarMessage(message, 5000);
    } else {
      void vscode.window.showInformationMessage(message, 'Start Gradual Rollout…', 'Open Aliases & Traffic').then((choice) => {
        if (choice === 'Start Gradual Rollout…') void vscode.commands.executeCommand('lambdaWorkbench.startRollout', { ...target, qualifier: undefined }, { toVersion: version, interactive: true });
        else if (choice === 'Open Aliases & Traffic') void vscode.commands.executeCommand('lambdaWorkbench.openFunctionPanel', { ...target, qualifier: undefined }, 'aliases');
      });
    }
    return version;
  }

  async createAlias(arg?: unknown, options?: CreateAliasOptions): Promise<AliasConfiguration | undefined> {
    const target = await this.functionTarget(arg, 'Create Alias');
    const api = await this.lambdaFor(target);
    let values = options;
    if (!values) {
      const existing = new Set((await api.listAliases(target.functionName)).map((a) => a.Name));
      const name = await vscode.window.showInputBox({
        title: `Create an alias of ${target.functionName} (1/3)`,
        prompt: 'Alias name: letters, digits, "-" and "_", not only digits, up to 128 characters',
        placeHolder: 'live',
        validateInput: (v) => aliasNameProblem(v.trim()) ?? (existing.has(v.trim()) ? `${v.trim()} already exists.` : undefined),
      });
      if (name === undefined) cancelled();
      const primary = await this.pickVersion(api, target.functionName, `Create alias ${name.trim()} (2/3)`, 'Version the alias points to', { includeLatest: true });
      if (primary === undefined) cancelled();
      let extraVersion: string | undefined;
      let percent: number | undefined;
      if (primary !== LATEST && publishedVersions(await api.listVersions(target.functionName)).length > 1) {
        extraVersion = await this.pickVersion(api, target.functionName, `Create alias ${name.trim()} (3/3)`, 'Send part of the traffic to a second version?', { exclude: [primary], none: `No: all traffic to version ${primary}` });
        if (extraVersion === undefined) cancelled();
        if (extraVersion) {
          percent = await this.askPercent(`Weight of version ${extraVersion}`, `Percent of ${name.trim()}'s traffic for version ${extraVersion} (0–100, steps of 0.1)`, '10', (p) => `Routes ${describeRouting(shiftTraffic({ primary }, extraVersion!, p))}.`);
        }
      }
      values = { name: name.trim(), primary, extraVersion: extraVersion || undefined, percent };
    }
    const change: AliasChange = { kind: 'create', alias: values.name, primary: values.primary, extraVersion: values.extraVersion, percent: values.percent, description: values.description };
    return this.previewAndApply(target, api, change, '', '', false, undefined);
  }

  async editAlias(arg?: unknown): Promise<AliasConfiguration | undefined> {
    const { target, api, alias } = await this.aliasTarget(arg, 'Edit Alias');
    const name = alias.Name ?? '';
    const before = routingOf(alias);
    const primary = await this.pickVersion(api, target.functionName, `Edit alias ${name} (1/3)`, `Main version (now ${before.primary})`, { includeLatest: true });
    if (primary === undefined) cancelled();
    let extraVersion = '';
    let percent: number | undefined;
    if (primary !== LATEST) {
      const picked = await this.pickVersion(api, target.functionName, `Edit alias ${name} (2/3)`, 'Second version sharing the traffic', { exclude: [primary], none: `None: all traffic to version ${primary}` });
      if (picked === undefined) cancelled();
      extraVersion = picked;
      if (extraVersion) {
        const current = before.extra?.version === extraVersion ? String(extraPercent(before)) : '10';
        percent = await this.askPercent(`Weight of version ${extraVersion}`, `Percent of ${name}'s traffic for version ${extraVersion}`, current, (p) => `Routes ${describeRouting(shiftTraffic({ primary }, extraVersion, p))}.`);
      }
    }
    const description = await vscode.window.showInputBox({ title: `Edit alias ${name} (3/3)`, prompt: 'Description', value: alias.Description ?? '' });
    if (description === undefined) cancelled();
    const change: AliasChange = { kind: 'edit', alias: name, primary, extraVersion: extraVersion || undefined, percent, description };
    return this.previewAndApply(target, api, change, `Change alias ${name} of ${target.functionName}?`, 'Apply');
  }

  async shiftTraffic(arg?: unknown, options?: ShiftOptions): Promise<AliasConfiguration | undefined> {
    const { target, api, alias } = await this.aliasTarget(arg, 'Shift Traffic');
    const name = alias.Name ?? '';
    const before = routingOf(alias);
    if (before.primary === LATEST) throw new Error(`Alias ${name} points to $LATEST, which cannot share traffic. Point it at a published version first (Edit Alias…).`);
    let version = options?.version ?? before.extra?.version;
    if (!version) {
      version = await this.pickVersion(api, target.functionName, `Shift traffic of ${name}`, `Version to send part of the traffic to (${name} → ${before.primary} now)`, { exclude: [before.primary] });
      if (version === undefined) cancelled();
    }
    const newVersion = version;
    const percent = options?.percent ?? (await this.askPercent(
      `Shift traffic of ${name} to version ${newVersion}`,
      `Percent of the traffic for version ${newVersion} (0 sends all back to ${before.primary}; 100 promotes it)`,
      before.extra?.version === newVersion ? String(extraPercent(before)) : '10',
      (p) => `${describeRouting(before)} → ${describeRouting(shiftTraffic({ primary: before.primary }, newVersion, p))}`,
    ));
    return this.previewAndApply(target, api, { kind: 'shift', alias: name, version: newVersion, percent }, `Shift traffic of ${name} (${target.functionName})?`, 'Shift Traffic', !options);
  }

  async promote(arg?: unknown): Promise<AliasConfiguration | undefined> {
    const { target, api, alias } = await this.aliasTarget(arg, 'Promote');
    const before = routingOf(alias);
    return this.previewAndApply(target, api, { kind: 'promote', alias: alias.Name ?? '' }, `Promote version ${before.extra?.version ?? '?'} of ${target.functionName}?`, 'Promote', true,
      `All traffic of ${alias.Name} goes to version ${before.extra?.version ?? '?'} and the split is cleared.`);
  }

  async rollBack(arg?: unknown): Promise<AliasConfiguration | undefined> {
    const { target, api, alias } = await this.aliasTarget(arg, 'Roll Back');
    const before = routingOf(alias);
    const name = alias.Name ?? '';
    // Without a split, undo the last move (e.g. a Promote) when this window remembers one.
    const to = before.extra ? undefined : this.previous.get(target, name, before.primary);
    const detail = to
      ? `All traffic of ${name} goes back to version ${to}, where it was before its last change.`
      : `All traffic of ${name} goes back to version ${before.primary}; version ${before.extra?.version ?? '?'} gets none.`;
    return this.previewAndApply(target, api, { kind: 'rollBack', alias: name, ...(to ? { to } : {}) }, `Roll back ${name} of ${target.functionName}?`, 'Roll Back', true, detail);
  }

  async deleteAlias(arg?: unknown): Promise<void> {
    const { target, api, alias } = await this.aliasTarget(arg, 'Delete Alias');
    const name = alias.Name ?? '';
    const choice = await vscode.window.showWarningMessage(
      `Delete alias ${name} of ${target.functionName}?`,
      { modal: true, detail: `It routes ${describeRouting(routingOf(alias))}. Anything that invokes ${target.functionName}:${name} will fail once it is gone. The versions stay.` },
      'Delete',
    );
    if (choice !== 'Delete') return;
    await api.deleteAlias(target.functionName, name);
    this.changed(target);
    vscode.window.setStatusBarMessage(`Deleted alias ${name} of ${target.functionName}`, 5000);
  }

  // --- gradual rollout -------------------------------------------------------------------------

  async startRollout(arg?: unknown, options?: RolloutOptions & { interactive?: boolean }): Promise<RolloutRecord | undefined> {
    const { target, api, alias } = await this.aliasTarget(arg, 'Start Gradual Rollout');
    const name = alias.Name ?? '';
    const before = routingOf(alias);
    if (before.primary === LATEST) throw new Error(`Alias ${name} points to $LATEST; a rollout needs it on a published version. Point it at one first (Edit Alias…).`);
    const interactive = !options || options.interactive === true;
    const title = `Gradual rollout of ${target.functionName}:${name}`;

    let toVersion = options?.toVersion ?? (interactive ? undefined : before.extra?.version);
    if (!toVersion) {
      toVersion = await this.pickVersion(api, target.functionName, `${title} (1/4)`, `New version to move ${name}'s traffic to (from ${before.primary})`, { exclude: [before.primary] });
      if (toVersion === undefined) cancelled();
    }
    if (toVersion === before.primary) throw new Error(`Version ${toVersion} already gets all traffic of ${name}.`);

    let spec: RolloutPlanSpec;
    let maxErrorPercent = options?.maxErrorPercent ?? DEFAULT_MAX_ERROR_PERCENT;
    let testInvocations = options?.testInvocations ?? 0;
    if (interactive && !options?.percents && !options?.linearSteps) {
      const plan = await vscode.window.showQuickPick(
        [
          { label: PRESET_PERCENTS.map((p) => `${p}%`).join(' → '), description: 'canary steps', value: 'preset' },
          { label: 'Linear steps…', description: 'K equal steps up to 100 %', value: 'linear' },
          { label: 'Custom steps…', description: 'your own percentages', value: 'custom' },
        ],
        { title: `${title} (2/4)`, placeHolder: 'Plan' },
      );
      if (!plan) cancelled();
      let percents = PRESET_PERCENTS;
      let linear: number | undefined;
      if (plan.value === 'linear') {
        const k = await vscode.window.showInputBox({ title, prompt: 'Number of equal steps (1–100)', value: '4', validateInput: (v) => (/^\d+$/.test(v.trim()) && +v >= 1 && +v <= 100 ? undefined : 'A whole number from 1 to 100') });
        if (k === undefined) cancelled();
        linear = Number(k);
      } else if (plan.value === 'custom') {
        const text = await vscode.window.showInputBox({
          title,
          prompt: 'Percentages in order, separated by spaces or commas (100 is added at the end)',
          value: '5 20 50 100',
          validateInput: (v) => {
            const result = planSteps({ kind: 'steps', percents: v.split(/[\s,;]+/).filter(Boolean).map(Number), intervalMinutes: 1 });
            return 'error' in result ? result.error : undefined;
          },
        });
        if (text === undefined) cancelled();
        percents = text.split(/[\s,;]+/).filter(Boolean).map(Number);
      }
      const minutes = await vscode.window.showInputBox({
        title: `${title} (3/4)`,
        prompt: 'Minutes between steps (errors are watched the whole time)',
        value: String(options?.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES),
        validateInput: (v) => (Number(v) > 0 && Number(v) <= 1440 ? undefined : 'A number of minutes, more than 0 and at most 1440'),
      });
      if (minutes === undefined) cancelled();
      spec = linear ? { kind: 'linear', steps: linear, intervalMinutes: Number(minutes) } : { kind: 'steps', percents, intervalMinutes: Number(minutes) };
      const threshold = await this.askPercent(`${title} (4/4)`, `Roll back by itself when more than this percent of version ${toVersion}'s calls fail`, String(maxErrorPercent));
      maxErrorPercent = threshold;
      const invokes = await vscode.window.showQuickPick(
        [
          { label: 'Watch real traffic only', value: 0 },
          { label: `Also invoke version ${toVersion} myself`, description: '3 calls with an empty event at every check', value: 3 },
        ],
        { title, placeHolder: 'Where do the calls to judge the new version come from?' },
      );
      if (!invokes) cancelled();
      testInvocations = invokes.value;
    } else {
      spec = options?.linearSteps
        ? { kind: 'linear', steps: options.linearSteps, intervalMinutes: options.intervalMinutes }
        : { kind: 'steps', percents: options?.percents ?? PRESET_PERCENTS, intervalMinutes: options?.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES };
    }
    const plan = planSteps(spec);
    if ('error' in plan) throw new Error(plan.error);
    const thresholdValue = { maxErrorRate: maxErrorPercent / 100, minInvocations: options?.minInvocations ?? DEFAULT_MIN_INVOCATIONS };
    const problem = thresholdProblem(thresholdValue);
    if (problem) throw new Error(problem);

    if (interactive) {
      const go = await vscode.window.showWarningMessage(
        `Start the gradual rollout of ${target.functionName}:${name} from version ${before.primary} to ${toVersion}?`,
        { modal: true, detail: rolloutDetail(plan.steps, maxErrorPercent, thresholdValue.minInvocations, testInvocations, before.primary) },
        'Start',
      );
      if (go !== 'Start') return undefined;
    }
    const record = await rolloutManager(this.ws).start({
      target: { connectionId: target.connectionId, connectionLabel: target.connectionLabel, region: target.region, functionName: target.functionName, aliasName: name },
      fromVersion: before.primary,
      toVersion,
      steps: plan.steps,
      threshold: thresholdValue,
      testInvocations,
      testPayload: options?.testPayload,
    });
    return record;
  }

  private async pickRollout(title: string, filter: (r: RolloutRecord) => boolean): Promise<RolloutRecord | undefined> {
    const records = rolloutManager(this.ws).activeHere().filter(filter);
    if (records.length === 0) {
      void vscode.window.showInformationMessage('No gradual rollout is running in this window.');
      return undefined;
    }
    if (records.length === 1) return records[0];
    return (await vscode.window.showQuickPick(records.map((r) => ({ label: describeTarget(r.config), description: describeProgress(r), record: r })), { title }))?.record;
  }

  async pauseRollout(id?: unknown): Promise<void> {
    const record = typeof id === 'string' ? { id } : await this.pickRollout('Pause Gradual Rollout', (r) => r.status === 'running');
    if (record) rolloutManager(this.ws).pause(record.id);
  }

  async resumeRollout(id?: unknown): Promise<void> {
    const record = typeof id === 'string' ? { id } : await this.pickRollout('Resume Gradual Rollout', (r) => r.status === 'paused');
    if (record) rolloutManager(this.ws).resume(record.id);
  }

  /** Stops a rollout, keeping the last step or rolling back (asked unless given). */
  async stopRollout(id?: unknown, mode?: unknown): Promise<RolloutRecord | undefined> {
    const manager = rolloutManager(this.ws);
    const record = typeof id === 'string' ? manager.activeHere().find((r) => r.id === id) : await this.pickRollout('Stop Gradual Rollout', () => true);
    if (!record) return undefined;
    let choice: CancelMode | undefined = mode === 'keep' || mode === 'rollBack' ? mode : undefined;
    if (!choice) {
      const keep = 'Keep Current Step';
      const back = `Roll Back to ${record.config.fromVersion}`;
      const answer = await vscode.window.showWarningMessage(`Stop the gradual rollout of ${describeTarget(record.config)}?`, { modal: true, detail: describeProgress(record) }, keep, back);
      if (!answer) return undefined;
      choice = answer === keep ? 'keep' : 'rollBack';
    }
    return manager.cancel(record.id, choice);
  }
}

export function rolloutDetail(steps: PlanStep[], maxErrorPercent: number, minInvocations: number, testInvocations: number, fromVersion: string): string {
  return [
    `Plan: ${describePlan(steps)}.`,
    `Rolls back to version ${fromVersion} by itself when more than ${maxErrorPercent}% of the new version's calls fail (judged from ${minInvocations} calls on; fewer hold the step).`,
    testInvocations > 0 ? `Invokes the new version ${testInvocations} times at every check.` : 'Judges from real traffic only.',
    'You can pause or stop it from the progress notification, the Aliases & Traffic tab or the command palette.',
  ].join('\n');
}
