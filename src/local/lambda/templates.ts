import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_LAYERS } from '../../shared/lambda/limits';
import { lambdaLayerArn, parseLayerArn } from '../../shared/lambda/arn';
import { SAMCONFIG_NAMES, templateCandidates } from '../../shared/sam/discovery';
import { functionNameProblem, logicalIdProblem } from '../../shared/sam/names';
import { readSamProject, type ProjectTemplateInput } from '../../shared/sam/project';
import {
  LAMBDA_FUNCTION, evaluate, type EvaluationContext, type SamFunction, type SamLayer, type SamTemplate,
} from '../../shared/sam/template';
import { ACCOUNT_ID, REGION, functionArn, type CodeRef, type FunctionSettings } from './model';
import { DEFAULT_SETTINGS, readSettings } from './requests';
import { LambdaStore } from './store';
import { containerRuntimeMessage, readDockerfile } from './dockerfile';
import { insideRootAs, makeDir, writeFileAtomic } from '../persist';
import { readTemplateEvents, type TemplateEvents } from '../../shared/sam/apiEvents';
import { TemplateError, buildImageTask, codeFromLocation, layerFolderOf, resolveInside } from './templateCode';
import { EVENT_INVOKE_LIMITS, destinationProblem, destinationTypeOf, type DestinationType } from '../../shared/lambda/eventInvoke';
import type { DestinationKind } from '../../shared/lambda/asyncLog';
import type { EventInvokeConfigRecord } from './model';

/**
 * Loads SAM / CloudFormation templates (`template.yaml|yml|json` in a folder and its immediate
 * subfolders) into the store; reading them is shared/sam's (samconfig's parameters and stack
 * name, function names that do not collide across templates). Function names: the
 * `FunctionName` property when it can be known locally, else the logical id, else (when the
 * logical id is taken in another template) a name like CloudFormation's. Template functions run
 * their code live from the workspace folder. `AWS::Lambda::Version` and `AWS::Lambda::Alias`
 * resources are applied once, in declaration order, and remembered in the state so a restart
 * does not publish again. Settings changed through the API survive a restart until the
 * template's own settings for the function change; the template's folder always stays the
 * function's $LATEST code, and a template function deleted through the API comes back on the
 * next start while its template defines it. No template can stop the others: each problem is
 * reported with its file and line.
 */

export interface TemplateProblem {
  file: string;
  line?: number;
  message: string;
}

/** A dependency install an image function's Dockerfile asks for, left to the build step. */
export interface InstallHint {
  functionName: string;
  /** The Dockerfile and line that ask for it. */
  file: string;
  line: number;
  tool: 'npm' | 'pip';
  /** As written, e.g. "npm ci --omit=dev" or "python3.12 -m pip install -r requirements.txt -t .". */
  command: string;
  /** Where it runs: the function's folder in the data folder (or below it, per WORKDIR). */
  dir: string;
}

export interface TemplateReport {
  templates: string[];
  functions: string[];
  errors: TemplateProblem[];
  warnings: TemplateProblem[];
  /** Templates skipped because they define nothing to run, and names given to functions whose logical ids collide. */
  notes: TemplateProblem[];
  installs: InstallHint[];
  /** Function URLs the templates declare (FunctionUrlConfig, AWS::Lambda::Url), applied by the URL store. */
  functionUrls: TemplateFunctionUrl[];
  /** The functions' API routes and schedules, with the template that declares them. */
  events: Array<{ file: string; events: TemplateEvents }>;
}

/** A function URL as a template declares it: the settings evaluated, not yet checked. */
export interface TemplateFunctionUrl {
  file: string;
  line?: number;
  /** Who declares it: the function's or the AWS::Lambda::Url's logical id. */
  logicalId: string;
  functionName: string;
  qualifier?: string;
  settings: unknown;
}

export interface TemplateLoadOptions {
  /** Parameter values given by the user: over samconfig.toml's, which are over the Defaults. */
  parameterOverrides?: Readonly<Record<string, string>>;
  /** Layer ARN (with or without its version) → folder, for layers published in AWS; relative folders are taken from the served folder. */
  layers?: Readonly<Record<string, string>>;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The templates under `dir`, where shared/sam/discovery says to look. */
function findTemplates(dir: string): string[] {
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch { /* a missing folder simply has no templates */ }
  const listing = entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
  return templateCandidates(listing)
    .map((group) => group.map((relative) => path.join(dir, relative)).find(isFile))
    .filter((file): file is string => file !== undefined);
}

/** Far above CloudFormation's own limit on a template (460,800 bytes from S3), so reading stays bounded. */
const MAX_TEMPLATE_BYTES = 10 * 1024 * 1024;

const posix = (p: string) => p.split(path.sep).join('/');

export async function loadTemplates(dir: string, store: LambdaStore, options: TemplateLoadOptions = {}): Promise<TemplateReport> {
  const root = path.resolve(dir);
  const report: TemplateReport = { templates: [], functions: [], errors: [], warnings: [], notes: [], installs: [], functionUrls: [], events: [] };
  for (const [arn, folder] of Object.entries(options.layers ?? {})) {
    const abs = path.resolve(root, folder);
    store.setLayerFolder(arn, abs);
    if (!fs.existsSync(abs)) report.warnings.push({ file: abs, message: `the folder given for layer ${arn} does not exist` });
  }

  const inputs: ProjectTemplateInput[] = [];
  for (const file of findTemplates(root)) {
    report.templates.push(file);
    let text: string;
    try {
      const size = fs.statSync(file).size;
      if (size > MAX_TEMPLATE_BYTES) {
        report.errors.push({ file, message: `The template holds ${size} bytes, more than the ${MAX_TEMPLATE_BYTES} the Local Lambda reads; it was skipped.` });
        continue;
      }
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      report.errors.push({ file, message: (err as Error).message });
      continue;
    }
    const configName = SAMCONFIG_NAMES.map((name) => path.join(path.dirname(file), name)).find(isFile);
    let samconfig: ProjectTemplateInput['samconfig'];
    if (configName) {
      try {
        samconfig = { file: configName, text: fs.readFileSync(configName, 'utf8') };
      } catch (err) {
        report.warnings.push({ file: configName, message: `not read: ${(err as Error).message}` });
      }
    }
    inputs.push({ file, relativeFile: posix(path.relative(root, file)), text, samconfig });
  }

  const project = await readSamProject(inputs, { parameterOverrides: options.parameterOverrides, region: REGION, accountId: ACCOUNT_ID });
  for (const { file, read, samconfigProblem } of project) {
    if (samconfigProblem) {
      report.warnings.push({ file: samconfigProblem.file, line: samconfigProblem.line, message: `${samconfigProblem.message}; its values are not used` });
    }
    if (read.problem) {
      report.errors.push({ file, line: read.problem.line, message: read.problem.message });
      continue;
    }
    const t = read.template;
    if (t.empty) {
      report.notes.push({ file, line: t.empty.line, message: `${t.empty.message} Skipped.` });
      continue;
    }
    if (t.functions.length === 0) {
      report.notes.push({ file, line: 1, message: 'The template defines no functions (AWS::Serverless::Function or AWS::Lambda::Function). Skipped.' });
      continue;
    }
    new TemplateLoader(root, file, t, store, report).apply();
    const events = readTemplateEvents(t);
    for (const p of events.problems) report.errors.push({ file, line: p.line, message: p.message });
    report.events.push({ file, events });
  }
  return report;
}

/** A template layer as the Local Lambda runs it: under an ARN no other layer has, with its folder or why it has none. */
interface LoadedLayer {
  layer: SamLayer;
  arn: string;
  folder?: string;
  problem?: string;
}

/** Applies one template's resources to the store. */
class TemplateLoader {
  private readonly templateDir: string;
  private readonly label: string;
  private readonly layers = new Map<string, LoadedLayer>();

  constructor(
    private readonly root: string, private readonly file: string, private readonly t: SamTemplate,
    private readonly store: LambdaStore, private readonly report: TemplateReport,
  ) {
    this.templateDir = path.dirname(file);
    this.label = path.relative(root, file) || path.basename(file);
  }

  apply(): void {
    for (const layer of this.t.layers) this.layers.set(layer.logicalId, this.loadLayer(layer));
    // Versions published here become known to the resources after them.
    const refs: Record<string, unknown> = { ...this.t.context.refs };
    const attributes: Record<string, unknown> = { ...this.t.context.attributes };
    const ctx: EvaluationContext = { ...this.t.context, refs, attributes };
    const functions = new Map(this.t.functions.map((fn) => [fn.logicalId, fn]));
    const relFile = path.relative(this.root, this.file);

    for (const r of this.t.resources) {
      const key = `${relFile}#${r.logicalId}`;
      try {
        const fn = functions.get(r.logicalId);
        if (fn) {
          if (this.report.functions.includes(fn.functionName)) {
            throw new TemplateError(`the function name ${fn.functionName} is already used by another template resource; give this one a different FunctionName.`,
              fn.nameSource === 'FunctionName' ? this.t.lineOf(fn.logicalId, 'FunctionName') : undefined);
          }
          const warnings = this.loadFunction(fn);
          for (const w of warnings) this.report.warnings.push({ file: this.file, line: fn.line, message: `${fn.logicalId}: ${w}` });
          this.functionEventInvokeConfig(fn, ctx);
          if (fn.nameSource === 'generated') {
            this.report.notes.push({ file: this.file, line: fn.line,
              message: `${fn.logicalId}: named ${fn.functionName}, as CloudFormation names functions, because the logical id is also a function name in another template` });
          }
          this.report.functions.push(fn.functionName);
          if (fn.properties.FunctionUrlConfig !== undefined) {
            this.report.functionUrls.push({ file: this.file, line: this.t.lineOf(fn.logicalId, 'FunctionUrlConfig'), logicalId: fn.logicalId,
              functionName: fn.functionName, settings: evaluate(fn.properties.FunctionUrlConfig, ctx) });
            if (fn.properties.AutoPublishAlias !== undefined) {
              this.report.notes.push({ file: this.file, line: this.t.lineOf(fn.logicalId, 'AutoPublishAlias'),
                message: `${fn.logicalId}: its function URL is served for the function itself ($LATEST), which is what the Local Lambda runs for AutoPublishAlias` });
            }
          }
        } else if (r.type === 'AWS::Lambda::Version') {
          const p = evaluate(r.properties, ctx) as { FunctionName?: string; Description?: string };
          const target = this.store.get(String(p.FunctionName));
          let version = this.store.appliedValue(key);
          if (version === undefined) {
            version = this.store.publish(target, { description: p.Description, force: true }).version.version;
            this.store.markApplied(key, version);
          }
          attributes[`${r.logicalId}.Version`] = version;
          refs[r.logicalId] = functionArn(target.name, version);
        } else if (r.type === 'AWS::Lambda::Url') {
          const p = evaluate(r.properties, ctx) as { TargetFunctionArn?: unknown; Qualifier?: unknown };
          const { AuthType, Cors, InvokeMode } = p as Record<string, unknown>;
          // A name or an ARN; whether the function exists is settled once every resource is applied.
          const targetName = typeof p.TargetFunctionArn === 'string' ? p.TargetFunctionArn.split(':').at(p.TargetFunctionArn.startsWith('arn:') ? 6 : 0) : undefined;
          if (!targetName) throw new TemplateError('TargetFunctionArn must name a function of this template (!Ref or !GetAtt Function.Arn).', this.t.lineOf(r.logicalId, 'TargetFunctionArn'));
          if (p.Qualifier !== undefined && typeof p.Qualifier !== 'string') throw new TemplateError('Qualifier must be an alias name.', this.t.lineOf(r.logicalId, 'Qualifier'));
          this.report.functionUrls.push({ file: this.file, line: r.line, logicalId: r.logicalId, functionName: targetName,
            ...(p.Qualifier !== undefined ? { qualifier: p.Qualifier } : {}), settings: { AuthType, Cors, InvokeMode } });
        } else if (r.type === 'AWS::Lambda::Alias') {
          if (this.store.appliedValue(key) !== undefined) continue;
          const p = evaluate(r.properties, ctx) as {
            FunctionName?: string; FunctionVersion?: string; Name?: string; Description?: string;
            RoutingConfig?: { AdditionalVersionWeights?: Array<{ FunctionVersion: string; FunctionWeight: number }> };
          };
          const target = this.store.get(String(p.FunctionName));
          const weights = Object.fromEntries((p.RoutingConfig?.AdditionalVersionWeights ?? [])
            .map((w) => [String(w.FunctionVersion), Number(w.FunctionWeight)]));
          const routing = { AdditionalVersionWeights: weights };
          const version = String(p.FunctionVersion);
          if (target.aliases.some((a) => a.name === p.Name)) {
            this.store.updateAlias(target, String(p.Name), { functionVersion: version, description: p.Description ?? '', routing });
          } else {
            this.store.createAlias(target, String(p.Name), version, p.Description ?? '', routing);
          }
          this.store.markApplied(key, String(p.Name));
        }
      } catch (err) {
        const line = err instanceof TemplateError && err.line !== undefined ? err.line : r.line;
        this.report.errors.push({ file: this.file, line, message: `${r.logicalId}: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
    // After the functions, versions and aliases they name exist.
    for (const r of this.t.resources) {
      if (r.type === 'AWS::Lambda::EventInvokeConfig') this.eventInvokeConfigResource(r, ctx);
    }
  }

  /** A function's own `EventInvokeConfig` (SAM): it applies to $LATEST. Problems are reported; the function still loads. */
  private functionEventInvokeConfig(fn: SamFunction, ctx: EvaluationContext): void {
    const record = this.store.find(fn.functionName);
    if (!record) return;
    this.store.dropTemplateEventInvokeConfigs(record);
    const raw = fn.properties.EventInvokeConfig;
    if (raw === undefined) return;
    const config = this.readEventInvokeConfig(fn.logicalId, 'EventInvokeConfig', raw, ctx, true);
    if (config) this.store.putEventInvokeConfig(record, { ...config, qualifier: '$LATEST' });
  }

  /** An `AWS::Lambda::EventInvokeConfig` resource: FunctionName, Qualifier and the same settings. */
  private eventInvokeConfigResource(r: { logicalId: string; line?: number; properties: Readonly<Record<string, unknown>> }, ctx: EvaluationContext): void {
    const error = (message: string, property?: string) =>
      this.report.errors.push({ file: this.file, line: this.t.lineOf(r.logicalId, property) ?? r.line, message: `${r.logicalId}: ${message}` });
    let name: unknown;
    let qualifier: unknown;
    try {
      name = evaluate(r.properties.FunctionName, ctx);
      qualifier = evaluate(r.properties.Qualifier, ctx);
    } catch (err) {
      error((err as Error).message);
      return;
    }
    if (typeof name !== 'string' || name === '') {
      error('FunctionName is required: the name or ARN of a function in this template.', 'FunctionName');
      return;
    }
    const functionName = name.startsWith('arn:') ? name.split(':')[6] ?? '' : name.split(':')[0];
    const target = this.store.find(functionName);
    if (!target) {
      error(`FunctionName ${name} is not a function on this Local Lambda.`, 'FunctionName');
      return;
    }
    if (typeof qualifier !== 'string' || qualifier === '') {
      error('Qualifier is required: $LATEST, a version number or an alias name.', 'Qualifier');
      return;
    }
    const exists = qualifier === '$LATEST' || (/^[0-9]+$/.test(qualifier) ? this.store.version(target, qualifier) !== undefined : target.aliases.some((a) => a.name === qualifier));
    if (!exists) {
      error(`Qualifier ${qualifier} is neither $LATEST nor a version or alias of ${functionName}.`, 'Qualifier');
      return;
    }
    const config = this.readEventInvokeConfig(r.logicalId, '', r.properties, ctx, false);
    if (config) this.store.putEventInvokeConfig(target, { ...config, qualifier });
  }

  /**
   * Reads MaximumRetryAttempts, MaximumEventAgeInSeconds and DestinationConfig (under `prefix`
   * when given). `sam`: destinations carry a Type, and an SQS / SNS one may leave out its
   * Destination. Returns undefined, having reported why, when a value is wrong.
   */
  private readEventInvokeConfig(logicalId: string, prefix: string, raw: unknown, ctx: EvaluationContext, sam: boolean): Omit<EventInvokeConfigRecord, 'qualifier'> | undefined {
    const at = (property: string) => [prefix, property].filter(Boolean).join('.');
    const problem = (level: 'errors' | 'warnings', message: string, property: string) => {
      const path = at(property);
      this.report[level].push({ file: this.file, line: this.lineNear(logicalId, path), message: `${logicalId}: ${path ? `${path}: ` : ''}${message}` });
    };
    let value: unknown;
    try {
      value = evaluate(raw, ctx);
    } catch (err) {
      problem('errors', (err as Error).message, prefix ? '' : 'DestinationConfig');
      return undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problem('errors', 'must be a map of MaximumEventAgeInSeconds, MaximumRetryAttempts and DestinationConfig.', '');
      return undefined;
    }
    const v = value as Record<string, unknown>;
    const config: Omit<EventInvokeConfigRecord, 'qualifier'> = { lastModified: Date.now(), fromTemplate: true };
    let ok = true;
    const whole = (key: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds', min: number, max: number): number | undefined => {
      const given = v[key];
      if (given === undefined) return undefined;
      const n = typeof given === 'string' && /^[0-9]{1,6}$/.test(given) ? Number(given) : given;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
        problem('errors', `must be a whole number from ${min} to ${max}, not ${JSON.stringify(given)?.slice(0, 60)}.`, key);
        ok = false;
        return undefined;
      }
      return n;
    };
    const { maximumRetryAttempts: retries, maximumEventAgeInSeconds: age } = EVENT_INVOKE_LIMITS;
    const attempts = whole('MaximumRetryAttempts', retries.min, retries.max);
    const maxAge = whole('MaximumEventAgeInSeconds', age.min, age.max);
    if (attempts !== undefined) config.maximumRetryAttempts = attempts;
    if (maxAge !== undefined) config.maximumEventAgeInSeconds = maxAge;
    const destinations = v.DestinationConfig;
    if (destinations !== undefined) {
      if (typeof destinations !== 'object' || destinations === null || Array.isArray(destinations)) {
        problem('errors', 'must be a map with OnSuccess and/or OnFailure.', 'DestinationConfig');
        return undefined;
      }
      for (const kind of ['OnSuccess', 'OnFailure'] as const) {
        const entry = (destinations as Record<string, unknown>)[kind];
        if (entry === undefined) continue;
        const arn = this.templateDestination(logicalId, kind, entry, sam, (m, p, level = 'errors') => problem(level, m, `DestinationConfig.${kind}${p ? `.${p}` : ''}`));
        if (arn === null) ok = false;
        else if (arn !== undefined) config[kind === 'OnSuccess' ? 'onSuccess' : 'onFailure'] = arn;
      }
    }
    return ok ? config : undefined;
  }

  /** The line of a property, or of the nearest enclosing one written (a left-out Destination points at its OnFailure). */
  private lineNear(logicalId: string, property: string): number | undefined {
    const own = this.t.lineOf(logicalId);
    let path = property;
    while (path) {
      const line = this.t.lineOf(logicalId, path);
      if (line !== undefined && line !== own) return line;
      const dot = path.lastIndexOf('.');
      path = dot === -1 ? '' : path.slice(0, dot);
    }
    return own;
  }

  /** One destination's ARN; null when it is wrong (reported), undefined when it names none. */
  private templateDestination(logicalId: string, kind: DestinationKind, entry: unknown, sam: boolean,
    report: (message: string, property: string, level?: 'errors' | 'warnings') => void): string | undefined | null {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      report(`must be a map with ${sam ? 'Type and ' : ''}Destination.`, '');
      return null;
    }
    const e = entry as Record<string, unknown>;
    const types: DestinationType[] = ['Lambda', 'SQS', 'SNS', 'EventBridge', 'S3'];
    const type = e.Type;
    if (sam && (typeof type !== 'string' || !types.includes(type as DestinationType))) {
      report(`Type must be one of ${types.join(', ')}${type === undefined ? '' : `, not ${JSON.stringify(type)?.slice(0, 60)}`}.`, 'Type');
      return null;
    }
    let destination = e.Destination;
    if (destination === undefined || destination === null || destination === '') {
      if (sam && (type === 'SQS' || type === 'SNS')) {
        // SAM creates a queue or topic for it; the records are kept here under the name SAM would give it.
        const generated = `${logicalId}EventInvokeConfig${kind}${type === 'SQS' ? 'Queue' : 'Topic'}`;
        report(`without Destination SAM creates an ${type} ${type === 'SQS' ? 'queue' : 'topic'} (${generated}); it is not emulated here, and the invocation records are kept in GET /_local/destinations only.`, 'Destination', 'warnings');
        return `arn:aws:${type.toLowerCase()}:${REGION}:${ACCOUNT_ID}:${generated}`;
      }
      if (sam) report(`Destination is required for Type ${String(type)}.`, 'Destination');
      else report('Destination is required.', 'Destination');
      return null;
    }
    if (typeof destination !== 'string') {
      report('Destination must be an ARN.', 'Destination');
      return null;
    }
    // `!Ref` to a function of this template gives its name: the local function's ARN stands for it.
    if (!destination.startsWith('arn:') && this.t.functions.some((f) => f.functionName === destination)) destination = functionArn(destination);
    const problem = destinationProblem(destination as string, kind);
    if (problem) {
      report(problem, 'Destination');
      return null;
    }
    const actual = destinationTypeOf(destination as string);
    if (sam && actual !== type) {
      report(`Type is ${String(type)} but the Destination ${String(destination)} is ${actual === 'EventBridge' ? 'an EventBridge event bus' : `a${actual === 'S3' || actual === 'SQS' || actual === 'SNS' ? 'n' : ''} ${actual}`} ARN.`, 'Type');
      return null;
    }
    return destination as string;
  }

  /** A template layer's folder, under an ARN of its own (a later template's layer of the same name gets the next version). */
  private loadLayer(layer: SamLayer): LoadedLayer {
    const parsed = parseLayerArn(layer.arn);
    let arn = layer.arn;
    let folder: string | undefined;
    let problem: string | undefined;
    try {
      if (!parsed) throw new TemplateError(`LayerName ${layer.layerName} is not a valid layer name (letters, digits, "-" and "_")`);
      const property = layer.type === 'AWS::Serverless::LayerVersion' ? 'ContentUri' : 'Content';
      const content = layer.content;
      if (content.kind === 's3') throw new TemplateError(`${property} ${content.location} is an S3 location; point it to a local folder or .zip`);
      if (content.kind !== 'path') throw new TemplateError(`${property}: ${'reason' in content ? content.reason : 'not a local path'}`);
      const line = this.t.lineOf(layer.logicalId, property);
      folder = layerFolderOf(this.store.dataDir, resolveInside(this.root, this.templateDir, content.path, property, line), property, line);
      for (let version = 1; ; version++) {
        arn = lambdaLayerArn({ region: parsed.region, accountId: parsed.accountId, partition: parsed.partition }, parsed.name, version);
        const taken = this.store.layerFolder(arn);
        if (taken === undefined || taken === folder) break;
      }
      this.store.setLayerFolder(arn, folder);
    } catch (err) {
      problem = (err as Error).message;
    }
    return { layer, arn, folder, problem };
  }

  /** Loads one function into the store; returns what the user should know about how it runs here. */
  private loadFunction(fn: SamFunction): string[] {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    const lineOf = (property?: string) => this.t.lineOf(fn.logicalId, property);
    const fail = (message: string, property?: string): never => {
      throw new TemplateError(message, lineOf(property));
    };

    if (fn.nameSource === 'FunctionName') {
      const problem = functionNameProblem(fn.functionName);
      if (problem) fail(`FunctionName: ${problem}.`, 'FunctionName');
    } else {
      const problem = logicalIdProblem(fn.logicalId) ?? functionNameProblem(fn.functionName);
      if (problem) fail(`${problem}; give the function a FunctionName.`);
    }

    const variables: Record<string, string> = { ...fn.environment };
    const brokenLayers = new Set<string>();
    for (const p of fn.problems) {
      if (p.property === 'Role') continue; // the role is recorded, not used; the default stands in
      if (p.property === 'FunctionName') {
        warn(`FunctionName ${p.message}; the function is named ${fn.functionName}`);
      } else if (p.property.startsWith('Environment.Variables.')) {
        const name = p.property.slice('Environment.Variables.'.length);
        variables[name] = '';
        warn(`environment variable ${name} is set to "" (${p.message})`);
      } else if (/^Layers\.\d+$/.test(p.property)) {
        brokenLayers.add(p.property);
        warn(`layer ${p.property} cannot be known locally (${p.message}); the function runs without it`);
      } else {
        fail(`${p.property}: ${p.message}`, p.property);
      }
    }

    const layerCount = fn.layers.length + brokenLayers.size;
    if (layerCount > MAX_LAYERS) fail(`Cannot reference more than ${MAX_LAYERS} layers.`, 'Layers');
    const layerArns = fn.layers.map((ref) => ('arn' in ref ? ref.arn : this.layers.get(ref.logicalId)?.arn ?? ref.logicalId));
    warnings.push(...this.layerWarnings(fn));

    const image = fn.packageType === 'Image' ? this.imageCode(fn, variables, warnings) : undefined;
    const runtime = image?.runtime ?? fn.runtime;
    const handler = image?.handler ?? fn.handler;

    const input: Record<string, unknown> = {
      Runtime: runtime, Handler: handler, MemorySize: fn.memorySize, Timeout: fn.timeout, Description: fn.description,
      EphemeralStorage: fn.ephemeralStorage === undefined ? undefined : { Size: fn.ephemeralStorage },
      Architectures: fn.architectures, Layers: layerArns, Role: fn.role, Environment: { Variables: variables },
    };
    for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
    const settings = readSettings(input);
    if (!settings.runtime) fail('Runtime is missing (set it on the function or in Globals.Function).');
    if (!settings.handler) fail('Handler is missing (set it on the function or in Globals.Function).');

    const codeProperty = fn.type === LAMBDA_FUNCTION ? 'Code' : 'CodeUri';
    let code: CodeRef;
    switch (fn.code.kind) {
      case 'inline': {
        const module = settings.handler!.split('.')[0];
        if (!/^[A-Za-z0-9_-]+$/.test(module)) fail(`Handler ${settings.handler} must name a module file (letters, digits, "-" and "_") for inline code.`, 'Handler');
        const dir = insideRootAs('Function name', this.store.dataDir, 'inline', fn.functionName);
        const handlerFile = insideRootAs('Handler', dir, `${module}${settings.runtime!.startsWith('python') ? '.py' : '.js'}`);
        fs.rmSync(dir, { recursive: true, force: true });
        makeDir(dir);
        writeFileAtomic(handlerFile, fn.code.source);
        code = LambdaStore.liveCode(dir);
        break;
      }
      case 'path': {
        const line = lineOf(codeProperty);
        const abs = resolveInside(this.root, this.templateDir, fn.code.path, codeProperty, line);
        code = codeFromLocation(this.store, fn.functionName, abs, `${codeProperty} ${fn.code.path}`, line).code;
        break;
      }
      case 'image':
        code = LambdaStore.liveCode(image!.dir);
        warnings.unshift(image!.note);
        break;
      case 's3':
        fail(`${codeProperty} ${fn.code.location} is an S3 location; point it to a local folder, .zip or file.`, codeProperty);
        break;
      default:
        fail(`${codeProperty}: ${fn.code.reason} (point it to a local folder, .zip or file).`, codeProperty);
    }
    const full = { ...DEFAULT_SETTINGS, ...settings } as FunctionSettings;
    // How `sam build` would build it, for the runtime to do the same first (dependencies, esbuild).
    const build = fn.code.kind === 'path' || fn.code.kind === 'image'
      ? { templateDir: this.templateDir, logicalId: fn.logicalId, metadata: { BuildMethod: fn.metadata.buildMethod, BuildProperties: fn.metadata.buildProperties } }
      : undefined;
    this.store.applyTemplateFunction(fn.functionName, this.file, full, code!, warnings, build);
    return warnings;
  }

  /**
   * An image function as the zip function its Dockerfile amounts to: its folder built from the
   * COPY lines, runtime and handler from FROM and CMD, ENV under the function's own variables.
   * Throws "needs a container runtime" naming the line that keeps it from running so.
   */
  private imageCode(fn: SamFunction, variables: Record<string, string>, warnings: string[]): { dir: string; note: string; runtime: string; handler: string } {
    const { dockerContext, dockerfile = 'Dockerfile' } = fn.metadata;
    const image = fn.code.kind === 'image' && fn.code.imageUri ? ` (ImageUri ${fn.code.imageUri})` : '';
    if (!dockerContext) {
      throw new TemplateError(`PackageType Image needs a container runtime${image}: give the function Metadata DockerContext and Dockerfile so the Local Lambda can run it without one.`, fn.line);
    }
    const contextLine = this.t.lineOf(fn.logicalId, 'Metadata.DockerContext');
    const context = resolveInside(this.root, this.templateDir, dockerContext, 'Metadata.DockerContext', contextLine);
    const dockerfilePath = resolveInside(context, context, dockerfile, 'Metadata.Dockerfile', this.t.lineOf(fn.logicalId, 'Metadata.Dockerfile'), 'context');
    resolveInside(this.root, context, dockerfile, 'Metadata.Dockerfile', this.t.lineOf(fn.logicalId, 'Metadata.Dockerfile'));
    let text: string;
    try {
      text = fs.readFileSync(dockerfilePath, 'utf8');
    } catch {
      throw new TemplateError(`Metadata.Dockerfile: ${dockerfilePath} cannot be read.`, this.t.lineOf(fn.logicalId, 'Metadata.Dockerfile'));
    }
    const label = posix(path.relative(this.root, dockerfilePath));
    const reading = readDockerfile(text);
    if (reading.unsupported) throw new TemplateError(containerRuntimeMessage(label, reading.unsupported), fn.line);
    const { plan } = reading;
    const config = fn.imageConfig ?? {};
    if (config.entryPoint?.length) {
      throw new TemplateError('PackageType Image needs a container runtime: ImageConfig.EntryPoint replaces the Lambda runtime\'s own entry point.', this.t.lineOf(fn.logicalId, 'ImageConfig.EntryPoint'));
    }
    if (config.workingDirectory && config.workingDirectory.replace(/\/+$/, '') !== plan.workdir) {
      throw new TemplateError(`PackageType Image needs a container runtime: ImageConfig.WorkingDirectory ${config.workingDirectory} is not the folder the Dockerfile copies the function into.`, this.t.lineOf(fn.logicalId, 'ImageConfig.WorkingDirectory'));
    }
    const handler = config.command?.[0] ?? plan.command?.[0];
    if (!handler) throw new TemplateError(`${label} has no CMD naming the handler (and the function has no ImageConfig.Command).`, fn.line);
    const built = buildImageTask(this.store, fn.functionName, this.root, context, plan, label);
    const workdirRelative = path.posix.relative('/var/task', plan.workdir);
    if (workdirRelative) {
      throw new TemplateError(`PackageType Image needs a container runtime: ${label} ends in WORKDIR ${plan.workdir}, but the handler is looked up in /var/task.`, fn.line);
    }
    for (const [key, value] of Object.entries(plan.environment)) if (!Object.hasOwn(variables, key)) variables[key] = value;
    for (const install of plan.installs) {
      const parts = path.posix.relative('/var/task', install.workdir).split('/').filter(Boolean);
      if (parts.includes('..')) {
        throw new TemplateError(`PackageType Image needs a container runtime: ${label}:${install.line} runs ${install.command} in ${install.workdir}, outside /var/task.`, fn.line);
      }
      const dir = parts.length ? insideRootAs('WORKDIR', built.dir, ...parts) : built.dir;
      this.report.installs.push({ functionName: fn.functionName, file: label, line: install.line, tool: install.tool, command: install.command, dir });
      if (install.tool === 'npm' && built.linkedNodeModules.length) {
        warnings.push(`${label}:${install.line} RUN ${install.command} is not run here; the function uses ${built.linkedNodeModules.join(', ')}`);
      } else {
        warnings.push(`${label}:${install.line} RUN ${install.command} is not run here; what it installs is missing until it is installed into ${built.dir}`);
      }
    }
    return {
      dir: built.dir,
      runtime: plan.runtime,
      handler,
      note: `runs as a zip function without a container: ${plan.runtime} from ${label}:${plan.fromLine} (FROM ${plan.baseImage}), its files from ${posix(path.relative(this.root, context)) || '.'}, handler ${handler} from ${config.command?.length ? 'ImageConfig.Command' : 'CMD'}`,
    };
  }

  /** Why a function's layers do not all run as they would on Lambda. */
  private layerWarnings(fn: SamFunction): string[] {
    const warnings: string[] = [];
    for (const ref of fn.layers) {
      if ('arn' in ref) {
        if (this.store.layerFolder(ref.arn) !== undefined) continue;
        warnings.push(`layer ${ref.arn} is not available locally, so the function runs without it; ` +
          `map it to a folder holding the layer's contents with --layer ${ref.arn}=<folder> ` +
          '(setting lambdaWorkbench.local.layers, or LOCAL_LAMBDA_LAYERS)');
        continue;
      }
      const loaded = this.layers.get(ref.logicalId);
      if (!loaded) continue;
      if (loaded.problem) {
        warnings.push(`layer ${ref.logicalId}: ${loaded.problem.replace(/\.$/, '')}; the function runs without it`);
        continue;
      }
      const buildMethod = loaded.layer.buildMethod;
      if (!buildMethod || !loaded.folder) continue;
      const node = /^nodejs/.test(buildMethod);
      const python = /^python/.test(buildMethod);
      const nodejs = path.join(loaded.folder, 'nodejs');
      const installed = node
        ? fs.existsSync(path.join(nodejs, 'node_modules')) || (fs.existsSync(nodejs) && fs.readdirSync(nodejs).some((n) => /^node\d+$/.test(n)))
        : python ? fs.existsSync(path.join(loaded.folder, 'python')) : true;
      if (!installed) {
        warnings.push(`layer ${ref.logicalId} has BuildMethod ${buildMethod} and its dependencies are not installed ` +
          `(no ${node ? 'nodejs/node_modules' : 'python'} folder in ${loaded.folder}), so the function sees the folder as it is; ` +
          `run sam build, or install them into ${path.join(loaded.folder, node ? path.join('nodejs', 'node_modules') : 'python')}`);
      }
    }
    return warnings;
  }
}
