import { LOCAL_ACCOUNT_ID, LOCAL_REGION, lambdaFunctionArn, lambdaLayerArn } from '../lambda/arn';
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
  /**
   * Names for functions without a FunctionName, by logical id, instead of the logical id
   * (readSamProject gives names like CloudFormation's to functions whose logical ids collide).
   */
  functionNames?: Readonly<Record<string, string>>;
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

/** The parts of ImageConfig that change what an image function runs. */
export interface SamImageConfig {
  command?: string[];
  entryPoint?: string[];
  workingDirectory?: string;
}

export interface SamFunction {
  logicalId: string;
  type: typeof SERVERLESS_FUNCTION | typeof LAMBDA_FUNCTION;
  /** 1-based line of the logical id. */
  line?: number;
  /**
   * FunctionName when it can be known locally; else the name given in `functionNames`, else
   * the logical id.
   */
  functionName: string;
  /** Where `functionName` comes from. */
  nameSource: 'FunctionName' | 'generated' | 'logicalId';
  handler?: string;
  runtime?: string;
  packageType: 'Zip' | 'Image';
  code: SamCode;
  /** ImageConfig of an image function, when it has one. */
  imageConfig?: SamImageConfig;
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
  /** What `!Ref` to the layer gives: version 1 of the layer named `layerName`, in the template's region and account. */
  arn: string;
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
  /** Set when the template defines nothing (no Resources, or an empty section): a note, not a problem. */
  empty?: TemplateProblem;
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
  /**
   * The line of a resource's property ("Layers.2", "Environment.Variables.TABLE",
   * "Metadata.Dockerfile"), or of Globals.Function's when the value comes from there; else the
   * resource's line.
   */
  lineOf(logicalId: string, property?: string): number | undefined;
  /** Globals.Api and Globals.HttpApi as written: SAM puts them under every API of their kind, the implicit ones too. */
  apiGlobals: { Api: Record<string, unknown>; HttpApi: Record<string, unknown> };
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

/**
 * A function's Layers: a `!Ref` to a layer of the template gives its logical id, and so does
 * any value that evaluates to that layer's ARN (through a parameter or `!If`); other values are
 * ARNs of layers elsewhere.
 */
function readLayers(raw: unknown, reader: PropertyReader, layerArns: ReadonlyMap<string, string>): SamLayerRef[] {
  if (raw === undefined) return [];
  const entries = Array.isArray(raw) ? raw : [raw];
  const layers: SamLayerRef[] = [];
  entries.forEach((entry, index) => {
    const values = reader.value(`Layers.${index}`, entry);
    for (const value of Array.isArray(values) ? values : [values]) {
      if (value === undefined) continue;
      if (typeof value !== 'string' || value === '') {
        reader.problems.push({ property: `Layers.${index}`, message: `must be a layer ARN, not ${describe(value)}` });
        continue;
      }
      const logicalId = layerArns.get(value);
      layers.push(logicalId ? { logicalId } : { arn: value });
    }
  });
  return layers;
}

function readImageConfig(raw: unknown, reader: PropertyReader): SamImageConfig | undefined {
  if (raw === undefined) return undefined;
  const map = record(raw);
  const config: SamImageConfig = withoutUndefined({
    command: reader.strings('ImageConfig.Command', map.Command),
    entryPoint: reader.strings('ImageConfig.EntryPoint', map.EntryPoint),
    workingDirectory: reader.string('ImageConfig.WorkingDirectory', map.WorkingDirectory),
  });
  return Object.keys(config).length ? config : undefined;
}

function readFunction(
  logicalId: string, type: string, resource: Record<string, unknown>, globals: Record<string, unknown>,
  name: { name: string; source: SamFunction['nameSource'] }, line: number | undefined, ctx: EvaluationContext,
  layerArns: ReadonlyMap<string, string>,
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
    functionName: name.name,
    nameSource: name.source,
    handler: reader.string('Handler', props.Handler),
    runtime: reader.string('Runtime', props.Runtime),
    packageType,
    code,
    imageConfig: packageType === 'Image' ? readImageConfig(props.ImageConfig, reader) : undefined,
    metadata: readMetadata(resource, reader),
    layers: readLayers(props.Layers, reader, layerArns),
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
  const scope = { region: ctx.region, accountId: ctx.accountId, partition: ctx.partition };
  const props = record(resource.Properties);
  const reader = new PropertyReader(ctx);
  const content = type === 'AWS::Serverless::LayerVersion'
    ? location('ContentUri', props.ContentUri, reader, 'Bucket', 'Key')
    : location('Content', props.Content, reader, 'S3Bucket', 'S3Key');
  const layerName = reader.string('LayerName', props.LayerName) ?? logicalId;
  const layer: SamLayer = {
    logicalId,
    type,
    line,
    layerName,
    arn: lambdaLayerArn(scope, layerName, 1),
    content: content ?? { kind: 'none', reason: `${type === 'AWS::Serverless::LayerVersion' ? 'ContentUri' : 'Content'} is missing` },
    compatibleRuntimes: reader.strings('CompatibleRuntimes', props.CompatibleRuntimes) ?? [],
    buildMethod: reader.string('Metadata.BuildMethod', record(resource.Metadata).BuildMethod),
    problems: reader.problems,
  };
  return withoutUndefined(layer);
}

/**
 * Reads a template. A template that cannot be parsed gives `problem`; one without resources is
 * read with `empty` saying so; otherwise each function and layer carries its own problems, so
 * one bad value does not hide the rest of the template.
 */
export function readSamTemplate(text: string, options: ReadTemplateOptions): TemplateReadResult {
  const parsed = parseTemplateText(text);
  if ('problem' in parsed) return { problem: parsed.problem };
  const { data, resourceLines, lineOf: lineAt, empty } = parsed.document;
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

  // Layers first: a `!Ref` to one gives its ARN (version 1 of the layer), wherever it is used.
  const layers = resources.filter((r) => LAYER_TYPES.has(r.type)).map((r) => {
    const layer = readLayer(r.logicalId, r.type, raw(r.logicalId), r.line, context);
    refs[r.logicalId] = layer.arn;
    return layer;
  });
  const layerArns = new Map(layers.map((l) => [l.arn, l.logicalId]));

  // Names next, so Refs between functions resolve whatever their order.
  const names = new Map<string, { name: string; source: SamFunction['nameSource']; problems: PropertyProblem[] }>();
  for (const r of resources.filter((x) => FUNCTION_TYPES.has(x.type))) {
    const reader = new PropertyReader(context);
    const given = reader.string('FunctionName', r.properties.FunctionName);
    const generated = options.functionNames && Object.hasOwn(options.functionNames, r.logicalId) ? options.functionNames[r.logicalId] : undefined;
    const name = given !== undefined ? { name: given, source: 'FunctionName' as const }
      : generated !== undefined ? { name: generated, source: 'generated' as const }
      : { name: r.logicalId, source: 'logicalId' as const };
    names.set(r.logicalId, { ...name, problems: reader.problems });
    refs[r.logicalId] = name.name;
    attributes[`${r.logicalId}.Arn`] = lambdaFunctionArn({ region, accountId }, name.name);
  }
  const globals = record(record(data.Globals).Function);
  const functions = resources.filter((r) => FUNCTION_TYPES.has(r.type)).map((r) => {
    const { problems, ...name } = names.get(r.logicalId)!;
    const fn = readFunction(r.logicalId, r.type, raw(r.logicalId), globals, name, r.line, context, layerArns);
    // Why the function goes by another name, when its FunctionName cannot be known.
    fn.problems.unshift(...problems);
    return fn;
  });
  const lineOf = (logicalId: string, property?: string): number | undefined => {
    const resourceLine = resourceLines.get(logicalId);
    if (!property) return resourceLine;
    const parts = property.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    const own = parts[0] === 'Metadata' ? ['Resources', logicalId, ...parts] : ['Resources', logicalId, 'Properties', ...parts];
    const found = lineAt(own);
    if (found?.exact) return found.line;
    const fromGlobals = lineAt(['Globals', 'Function', ...parts]);
    if (fromGlobals?.exact) return fromGlobals.line;
    // Not written at all (a default stands in): the resource's own line.
    return resourceLine;
  };
  const apiGlobals = { Api: record(record(data.Globals).Api), HttpApi: record(record(data.Globals).HttpApi) };
  return { template: { stackName: options.stackName, resources, functions, layers, context, lineOf, apiGlobals, ...(empty ? { empty } : {}) } };
}
