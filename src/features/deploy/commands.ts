/**
 * "Deploy to…" and "Deploy Template…": which function(s), which connection and region, the plan
 * in a Markdown preview with a confirmation, the execution role of new functions, then the
 * deploy with progress (cancellable), every step in the log, and the result linked to the
 * function's panel. Called with explicit options (from code), they ask nothing.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IamApi } from '../../aws/iam';
import { LOCAL_CONNECTION_ID } from '../../aws/connections';
import { LOCAL_REGION } from '../../shared/lambda/arn';
import type { LambdaApi } from '../../aws/lambda';
import { errorMessage } from '../../shared/errors';
import type { FunctionTarget } from '../../shared/target';
import type { ResolvedConnection } from '../../workbench/connections';
import type { Workbench } from '../../workbench/context';
import { readSettings } from '../../workbench/config';
import { Commands } from '../../workbench/ids';
import { pickConnection, pickRegion } from '../../workbench/pickers';
import { toFunctionTarget } from '../../workbench/target';
import { requireTrust } from '../../workbench/trust';
import { canaryPort } from './canary';
import { DeployConflictError, DeployStepError, deployPlan, type CanaryOptions, type DeployOutcome, type StepRecord } from './deployer';
import type { TemplateFunction } from './plan';
import { hasWork, planFunction, templateKey, type FunctionPlan, type LocalBuild } from './planner';
import type { PlanDocuments } from './planDocuments';
import { planSummary, renderPlan, renderResults } from './planView';
import { lambdaRoles, roleArnProblem, roleNameProblem, suggestedRoleName } from './roles';
import { readTemplateFunctions } from './templates';


export interface DeployCommandOptions {
  /** Where to deploy; with it no connection or region is asked. */
  place?: { connectionId: string; region: string };
  /** The execution role of new functions. */
  role?: string;
  /** A canary after the deploy, or false for none; asked when absent. */
  canary?: CanaryOptions | false;
  /** Skip the confirmation (the plan is still made and shown). */
  confirmed?: boolean;
  /** Confirm replacing a function that this template did not make. */
  replaceForeign?: boolean;
}

export interface DeployResult {
  functionName: string;
  status: 'deployed' | 'unchanged' | 'blocked' | 'failed' | 'conflict';
  readyMs?: number;
  version?: string;
  message?: string;
  steps?: StepRecord[];
}

function cancelled(): never {
  throw new vscode.CancellationError();
}

function isCanary(value: unknown): value is CanaryOptions {
  const v = value as Partial<CanaryOptions> | null;
  return typeof v === 'object' && v !== null && typeof v.alias === 'string' && typeof v.percent === 'number' && (v.mode === 'weight' || v.mode === 'rollout');
}

/** Only what a command may be given from outside is kept (a CodeLens or another extension could pass anything). */
export function readOptions(value: unknown): DeployCommandOptions | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const place = v.place as { connectionId?: unknown; region?: unknown } | undefined;
  return {
    ...(place && typeof place.connectionId === 'string' && typeof place.region === 'string' ? { place: { connectionId: place.connectionId, region: place.region } } : {}),
    ...(typeof v.role === 'string' ? { role: v.role } : {}),
    ...(v.canary === false ? { canary: false as const } : isCanary(v.canary) ? { canary: v.canary } : {}),
    ...(v.confirmed === true ? { confirmed: true } : {}),
    ...(v.replaceForeign === true ? { replaceForeign: true } : {}),
  };
}

/** The function a command argument names: a CodeLens's `{ functionName }`, a tree node, or a name. */
function functionNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const target = toFunctionTarget(arg);
  if (target) return target.functionName;
  const name = (arg as { functionName?: unknown } | null)?.functionName;
  return typeof name === 'string' ? name : undefined;
}

export class DeployActions {
  constructor(
    private readonly ws: Workbench,
    private readonly documents: PlanDocuments,
  ) {}

  private log(line: string): void {
    this.ws.log.info(`Deploy: ${line}`);
  }

  /** A function bundled with esbuild is packaged as the Local Lambda's build step bundles it (the Local Lambda serves the same folder). */
  private readonly localBuild: LocalBuild = async (fn) => {
    const { lambda } = await this.ws.connections.resolve({ connectionId: LOCAL_CONNECTION_ID, connectionLabel: 'Local Lambda', region: LOCAL_REGION });
    const built = await lambda.localPackage(fn.functionName);
    this.log('folder' in built ? `${fn.functionName}: packaging the Local Lambda's esbuild bundle in ${built.folder}` : `${fn.functionName}: ${built.reason}`);
    return built;
  };

  private async templateFunctions(): Promise<{ folder: string; functions: TemplateFunction[] }> {
    const folder = readSettings().localFolder;
    if (!folder) throw new Error('Open a folder with a SAM template (template.yaml) to deploy its functions.');
    const functions = await readTemplateFunctions(folder, readSettings().localRun.parameterOverrides, (file, message) => this.ws.log.warn(`Deploy: ${file}: ${message}`));
    if (functions.length === 0) throw new Error(`No SAM template with functions was found in ${folder}.`);
    return { folder, functions };
  }

  /** "Deploy to…": one template function. */
  async deployFunction(arg?: unknown, rawOptions?: unknown): Promise<DeployResult[]> {
    requireTrust(this.ws.isTrusted, 'Deploying a template function');
    const options = readOptions(rawOptions) ?? {};
    const { folder, functions } = await this.templateFunctions();
    let name = functionNameOf(arg);
    if (!name) {
      const picked = await vscode.window.showQuickPick(
        functions.map((f) => ({ label: f.functionName, description: `${f.logicalId} · ${path.relative(folder, f.templateFile)}`, fn: f })),
        { title: 'Deploy to…', placeHolder: 'Which template function?', ignoreFocusOut: true },
      );
      name = picked?.fn.functionName ?? cancelled();
    }
    const fn = functions.find((f) => f.functionName === name);
    if (!fn) throw new Error(`${name} is not a function of the workspace's SAM templates.`);
    return this.deploy(folder, [fn], `Deploy ${fn.functionName} to…`, options);
  }

  /** "Deploy Template…": every function of one template. */
  async deployTemplate(arg?: unknown, rawOptions?: unknown): Promise<DeployResult[]> {
    requireTrust(this.ws.isTrusted, 'Deploying a template');
    const options = readOptions(rawOptions) ?? {};
    const { folder, functions } = await this.templateFunctions();
    const files = [...new Set(functions.map((f) => f.templateFile))];
    const given = arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? path.resolve(folder, arg) : undefined;
    let file = given && files.find((f) => f === given);
    if (given && !file) throw new Error(`${given} is not a SAM template with functions in ${folder}.`);
    if (!file) {
      file = files.length === 1 ? files[0] : (await vscode.window.showQuickPick(files.map((f) => ({ label: path.relative(folder, f), file: f })), { title: 'Deploy Template…', placeHolder: 'Which template?' }))?.file;
    }
    if (!file) cancelled();
    const chosen = functions.filter((f) => f.templateFile === file);
    return this.deploy(folder, chosen, `Deploy ${path.relative(folder, file)} to…`, options);
  }

  private async pickTarget(title: string, options: DeployCommandOptions): Promise<ResolvedConnection> {
    if (options.place) {
      const { connections } = await this.ws.connections.list();
      const spec = connections.find((c) => c.id === options.place!.connectionId);
      if (!spec) throw new Error(`There is no connection ${options.place.connectionId}.`);
      return this.ws.connections.resolve({ connectionId: spec.id, connectionLabel: spec.label, region: options.place.region });
    }
    const spec = await pickConnection(this.ws, { title, placeHolder: 'Deploy to which connection (AWS profile, custom endpoint or Local Lambda)?' });
    if (!spec || typeof spec === 'string') cancelled();
    const region = await pickRegion(this.ws, spec, title);
    if (!region) cancelled();
    return this.ws.connections.resolve({ connectionId: spec.id, connectionLabel: spec.label, region });
  }

  private async askCanary(plans: FunctionPlan[]): Promise<CanaryOptions | undefined> {
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'Deploy to $LATEST', description: 'no version, no alias', value: 'none' as const },
        { label: 'Deploy as a canary…', description: 'publish a version and send a share of an alias\'s traffic to it', value: 'weight' as const },
        { label: 'Deploy and start a gradual rollout…', description: 'publish a version and move an alias to it step by step', value: 'rollout' as const },
      ],
      { title: `Deploy ${plans.map((p) => p.fn.functionName).join(', ')}`, placeHolder: 'How should the new code take traffic?', ignoreFocusOut: true },
    );
    if (!choice) cancelled();
    if (choice.value === 'none') return undefined;
    const alias = await vscode.window.showInputBox({
      title: 'Alias', prompt: 'Which alias takes the new version (created when it does not exist)?', value: 'live', ignoreFocusOut: true,
      validateInput: (v) => (/^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/.test(v.trim()) ? undefined : 'Letters, digits, - and _, not only digits, at most 128 characters.'),
    });
    if (alias === undefined) cancelled();
    if (choice.value === 'rollout') return { alias: alias.trim(), percent: 0, mode: 'rollout' };
    const percent = await vscode.window.showInputBox({
      title: 'Canary weight', prompt: `Percent of ${alias.trim()}'s traffic for the new version (0.1–99.9)`, value: '10', ignoreFocusOut: true,
      validateInput: (v) => (Number(v) > 0 && Number(v) < 100 ? undefined : 'A number above 0 and below 100.'),
    });
    if (percent === undefined) cancelled();
    return { alias: alias.trim(), percent: Math.round(Number(percent) * 10) / 10, mode: 'weight' };
  }

  /** The execution role of a new function: the template's, one Lambda may assume, or one made now. */
  private async pickRole(resolved: ResolvedConnection, plans: FunctionPlan[], options: DeployCommandOptions): Promise<string | undefined> {
    const creating = plans.filter((p) => p.action === 'create' && !p.blockers.length);
    if (creating.length === 0) return undefined;
    if (options.role) return options.role;
    const fromTemplate = creating.find((p) => p.fn.role)?.fn.role;
    if (fromTemplate) return fromTemplate;
    const iam = new IamApi(resolved.spec, resolved.region);
    try {
      let note: string | undefined;
      let roles: Array<{ name: string; arn: string; description?: string }> = [];
      try {
        roles = lambdaRoles(await iam.listRoles());
      } catch (error) {
        note = errorMessage(error);
        this.ws.log.warn(`Deploy: the roles could not be listed: ${note}`);
      }
      type Item = vscode.QuickPickItem & { value: string };
      const items: Item[] = roles.map((r) => ({ label: r.name, description: r.arn, detail: r.description, value: r.arn }));
      items.push({ label: '$(add) Create a role with AWSLambdaBasicExecutionRole…', value: 'create' }, { label: '$(edit) Enter a role ARN…', value: 'enter' });
      const picked = await vscode.window.showQuickPick(items, {
        title: `Execution role for ${creating.map((p) => p.fn.functionName).join(', ')}`,
        placeHolder: note ? `Roles could not be listed (${note}); create or enter one` : roles.length ? 'Roles that Lambda may assume (they trust lambda.amazonaws.com)' : 'No role trusts lambda.amazonaws.com yet; create one',
        ignoreFocusOut: true, matchOnDescription: true,
      });
      if (!picked) cancelled();
      if (picked.value === 'enter') {
        const arn = await vscode.window.showInputBox({ title: 'Execution role', prompt: 'Role ARN', ignoreFocusOut: true, validateInput: (v) => roleArnProblem(v.trim()) });
        return arn?.trim() ?? cancelled();
      }
      if (picked.value === 'create') {
        const name = await vscode.window.showInputBox({ title: 'New execution role', prompt: 'Name of the role (it may write logs, nothing else)', value: suggestedRoleName(creating[0].fn.functionName), ignoreFocusOut: true, validateInput: (v) => roleNameProblem(v.trim()) });
        if (name === undefined) cancelled();
        const arn = await iam.createExecutionRole(name.trim(), `Execution role for ${creating[0].fn.functionName}, made by Lambda Workbench`);
        this.log(`created role ${arn} with AWSLambdaBasicExecutionRole`);
        return arn;
      }
      return picked.value;
    } finally {
      iam.dispose();
    }
  }

  private plansShown = 0;

  /** A document of its own for each deploy, so a preview never shows an earlier plan. */
  private planName(plans: FunctionPlan[]): string {
    this.plansShown += 1;
    return `deploy-plan-${plans.map((p) => p.fn.functionName).join('-').slice(0, 80)}${this.plansShown > 1 ? `-${this.plansShown}` : ''}`;
  }

  private async showPlan(name: string, plans: FunctionPlan[], resolved: ResolvedConnection, canary: CanaryOptions | undefined): Promise<string> {
    const text = renderPlan(plans, { connectionLabel: resolved.spec.label, region: resolved.region, endpoint: resolved.spec.endpoint }, canary);
    const uri = this.documents.show(name, text);
    this.log(`plan for ${resolved.spec.label} (${resolved.region}):\n${text}`);
    await vscode.workspace.openTextDocument(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch (error) {
      // Without the built-in Markdown extension the plan still shows, as text.
      this.ws.log.warn(`Deploy: the Markdown preview is not available (${errorMessage(error)}); showing the plan as text.`);
      await vscode.window.showTextDocument(uri, { preview: true });
    }
    return text;
  }

  private trafficPort(lambda: LambdaApi, target: (name: string) => FunctionTarget) {
    return canaryPort({
      publish: async (fn, description) => {
        const version = await vscode.commands.executeCommand<string | undefined>(Commands.publishVersion, target(fn), { description });
        return version ?? cancelled();
      },
      aliasPrimary: async (fn, alias) => {
        const aliases = await lambda.listAliases(fn);
        return aliases.find((a) => a.Name === alias)?.FunctionVersion;
      },
      versions: async (fn) => (await lambda.listVersions(fn)).map((v) => v.Version ?? '').filter((v) => /^[0-9]+$/.test(v)),
      shift: async (fn, alias, version, percent) => {
        await vscode.commands.executeCommand(Commands.shiftTraffic, { ...target(fn), qualifier: alias }, { version, percent });
      },
      createAlias: async (fn, alias, primary, extra) => {
        await vscode.commands.executeCommand(Commands.createAlias, target(fn), { name: alias, primary, extraVersion: extra?.version, percent: extra?.percent });
      },
      startRollout: async (fn, alias, version) => {
        await vscode.commands.executeCommand(Commands.startRollout, { ...target(fn), qualifier: alias }, { toVersion: version, interactive: true });
      },
    });
  }

  private async deploy(folder: string, functions: TemplateFunction[], title: string, options: DeployCommandOptions): Promise<DeployResult[]> {
    const resolved = await this.pickTarget(title, options);
    const where = `${resolved.spec.label} (${resolved.region})`;
    const lambda = resolved.lambda;
    const planStarted = Date.now();
    const plans = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Planning the deploy to ${where}…` }, async (progress) => {
      await lambda.checkCredentials();
      const out: FunctionPlan[] = [];
      for (const fn of functions) {
        progress.report({ message: `${fn.functionName}: packaging and reading what is deployed` });
        out.push(await planFunction(lambda, fn, templateKey(folder, fn.templateFile), this.localBuild));
      }
      return out;
    });
    this.log(`planned ${plans.length} function${plans.length === 1 ? '' : 's'} for ${where} in ${Date.now() - planStarted} ms`);
    const canary = options.canary === false ? undefined : options.canary ?? (plans.some((p) => !p.blockers.length) ? await this.askCanary(plans) : undefined);
    const planName = this.planName(plans);
    const planText = await this.showPlan(planName, plans, resolved, canary);
    const ready = plans.filter((p) => !p.blockers.length && (hasWork(p) || canary));
    const results: DeployResult[] = plans.filter((p) => p.blockers.length).map((p) => ({ functionName: p.fn.functionName, status: 'blocked' as const, message: p.blockers.join('; ') }));
    for (const p of plans.filter((p) => !p.blockers.length && !hasWork(p) && !canary)) results.push({ functionName: p.fn.functionName, status: 'unchanged' });
    if (ready.length === 0) {
      void vscode.window.showInformationMessage(results.some((r) => r.status === 'blocked')
        ? `Nothing was deployed: ${results.filter((r) => r.status === 'blocked').map((r) => `${r.functionName}: ${r.message}`).join(' · ')}`
        : `Nothing to deploy: ${where} already runs what the template holds.`);
      return results;
    }
    if (!options.confirmed) {
      const choice = await vscode.window.showWarningMessage(`Deploy to ${where}?`, { modal: true, detail: `${planSummary(plans, canary)}\n\nThe full plan is in the preview.` }, 'Deploy');
      if (choice !== 'Deploy') cancelled();
    }
    for (const p of ready.filter((r) => r.foreign)) {
      if (options.replaceForeign) continue;
      const choice = await vscode.window.showWarningMessage(
        `${p.fn.functionName} on ${where} was not deployed from this template.`,
        { modal: true, detail: `Deploying replaces its code and configuration with ${p.fn.logicalId} of ${p.templateKey}. Its versions and aliases stay.` },
        'Replace It',
      );
      if (choice !== 'Replace It') cancelled();
    }
    const role = await this.pickRole(resolved, ready, options);
    const deployStarted = Date.now();
    const target = (name: string): FunctionTarget => ({ connectionId: resolved.spec.id, connectionLabel: resolved.spec.label, connectionKind: resolved.spec.kind, region: resolved.region, functionName: name });
    const port = canary ? this.trafficPort(lambda, target) : undefined;
    const interval = resolved.spec.kind === 'profile' ? 1000 : 100;

    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploying to ${where}`, cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      const listener = token.onCancellationRequested(() => abort.abort(new vscode.CancellationError()));
      try {
        for (const plan of ready) {
          const name = plan.fn.functionName;
          if (abort.signal.aborted) {
            results.push({ functionName: name, status: 'failed', message: 'cancelled before it started; nothing was sent' });
            continue;
          }
          this.log(`${name}: ${plan.action} on ${where}`);
          try {
            const outcome: DeployOutcome = await deployPlan(lambda, plan, {
              role, canary, canaryPort: port, signal: abort.signal, pollIntervalMs: interval,
              onStep: (step) => {
                const text = `${name}: ${step.title} — ${step.status}${step.detail ? ` (${step.detail})` : ''}`;
                this.log(text);
                if (step.status === 'running') progress.report({ message: `${name}: ${step.title}…` });
              },
              onRetry: (message) => {
                this.log(`${name}: ${message}`);
                progress.report({ message: `${name}: ${message}` });
              },
            });
            this.log(`${name}: ${plan.action === 'create' ? 'Active' : 'updated'} after ${outcome.readyMs} ms`);
            results.push({ functionName: name, status: 'deployed', readyMs: outcome.readyMs, version: outcome.version, steps: outcome.steps });
          } catch (error) {
            const conflict = error instanceof DeployConflictError;
            const steps = error instanceof DeployStepError ? error : undefined;
            const said = steps
              ? `${steps.message}${steps.steps.length ? ` Applied: ${steps.applied.join(', ') || 'nothing'}. Not applied: ${steps.notApplied.join(', ') || 'nothing'}.` : ''}`
              : errorMessage(error);
            this.ws.log.error(`Deploy: ${name}: ${said}`);
            results.push({ functionName: name, status: conflict ? 'conflict' : 'failed', message: said, steps: steps?.steps });
          } finally {
            this.ws.announceFunctionChange(target(name));
          }
        }
      } finally {
        listener.dispose();
      }
    });
    this.log(`finished on ${where} ${Date.now() - deployStarted} ms after the role was chosen`);
    // The plan's document keeps what happened, below what was planned.
    this.documents.show(planName, `${planText}\n${renderResults(results)}`);
    void this.report(results, where, target);
    return results;
  }

  private async report(results: DeployResult[], where: string, target: (name: string) => FunctionTarget): Promise<void> {
    const deployed = results.filter((r) => r.status === 'deployed');
    const failed = results.filter((r) => r.status === 'failed' || r.status === 'conflict');
    if (failed.length) {
      const choice = await vscode.window.showErrorMessage(
        `${failed.map((r) => `${r.functionName}: ${r.message}`).join(' · ')}${deployed.length ? ` (deployed: ${deployed.map((r) => r.functionName).join(', ')})` : ''}`,
        'Open Log', ...(failed.length === 1 ? ['Open Function Panel'] : []),
      );
      if (choice === 'Open Log') this.ws.log.show();
      else if (choice === 'Open Function Panel') await vscode.commands.executeCommand(Commands.openFunctionPanel, target(failed[0].functionName), 'configuration');
      return;
    }
    const first = deployed[0];
    if (!first) return;
    const text = deployed.map((r) => {
      const routed = r.steps?.find((s) => s.id === 'alias')?.detail;
      return `${r.functionName}${r.version ? ` (version ${r.version}${routed ? `; ${routed}` : ''})` : ''}`;
    }).join(', ');
    const timed = deployed.filter((r) => r.steps?.some((s) => s.id === 'active' || s.id === 'codeWait' || s.id === 'configWait'));
    const ready = timed.length ? `; ready after ${timed.map((r) => `${r.readyMs} ms`).join(', ')}` : '';
    const choice = await vscode.window.showInformationMessage(`Deployed ${text} to ${where}${ready}.`, 'Open Function Panel');
    if (choice === 'Open Function Panel') await vscode.commands.executeCommand(Commands.openFunctionPanel, target(first.functionName), 'invoke');
  }
}
