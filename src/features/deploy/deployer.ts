/**
 * Carries out a confirmed plan, step by step, and says after a failure exactly which steps were
 * applied and which were not. New functions: CreateFunction (retried while IAM has not yet made
 * a new role assumable), then wait for State Active. Existing ones: UpdateFunctionCode guarded by
 * the plan's RevisionId, wait for LastUpdateStatus Successful, then UpdateFunctionConfiguration
 * guarded by the revision read after that wait, and wait again. A revision that no longer matches
 * stops the deploy and names what changed. No VS Code.
 */
import { sleep as defaultSleep } from '../../shared/lifecycle';
import { FunctionExistsError, RevisionConflictError, type CreateFunctionInput, type FunctionConfiguration, type LambdaApi } from '../../aws/lambda';
import { WorkbenchError } from '../../aws/errors';
import { errorMessage } from '../../shared/errors';
import { changedBetween, configurationPatch, deployedConfig, LOGICAL_ID_TAG, TEMPLATE_TAG } from './plan';
import type { FunctionPlan } from './planner';

export type DeployApi = Pick<LambdaApi, 'createFunction' | 'waitForActive' | 'updateFunctionCode' | 'waitForUpdate' | 'updateFunctionConfiguration' | 'getFunctionConfiguration'>;

/** Publishes and routes with the traffic code (the extension passes its commands, tests its functions). */
export interface CanaryPort {
  /** Publishes `$LATEST` (guarded by its RevisionId and CodeSha256); resolves with the version number. */
  publish(functionName: string, description: string): Promise<string>;
  /** Points `alias` at `version` with `percent` of its traffic (the rest stays on its version); resolves with a summary. */
  route(functionName: string, alias: string, version: string, percent: number): Promise<string>;
  /** Starts a gradual rollout of `alias` to `version`; resolves with a summary. */
  startRollout?(functionName: string, alias: string, version: string): Promise<string>;
}

export interface CanaryOptions {
  alias: string;
  /** Percent of the alias's traffic for the new version (0–100). */
  percent: number;
  /** `rollout` starts the gradual rollout instead of setting the weight once. */
  mode: 'weight' | 'rollout';
}

export interface DeployOptions {
  /** The execution role of a new function. */
  role?: string;
  canary?: CanaryOptions;
  canaryPort?: CanaryPort;
  signal?: AbortSignal;
  /** Each step as it starts and ends, for the progress and the log. */
  onStep?: (step: StepRecord) => void;
  /** Between polls of State and LastUpdateStatus (default 1 s; the Local Lambda needs less). */
  pollIntervalMs?: number;
  /** Waits before each retry of CreateFunction while the role cannot be assumed yet (IAM is eventually consistent). */
  roleRetryDelaysMs?: number[];
  /** Says a retry is coming. */
  onRetry?: (message: string) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export interface StepRecord {
  id: string;
  title: string;
  status: StepStatus;
  detail?: string;
}

export interface DeployOutcome {
  configuration: FunctionConfiguration;
  steps: StepRecord[];
  /** The version published for a canary. */
  version?: string;
  /** Milliseconds from the first call to the function being Active (new) or Successful (update). */
  readyMs: number;
}

/** A step failed; `steps` says what was applied before it and what was not. */
export class DeployStepError extends Error {
  constructor(
    message: string,
    readonly functionName: string,
    readonly steps: StepRecord[],
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'DeployStepError';
  }

  get applied(): string[] {
    return this.steps.filter((s) => s.status === 'done').map((s) => s.title);
  }

  get notApplied(): string[] {
    return this.steps.filter((s) => s.status === 'pending' || s.status === 'failed' || s.status === 'running').map((s) => s.title);
  }
}

/** The function changed after the plan was made; nothing of this step was written. */
export class DeployConflictError extends DeployStepError {
  constructor(functionName: string, steps: StepRecord[], readonly changes: string[], cause?: unknown) {
    super(`${functionName} was changed by someone else after the plan was made${changes.length ? `: ${changes.join('; ')}` : ''}. Nothing of it was overwritten.`, functionName, steps, cause);
    this.name = 'DeployConflictError';
  }
}

/** The IAM permission each step needs, named when Lambda refuses it. */
const STEP_ACTIONS: Readonly<Record<string, string>> = {
  create: 'lambda:CreateFunction (and iam:PassRole on the execution role)',
  active: 'lambda:GetFunctionConfiguration',
  code: 'lambda:UpdateFunctionCode',
  codeWait: 'lambda:GetFunctionConfiguration',
  config: 'lambda:UpdateFunctionConfiguration (and iam:PassRole when the role changes)',
  configWait: 'lambda:GetFunctionConfiguration',
  publish: 'lambda:PublishVersion',
  alias: 'lambda:CreateAlias / lambda:UpdateAlias',
};

/** Lambda's answer while IAM has not yet made a new role assumable. */
export function isRoleNotAssumable(error: unknown): boolean {
  return /role defined for the function cannot be assumed by Lambda/i.test(errorMessage(error));
}

/** Lambda's answer for a runtime the region does not offer (or no longer offers). */
function runtimeProblem(error: unknown, runtime: string): string | undefined {
  const text = errorMessage(error);
  if (!/InvalidParameterValue/i.test(text) || !/runtime/i.test(text)) return undefined;
  return `The runtime ${runtime} is not available there: ${text} Choose a runtime the region offers in the template, or another region.`;
}

const DEFAULT_ROLE_RETRY_DELAYS_MS = [2000, 4000, 8000, 16000, 30000];

/** The steps a plan takes, in order, all pending. */
export function planSteps(plan: FunctionPlan, canary?: CanaryOptions): StepRecord[] {
  const steps: StepRecord[] = [];
  const add = (id: string, title: string) => steps.push({ id, title, status: 'pending' });
  if (plan.action === 'create') {
    add('create', `Create ${plan.fn.functionName} (CreateFunction, ${plan.pkg?.sizeText ?? 'package'})`);
    add('active', 'Wait for State Active');
  } else {
    const desired = plan.fn.desired;
    const deployed = plan.deployed ? deployedConfig(plan.deployed) : undefined;
    const archChanged = desired && deployed && desired.architecture !== deployed.architecture;
    if (plan.codeChanged || archChanged) {
      add('code', `Upload the code (UpdateFunctionCode, ${plan.pkg?.sizeText ?? 'package'})`);
      add('codeWait', 'Wait for LastUpdateStatus Successful');
    }
    if (desired && deployed && Object.keys(configurationPatch(desired, deployed)).length > 0) {
      add('config', 'Update the configuration (UpdateFunctionConfiguration)');
      add('configWait', 'Wait for LastUpdateStatus Successful');
    }
  }
  if (canary) {
    add('publish', 'Publish a version (PublishVersion)');
    add('alias', canary.mode === 'rollout' ? `Start the gradual rollout of alias ${canary.alias}` : `Route ${canary.percent} % of alias ${canary.alias} to the new version`);
  }
  return steps;
}

/** Carries out one function's plan. Throws DeployStepError (or DeployConflictError) saying what was and was not applied. */
export async function deployPlan(api: DeployApi, plan: FunctionPlan, options: DeployOptions = {}): Promise<DeployOutcome> {
  const { signal } = options;
  const name = plan.fn.functionName;
  const desired = plan.fn.desired;
  const pkg = plan.pkg;
  if (plan.blockers.length || !desired || !pkg) {
    throw new DeployStepError(`${name} is not deployed: ${plan.blockers.join('; ') || 'the plan has no package'}. Nothing was sent.`, name, []);
  }
  if (options.canary && !options.canaryPort) throw new Error('A canary needs the traffic operations.');
  const steps = planSteps(plan, options.canary);
  const sleep = options.sleep ?? defaultSleep;
  const interval = options.pollIntervalMs ?? 1000;
  const started = Date.now();
  let readyMs: number;

  const run = async <T>(id: string, work: () => Promise<T>, detail?: (value: T) => string | undefined): Promise<T> => {
    const step = steps.find((s) => s.id === id)!;
    signal?.throwIfAborted();
    step.status = 'running';
    options.onStep?.({ ...step });
    try {
      const value = await work();
      step.status = 'done';
      step.detail = detail?.(value);
      options.onStep?.({ ...step });
      return value;
    } catch (error) {
      step.status = 'failed';
      step.detail = errorMessage(error);
      options.onStep?.({ ...step });
      if (error instanceof DeployStepError) throw error;
      if (signal?.aborted) throw new DeployStepError(`The deploy of ${name} was cancelled during "${step.title}".`, name, steps, error);
      if (error instanceof WorkbenchError && error.kind === 'accessDenied') {
        throw new DeployStepError(`${error.message} — "${step.title}" needs the IAM permission ${STEP_ACTIONS[id] ?? 'for this call'}.`, name, steps, error);
      }
      const runtime = (id === 'create' || id === 'config') ? runtimeProblem(error, desired.runtime) : undefined;
      throw new DeployStepError(runtime ?? `${step.title} failed: ${errorMessage(error)}`, name, steps, error);
    }
  };
  const conflict = async (reference: FunctionConfiguration, cause: unknown): Promise<never> => {
    const now = await api.getFunctionConfiguration(name).catch(() => undefined);
    const failed = steps.find((s) => s.status === 'running');
    if (failed) failed.status = 'failed';
    throw new DeployConflictError(name, steps, now ? changedBetween(reference, now) : [], cause);
  };

  let configuration: FunctionConfiguration;
  if (plan.action === 'create') {
    if (!options.role) throw new DeployStepError(`${name} needs an execution role to be created. Nothing was sent.`, name, steps);
    const role = options.role;
    const delays = options.roleRetryDelaysMs ?? DEFAULT_ROLE_RETRY_DELAYS_MS;
    await run('create', async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await api.createFunction({
            FunctionName: name, Runtime: desired.runtime as CreateFunctionInput['Runtime'], Handler: desired.handler, Role: role, MemorySize: desired.memorySize, Timeout: desired.timeout,
            EphemeralStorage: { Size: desired.ephemeralStorage }, Description: desired.description,
            Environment: { Variables: { ...desired.environment } }, Layers: desired.layers.length ? [...desired.layers] : undefined,
            Architectures: [desired.architecture], Code: { ZipFile: pkg.zip },
            Tags: { [TEMPLATE_TAG]: plan.templateKey.slice(-256), [LOGICAL_ID_TAG]: plan.fn.logicalId },
          });
        } catch (error) {
          if (error instanceof FunctionExistsError) {
            throw new DeployStepError(`A function named ${name} was created there after the plan was made. Nothing was changed; plan again to see it.`, name, steps, error);
          }
          if (!isRoleNotAssumable(error) || attempt >= delays.length) throw error;
          options.onRetry?.(`Lambda cannot assume the role yet (IAM takes a moment to spread a new role); trying again in ${Math.round(delays[attempt] / 1000)} s (${attempt + 1}/${delays.length}).`);
          await sleep(delays[attempt], signal);
        }
      }
    }, (c) => `created, State ${c.State ?? '?'}`);
    configuration = await run('active', () => api.waitForActive(name, { intervalMs: interval, signal }), (c) => `State ${c.State}`);
    readyMs = Date.now() - started;
  } else {
    const deployed = plan.deployed!;
    const before = deployedConfig(deployed);
    let reference = deployed;
    let revision = deployed.RevisionId;
    configuration = deployed;
    if (steps.some((s) => s.id === 'code')) {
      const architectures = desired.architecture !== before.architecture ? [desired.architecture] : undefined;
      try {
        await run('code', () => api.updateFunctionCode(name, pkg.zip, revision, architectures), () => `${pkg.fileCount} files`);
      } catch (error) {
        if (error instanceof DeployStepError && error.cause instanceof RevisionConflictError) await conflict(reference, error.cause);
        throw error;
      }
      configuration = await run('codeWait', () => api.waitForUpdate(name, { intervalMs: interval, signal }), (c) => `LastUpdateStatus ${c.LastUpdateStatus}`);
      if (configuration.CodeSha256 !== pkg.sha256) {
        // Another upload landed between ours and the read: ours is not what runs.
        await conflict({ ...reference, CodeSha256: pkg.sha256 }, undefined);
      }
      // The configuration update is guarded by the revision the finished code update left.
      const expected = { ...deployed, CodeSha256: configuration.CodeSha256, Architectures: configuration.Architectures };
      const meanwhile = changedBetween(expected, configuration);
      if (meanwhile.length) await conflict(expected, undefined);
      reference = configuration;
      revision = configuration.RevisionId;
    }
    if (steps.some((s) => s.id === 'config')) {
      const patch = configurationPatch(desired, before);
      try {
        await run('config', () => api.updateFunctionConfiguration(name, patch, revision), () => Object.keys(patch).join(', '));
      } catch (error) {
        if (error instanceof DeployStepError && error.cause instanceof RevisionConflictError) await conflict(reference, error.cause);
        throw error;
      }
      configuration = await run('configWait', () => api.waitForUpdate(name, { intervalMs: interval, signal }), (c) => `LastUpdateStatus ${c.LastUpdateStatus}`);
    }
    readyMs = Date.now() - started;
  }

  let version: string | undefined;
  if (options.canary && options.canaryPort) {
    const canary = options.canary;
    const port = options.canaryPort;
    version = await run('publish', () => port.publish(name, `Deployed from ${plan.fn.logicalId}`), (v) => `version ${v}`);
    await run('alias', () => (canary.mode === 'rollout' && port.startRollout ? port.startRollout(name, canary.alias, version!) : port.route(name, canary.alias, version!, canary.percent)), (s) => s);
  }
  return { configuration, steps, version, readyMs };
}
