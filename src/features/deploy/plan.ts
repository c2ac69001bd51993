/**
 * What a deploy of a template function will do, worked out before anything is sent: the
 * configuration the template asks for, the difference to what is deployed, and what stops the
 * deploy (an environment over 4 KB, a layer only the template defines, …). Pure: no VS Code, no
 * SDK, so every field's diff is unit-tested.
 */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { ENV_LIMIT_BYTES, isReservedEnvKey, isValidEnvKey, measureEnvironment, type EnvVariables } from '../../shared/lambda/environment';
import { SETTING_LIMITS } from '../../shared/lambda/limits';
import type { SamFunction } from '../../shared/sam/template';
import { formatBytes } from '../../shared/units';

export type Architecture = 'x86_64' | 'arm64';

/** The configuration a deploy sets, with Lambda's defaults where the template says nothing (as CloudFormation would). */
export interface DesiredConfig {
  runtime: string;
  handler: string;
  memorySize: number;
  timeout: number;
  ephemeralStorage: number;
  environment: EnvVariables;
  layers: string[];
  architecture: Architecture;
  description: string;
}

export type ConfigField = keyof DesiredConfig;

/** The fields in the order the plan shows them. */
export const CONFIG_FIELDS: readonly ConfigField[] = [
  'runtime', 'handler', 'memorySize', 'timeout', 'ephemeralStorage', 'environment', 'layers', 'architecture', 'description',
];

export const FIELD_LABELS: Readonly<Record<ConfigField, string>> = {
  runtime: 'Runtime', handler: 'Handler', memorySize: 'Memory', timeout: 'Timeout', ephemeralStorage: 'Ephemeral storage',
  environment: 'Environment', layers: 'Layers', architecture: 'Architecture', description: 'Description',
};

/** A template function as a deploy sees it. */
export interface TemplateFunction {
  functionName: string;
  logicalId: string;
  /** The template file, absolute. */
  templateFile: string;
  stackName: string;
  /** The code folder (CodeUri), absolute; absent when the code is not a folder. */
  codeDir?: string;
  desired?: DesiredConfig;
  /** The template's Role, when it is a literal ARN. */
  role?: string;
  /** Metadata BuildMethod (esbuild, makefile, …) when the template gives one. */
  buildMethod?: string;
  /** Reasons nothing can be deployed for this function. */
  blockers: string[];
  warnings: string[];
}

/** Tags a created function carries, so a later deploy knows it came from this template. */
export const TEMPLATE_TAG = 'lambda-workbench:template';
export const LOGICAL_ID_TAG = 'lambda-workbench:logical-id';

/** Reads what a deploy needs of a SAM function; `resolve` turns the template's relative CodeUri into a folder. */
export function templateFunction(fn: SamFunction, templateFile: string, stackName: string, resolve: (relative: string) => string): TemplateFunction {
  const blockers: string[] = [];
  const warnings: string[] = [];
  for (const problem of fn.problems) blockers.push(`${problem.property} could not be read: ${problem.message}`);
  let codeDir: string | undefined;
  if (fn.packageType === 'Image') blockers.push('it is packaged as a container image; only .zip functions can be deployed from here');
  else if (fn.code.kind === 'path') codeDir = resolve(fn.code.path);
  else if (fn.code.kind === 'inline') blockers.push('its code is inline in the template; deploy it with CloudFormation');
  else if (fn.code.kind === 's3') blockers.push(`its code is in S3 (${fn.code.location}); only a local CodeUri folder can be packaged`);
  else if (fn.code.kind === 'none') blockers.push(fn.code.reason);
  if (!fn.runtime && fn.packageType === 'Zip') blockers.push('it has no Runtime');
  if (!fn.handler && fn.packageType === 'Zip') blockers.push('it has no Handler');
  const layers: string[] = [];
  for (const layer of fn.layers) {
    if ('arn' in layer) layers.push(layer.arn);
    else blockers.push(`its layer ${layer.logicalId} is defined in the template; publish that layer first and refer to it by ARN`);
  }
  const arch = fn.architectures?.[0];
  if (arch !== undefined && arch !== 'x86_64' && arch !== 'arm64') blockers.push(`its architecture ${arch} is neither x86_64 nor arm64`);
  const desired: DesiredConfig | undefined = fn.runtime && fn.handler ? {
    runtime: fn.runtime,
    handler: fn.handler,
    memorySize: fn.memorySize ?? SETTING_LIMITS.memorySize.default,
    timeout: fn.timeout ?? SETTING_LIMITS.timeout.default,
    ephemeralStorage: fn.ephemeralStorage ?? SETTING_LIMITS.ephemeralStorage.default,
    environment: { ...fn.environment },
    layers,
    architecture: arch === 'arm64' ? 'arm64' : 'x86_64',
    description: fn.description ?? '',
  } : undefined;
  if (desired) blockers.push(...environmentProblems(desired.environment));
  const role = typeof fn.role === 'string' && fn.role.startsWith('arn:') ? fn.role : undefined;
  if (fn.role !== undefined && !role) warnings.push('its Role is not a role ARN here (it refers to a resource of the stack); choose an execution role instead');
  const buildMethod = fn.metadata.buildMethod?.toLowerCase();
  return { functionName: fn.functionName, logicalId: fn.logicalId, templateFile, stackName, codeDir, desired, role, buildMethod, blockers, warnings };
}

/** What Lambda would refuse about an environment, said before anything is sent. */
export function environmentProblems(env: Readonly<EnvVariables>): string[] {
  const problems: string[] = [];
  const size = measureEnvironment(env);
  if (size > ENV_LIMIT_BYTES) {
    problems.push(`its environment variables take ${size} bytes, over Lambda's ${ENV_LIMIT_BYTES}-byte (4 KB) limit; nothing is sent until they fit`);
  }
  const bad = Object.keys(env).filter((k) => !isValidEnvKey(k));
  if (bad.length) problems.push(`environment variable names Lambda refuses: ${bad.join(', ')} (a letter first, then letters, digits or _)`);
  const reserved = Object.keys(env).filter(isReservedEnvKey);
  if (reserved.length) problems.push(`environment variables Lambda reserves for itself: ${reserved.join(', ')}`);
  return problems;
}

/** The same fields as they are deployed. */
export function deployedConfig(config: FunctionConfiguration): DesiredConfig {
  return {
    runtime: config.Runtime ?? '',
    handler: config.Handler ?? '',
    memorySize: config.MemorySize ?? SETTING_LIMITS.memorySize.default,
    timeout: config.Timeout ?? SETTING_LIMITS.timeout.default,
    ephemeralStorage: config.EphemeralStorage?.Size ?? SETTING_LIMITS.ephemeralStorage.default,
    environment: { ...(config.Environment?.Variables ?? {}) },
    layers: (config.Layers ?? []).map((l) => l.Arn ?? '').filter(Boolean),
    architecture: config.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64',
    description: config.Description ?? '',
  };
}

export interface FieldChange {
  field: ConfigField;
  label: string;
  /** As shown; absent for a new function. Environment values are never shown, only names. */
  before?: string;
  after: string;
  changed: boolean;
}

function sameEnv(a: EnvVariables, b: EnvVariables): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && b[k] === a[k]);
}

function sameValue(field: ConfigField, a: DesiredConfig, b: DesiredConfig): boolean {
  if (field === 'environment') return sameEnv(a.environment, b.environment);
  if (field === 'layers') return a.layers.length === b.layers.length && a.layers.every((l, i) => l === b.layers[i]);
  return a[field] === b[field];
}

/** "+NEW, ~CHANGED, −GONE" over the variable names; values stay out of the plan. */
export function describeEnvChange(before: EnvVariables, after: EnvVariables): string {
  const parts: string[] = [];
  for (const key of Object.keys(after).sort()) {
    if (!(key in before)) parts.push(`+${key}`);
    else if (before[key] !== after[key]) parts.push(`~${key}`);
  }
  for (const key of Object.keys(before).sort()) if (!(key in after)) parts.push(`−${key}`);
  return parts.join(', ');
}

function describeEnv(env: EnvVariables): string {
  const keys = Object.keys(env).sort();
  if (keys.length === 0) return '(none)';
  return `${keys.length} variable${keys.length === 1 ? '' : 's'} (${formatBytes(measureEnvironment(env))} of 4 KB): ${keys.join(', ')}`;
}

/** One field as the plan shows it. */
export function describeField(field: ConfigField, config: DesiredConfig): string {
  switch (field) {
    case 'memorySize':
    case 'ephemeralStorage':
      return `${config[field]} MB`;
    case 'timeout':
      return `${config.timeout} s`;
    case 'environment':
      return describeEnv(config.environment);
    case 'layers':
      return config.layers.length ? config.layers.join(', ') : '(none)';
    case 'description':
      return config.description ? JSON.stringify(config.description) : '(empty)';
    default:
      return config[field];
  }
}

/** Every field: what it is, what it will be, and whether that changes (all "changed" for a new function). */
export function diffConfig(desired: DesiredConfig, deployed?: DesiredConfig): FieldChange[] {
  return CONFIG_FIELDS.map((field) => {
    const after = describeField(field, desired);
    if (!deployed) return { field, label: FIELD_LABELS[field], after, changed: true };
    const changed = !sameValue(field, desired, deployed);
    const before = describeField(field, deployed);
    const afterText = field === 'environment' && changed ? `${after} — ${describeEnvChange(deployed.environment, desired.environment)}` : after;
    return { field, label: FIELD_LABELS[field], before, after: afterText, changed };
  });
}

/** The fields of two deployed states that differ, for "changed meanwhile" (the code counts as one). */
export function changedBetween(before: FunctionConfiguration, now: FunctionConfiguration): string[] {
  const a = deployedConfig(before);
  const b = deployedConfig(now);
  const fields = CONFIG_FIELDS.filter((f) => !sameValue(f, a, b)).map((f) => {
    if (f === 'environment') return `${FIELD_LABELS[f]} (${describeEnvChange(a.environment, b.environment)})`;
    return `${FIELD_LABELS[f]}: ${describeField(f, a)} → ${describeField(f, b)}`;
  });
  if (before.CodeSha256 !== now.CodeSha256) fields.unshift(`Code: ${before.CodeSha256 ?? '?'} → ${now.CodeSha256 ?? '?'}`);
  if (before.Role !== now.Role) fields.push(`Role: ${before.Role ?? '?'} → ${now.Role ?? '?'}`);
  return fields;
}

/** The UpdateFunctionConfiguration fields for what changes (architecture goes with the code). */
export function configurationPatch(desired: DesiredConfig, deployed: DesiredConfig): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (desired.runtime !== deployed.runtime) patch.Runtime = desired.runtime;
  if (desired.handler !== deployed.handler) patch.Handler = desired.handler;
  if (desired.memorySize !== deployed.memorySize) patch.MemorySize = desired.memorySize;
  if (desired.timeout !== deployed.timeout) patch.Timeout = desired.timeout;
  if (desired.ephemeralStorage !== deployed.ephemeralStorage) patch.EphemeralStorage = { Size: desired.ephemeralStorage };
  if (!sameEnv(desired.environment, deployed.environment)) patch.Environment = { Variables: { ...desired.environment } };
  if (!sameValue('layers', desired, deployed)) patch.Layers = [...desired.layers];
  if (desired.description !== deployed.description) patch.Description = desired.description;
  return patch;
}

/** Whether a deployed function came from this template function (our tags, or CloudFormation's). */
export function isFromTemplate(tags: Readonly<Record<string, string>> | undefined, fn: Pick<TemplateFunction, 'logicalId' | 'stackName' | 'templateFile'>, templateKey: string): boolean {
  if (!tags) return false;
  if (tags[TEMPLATE_TAG] === templateKey && tags[LOGICAL_ID_TAG] === fn.logicalId) return true;
  return tags['aws:cloudformation:logical-id'] === fn.logicalId && tags['aws:cloudformation:stack-name'] === fn.stackName;
}
