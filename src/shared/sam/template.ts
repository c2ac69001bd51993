import { LOCAL_ACCOUNT_ID, LOCAL_REGION, lambdaFunctionArn } from '../lambda/arn';
import {
  IntrinsicError, evaluate, evaluateCondition, isIntrinsic, parseTemplateText, type EvaluationContext, type TemplateProblem,
} from './cloudformation';

/**
 * The one reader of SAM / CloudFormation templates, for CodeLens (which functions a source file
 * is the handler of) and the Local Lambda (which functions to run, with what settings). Text in,
 * data out: the template's functions with Globals applied and every intrinsic evaluated that can
 * be known locally, its layers, and its other resources for whoever applies them.
 */

export type { EvaluationContext, TemplateProblem } from './cloudformation';
export { IntrinsicError, evaluate } from './cloudformation';

export const SERVERLESS_FUNCTION = 'AWS::Serverless::Function';
export const LAMBDA_FUNCTION = 'AWS::Lambda::Function';
const FUNCTION_TYPES = new Set([SERVERLESS_FUNCTION, LAMBDA_FUNCTION]);
const LAYER_TYPES = new Set(['AWS::Serverless::LayerVersion', 'AWS::Lambda::LayerVersion']);

export interface ReadTemplateOptions {
  /** What AWS::StackName gives (see stackNameForTemplate). */
  stackName: string;
  /** Values for the template's parameters, over their Default. */
  parameterOverrides?: Readonly<Record<string, string>>;
  /** Default: the Local Lambda's region and account. */
  region?: string;
  accountId?: string;
}

/** Where a function's (or layer's) code comes from. */
export type SamCode =
  /** A path relative to the template's folder, POSIX separators ("hello/", "."). */
  | { kind: 'path'; path: string }
  /** InlineCode, or Code.ZipFile. */
  | { kind: 'inline'; source: string }
  /** An S3 location (s3:// URI, or Bucket/Key). */
  | { kind: 's3'; location: string }
  /** A container image (PackageType Image). */
  | { kind: 'image'; imageUri?: string }
  /** No usable location; `reason` says why. */
  | { kind: 'none'; reason: string };

/** How `sam build` builds a resource (its Metadata). */
export interface SamBuildMetadata {
  buildMethod?: string;
  buildProperties?: Record<string, unknown>;
  dockerContext?: string;
  dockerfile?: string;
  dockerTag?: string;
}

/** A value that could not be read, by property path (e.g. "Handler", "Environment.Variables.TABLE"). */
export interface PropertyProblem {
  property: string;
  message: string;
}

/** An entry of a function's Layers: an ARN, or a layer defined in the same template. */
export type SamLayerRef = { arn: string } | { logicalId: string };

export interface SamFunction {
  logicalId: string;
  type: typeof SERVERLESS_FUNCTION | typeof LAMBDA_FUNCTION;
  /** 1-based line of the logical id. */
  line?: number;
  /** FunctionName when it can be known locally, else the logical id. */
  functionName: string;
  handler?: string;
  runtime?: string;
  packageType: 'Zip' | 'Image';
  code: SamCode;
  metadata: SamBuildMetadata;
  layers: SamLayerRef[];
  /** Variables whose value is known; the others are in `problems`. */
  environment: Record<string, string>;
  memorySize?: number;
  timeout?: number;
  ephemeralStorage?: number;
  architectures?: string[];
  description?: string;
  role?: string;
  /** The properties as written, after Globals (intrinsic functions not evaluated). */
  properties: Readonly<Record<string, unknown>>;
  /** Values of the fields above that could not be read; a field with a problem is left out. */
  problems: PropertyProblem[];
}

export interface SamLayer {
  logicalId: string;
  type: string;
  line?: number;
  /** LayerName when it can be known locally, else the logical id. */
  layerName: string;
  content: SamCode;
  compatibleRuntimes: string[];
  buildMethod?: string;
  problems: PropertyProblem[];
}

export interface SamResource {
  logicalId: string;
  type: string;
  line?: number;
  /** As written (intrinsic functions not evaluated). */
  properties: Readonly<Record<string, unknown>>;
}

export interface SamTemplate {
  stackName: string;
  /** Resources in the order the template declares them, without those whose Condition is false. */
  resources: SamResource[];
  functions: SamFunction[];
  layers: SamLayer[];
  /**
   * What intrinsic functions know: parameters, function names (Ref) and Arns (GetAtt). Copy it
   * and add to `refs` / `attributes` to evaluate resources that depend on what applying gave
   * (an AWS::Lambda::Version's number).
   */
  context: EvaluationContext;
}

export type TemplateReadResult = { template: SamTemplate; problem?: undefined } | { template?: undefined; problem: TemplateProblem };

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/**
 * Globals.Function under a function's own properties, as SAM merges them: maps merge key by
 * key, lists are joined (globals first), anything else (and an intrinsic function) is replaced
 * by the function's value. Architectures is replaced too: a function has exactly one.
 */
export function mergeGlobals(globals: unknown, local: unknown, path = ''): unknown {
  if (local === undefined) return globals;
  if (globals === undefined || path === 'Architectures') return local;
  const isMap = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && !isIntrinsic(v);
  if (Array.isArray(globals) && Array.isArray(local)) return [...globals, ...local];
  if (isMap(globals) && isMap(local)) {
    const merged: Record<string, unknown> = { ...(globals as Record<string, unknown>) };
    for (const [key, value] of Object.entries(local as Record<string, unknown>)) {
      merged[key] = mergeGlobals(merged[key], value, path ? `${path}.${key}` : key);
    }
    return merged;
  }
  return local;
}

/** Parameter values: an override, else the Default; Number parameters as numbers, lists split. */
function parameterValues(section: unknown, overrides: Readonly<Record<string, string>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, declaration] of Object.entries(record(section))) {
    const { Type: type, Default: fallback } = record(declaration);
    const given: unknown = Object.hasOwn(overrides, name) ? overrides[name] : fallback;
    if (given === undefined) {
      values[name] = undefined;
    } else if (type === 'Number' && typeof given === 'string' && given.trim() !== '' && Number.isFinite(Number(given))) {
      values[name] = Number(given);
    } else if (typeof type === 'string' && (type === 'CommaDelimitedList' || type.startsWith('List<')) && typeof given === 'string') {
      values[name] = given.split(',').map((item) => item.trim());
    } else {
      values[name] = given;
    }
  }
  return values;
}

/** Reads values of one resource, recording why one cannot be known or has the wrong type. */
class PropertyReader {
  readonly problems: PropertyProblem[] = [];
  constructor(private readonly ctx: EvaluationContext) {}

  value(property: string, raw: unknown): unknown {
    if (raw === undefined) return undefined;
    try {
      return evaluate(raw, this.ctx);
    } catch (error) {
      if (!(error instanceof IntrinsicError)) throw error;
      this.problems.push({ property, message: error.message });
      return undefined;
    }
  }

  string(property: string, raw: unknown): string | undefined {
    const value = this.value(property, raw);
    if (value === undefined || typeof value === 'string') return value === '' ? undefined : value;
    if (typeof value === 'number') return String(value);
    this.problems.push({ property, message: `must be a string, not ${describe(value)}` });
    return undefined;
  }

  number(property: string, raw: unknown): number | undefined {
    const value = this.value(property, raw);
    if (value === undefined || typeof value === 'number') return value;
    // CloudFormation passes numbers as strings too (a Number parameter through Ref, "256").
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    this.problems.push({ property, message: `must be a number, not ${describe(value)}` });
    return undefined;
  }

  strings(property: string, raw: unknown): string[] | undefined {
    const value = this.value(property, raw);
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
    this.problems.push({ property, message: `must be a list of strings, not ${describe(value)}` });
    return undefined;
  }
}

/** The object without its undefined fields, so that results compare and print cleanly. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'a map' : JSON.stringify(value);
}

/** An environment variable's value as Lambda stores it: text; other YAML values as CloudFormation turns them into text. */
function environmentValue(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function readCode(type: string, props: Record<string, unknown>, reader: PropertyReader): { code: SamCode; packageType: 'Zip' | 'Image' } {
  const packageType = reader.string('PackageType', props.PackageType) === 'Image' ? 'Image' : 'Zip';
  if (type === SERVERLESS_FUNCTION) {
    if (packageType === 'Image' || props.ImageUri !== undefined) {
      const imageUri = reader.string('ImageUri', props.ImageUri);
      return { packageType: 'Image', code: imageUri ? { kind: 'image', imageUri } : { kind: 'image' } };
    }
    if (props.InlineCode !== undefined) {
      const source = reader.string('InlineCode', props.InlineCode);
      return { packageType, code: source === undefined ? { kind: 'none', reason: 'InlineCode cannot be read' } : { kind: 'inline', source } };
    }
    return { packageType, code: location('CodeUri', props.CodeUri, reader, 'Bucket', 'Key') ?? { kind: 'path', path: '.' } };
  }
  const code = reader.value('Code', props.Code);
  const codeMap = record(code);
  if (packageType === 'Image' || codeMap.ImageUri !== undefined) {
    return { packageType: 'Image', code: typeof codeMap.ImageUri === 'string' ? { kind: 'image', imageUri: codeMap.ImageUri } : { kind: 'image' } };
  }
  if (typeof codeMap.ZipFile === 'string') return { packageType, code: { kind: 'inline', source: codeMap.ZipFile } };
  if (code === undefined) return { packageType, code: { kind: 'none', reason: 'Code is missing' } };
  return { packageType, code: locationOf(code, 'S3Bucket', 'S3Key') };
}

/** A code location: a local path, an s3:// URI, or an S3 map (`bucketKey` / `keyKey`). */
function location(property: string, raw: unknown, reader: PropertyReader, bucketKey: string, keyKey: string): SamCode | undefined {
  if (raw === undefined) return undefined;
  const value = reader.value(property, raw);
  if (value === undefined) return { kind: 'none', reason: `${property} cannot be known locally` };
  return locationOf(value, bucketKey, keyKey);
}

function locationOf(value: unknown, bucketKey: string, keyKey: string): SamCode {
  if (typeof value === 'string') {
    if (/^s3:\/\//i.test(value)) return { kind: 's3', location: value };
    return value.trim() ? { kind: 'path', path: value.trim().replace(/\\/g, '/') } : { kind: 'none', reason: 'the code path is empty' };
  }
  const map = record(value);
  if (typeof map[bucketKey] === 'string' && typeof map[keyKey] === 'string') return { kind: 's3', location: `s3://${map[bucketKey]}/${map[keyKey]}` };
  return { kind: 'none', reason: 'the code location is neither a local path nor an S3 location' };
}

function readMetadata(resource: Record<string, unknown>, reader: PropertyReader): SamBuildMetadata {
  const metadata = record(resource.Metadata);
  const out: SamBuildMetadata = {};
  const buildMethod = reader.string('Metadata.BuildMethod', metadata.BuildMethod);
  if (buildMethod) out.buildMethod = buildMethod;
  if (metadata.BuildProperties !== undefined) out.buildProperties = record(reader.value('Metadata.BuildProperties', metadata.BuildProperties));
  const dockerContext = reader.string('Metadata.DockerContext', metadata.DockerContext);
  if (dockerContext) out.dockerContext = dockerContext;
  const dockerfile = reader.string('Metadata.Dockerfile', metadata.Dockerfile);
  if (dockerfile) out.dockerfile = dockerfile;
  const dockerTag = reader.string('Metadata.DockerTag', metadata.DockerTag);
  if (dockerTag) out.dockerTag = dockerTag;
  return out;
}

function readLayers(raw: unknown, reader: PropertyReader, layerIds: ReadonlySet<string>): SamLayerRef[] {
  if (raw === undefined) return [];
  const entries = Array.isArray(raw) ? raw : [raw];
  const layers: SamLayerRef[] = [];
  entries.forEach((entry, index) => {
    const refName = record(entry).Ref;
    if (typeof refName === 'string' && layerIds.has(refName)) {
      layers.push({ logicalId: refName });
      return;
    }
    const arn = reader.string(`Layers.${index}`, entry);
    if (arn) layers.push({ arn });
  });
  return layers;
}

function readFunction(
  logicalId: string, type: string, resource: Record<string, unknown>, globals: Record<string, unknown>,
  functionName: string, line: number | undefined, ctx: EvaluationContext, layerIds: ReadonlySet<string>,
): SamFunction {
  const own = record(resource.Properties);
  const props = type === SERVERLESS_FUNCTION ? record(mergeGlobals(globals, own)) : own;
  const reader = new PropertyReader(ctx);
  const { code, packageType } = readCode(type, props, reader);
  const environment: Record<string, string> = {};
  const variables = record(record(props.Environment).Variables);
  for (const [key, raw] of Object.entries(variables)) {
    const value = reader.value(`Environment.Variables.${key}`, raw);
    if (value !== undefined) environment[key] = environmentValue(value);
  }
  const fn: SamFunction = {
    logicalId,
    type: type === SERVERLESS_FUNCTION ? SERVERLESS_FUNCTION : LAMBDA_FUNCTION,
    line,
    functionName,
    handler: reader.string('Handler', props.Handler),
    runtime: reader.string('Runtime', props.Runtime),
    packageType,
    code,
    metadata: readMetadata(resource, reader),
    layers: readLayers(props.Layers, reader, layerIds),
    environment,
    memorySize: reader.number('MemorySize', props.MemorySize),
    timeout: reader.number('Timeout', props.Timeout),
    ephemeralStorage: reader.number('EphemeralStorage.Size', record(props.EphemeralStorage).Size),
    architectures: reader.strings('Architectures', props.Architectures),
    description: reader.string('Description', props.Description),
    role: reader.string('Role', props.Role),
    properties: props,
    problems: reader.problems,
  };
  return withoutUndefined(fn);
}

function readLayer(logicalId: string, type: string, resource: Record<string, unknown>, line: number | undefined, ctx: EvaluationContext): SamLayer {
  const props = record(resource.Properties);
  const reader = new PropertyReader(ctx);
  const content = type === 'AWS::Serverless::LayerVersion'
    ? location('ContentUri', props.ContentUri, reader, 'Bucket', 'Key')
    : location('Content', props.Content, reader, 'S3Bucket', 'S3Key');
  const layer: SamLayer = {
    logicalId,
    type,
    line,
    layerName: reader.string('LayerName', props.LayerName) ?? logicalId,
    content: content ?? { kind: 'none', reason: `${type === 'AWS::Serverless::LayerVersion' ? 'ContentUri' : 'Content'} is missing` },
    compatibleRuntimes: reader.strings('CompatibleRuntimes', props.CompatibleRuntimes) ?? [],
    buildMethod: reader.string('Metadata.BuildMethod', record(resource.Metadata).BuildMethod),
    problems: reader.problems,
  };
  return withoutUndefined(layer);
}

/**
 * Reads a template. A template that cannot be parsed (or has no Resources) gives `problem`;
 * otherwise each function and layer carries its own problems, so one bad value does not hide
 * the rest of the template.
 */
export function readSamTemplate(text: string, options: ReadTemplateOptions): TemplateReadResult {
  const parsed = parseTemplateText(text);
  if ('problem' in parsed) return { problem: parsed.problem };
  const { data, resourceLines } = parsed.document;
  const region = options.region ?? LOCAL_REGION;
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const refs: Record<string, unknown> = {};
  const attributes: Record<string, unknown> = {};
  const context: EvaluationContext = {
    stackName: options.stackName,
    region,
    accountId,
    partition: 'aws',
    parameters: parameterValues(data.Parameters, options.parameterOverrides ?? {}),
    refs,
    attributes,
    conditions: record(data.Conditions),
    mappings: record(data.Mappings),
  };

  const resources: SamResource[] = [];
  for (const [logicalId, value] of Object.entries(record(data.Resources))) {
    const resource = record(value);
    if (typeof resource.Condition === 'string') {
      let holds = true;
      try {
        holds = evaluateCondition(resource.Condition, context);
      } catch {
        // A condition that cannot be known locally keeps the resource: better shown than hidden.
      }
      if (!holds) continue;
    }
    resources.push({ logicalId, type: typeof resource.Type === 'string' ? resource.Type : '', line: resourceLines.get(logicalId), properties: record(resource.Properties) });
  }
  const raw = (id: string) => record(record(data.Resources)[id]);

  // Names first, so Refs between functions resolve whatever their order.
  const names = new Map<string, { name: string; problems: PropertyProblem[] }>();
  for (const r of resources.filter((x) => FUNCTION_TYPES.has(x.type))) {
    const reader = new PropertyReader(context);
    const name = reader.string('FunctionName', r.properties.FunctionName) ?? r.logicalId;
    names.set(r.logicalId, { name, problems: reader.problems });
    refs[r.logicalId] = name;
    attributes[`${r.logicalId}.Arn`] = lambdaFunctionArn({ region, accountId }, name);
  }
  const layerIds = new Set(resources.filter((r) => LAYER_TYPES.has(r.type)).map((r) => r.logicalId));
  const globals = record(record(data.Globals).Function);
  const functions = resources.filter((r) => FUNCTION_TYPES.has(r.type)).map((r) => {
    const { name, problems } = names.get(r.logicalId)!;
    const fn = readFunction(r.logicalId, r.type, raw(r.logicalId), globals, name, r.line, context, layerIds);
    // Why the function goes by its logical id, when its FunctionName cannot be known.
    fn.problems.unshift(...problems);
    return fn;
  });
  const layers = resources.filter((r) => LAYER_TYPES.has(r.type)).map((r) => readLayer(r.logicalId, r.type, raw(r.logicalId), r.line, context));
  return { template: { stackName: options.stackName, resources, functions, layers, context } };
}
