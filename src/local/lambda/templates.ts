import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, type Document, type Tags } from 'yaml';
import { ApiError } from '../http';
import { ACCOUNT_ID, REGION, functionArn, type FunctionSettings } from './model';
import { DEFAULT_SETTINGS, readSettings } from './requests';
import { LambdaStore } from './store';

/**
 * Loads SAM / CloudFormation templates (`template.yaml|yml|json` in a folder and its immediate
 * subfolders) into the store. Function names: the `FunctionName` property when given, else the
 * resource's logical id. Template functions run their code live from the workspace folder.
 * `AWS::Lambda::Version` and `AWS::Lambda::Alias` resources are applied once, in declaration
 * order, and remembered in the state so a restart does not publish again. Settings changed
 * through the API survive a restart until the template's own settings for the function change;
 * the template's folder always stays the function's $LATEST code, and a template function
 * deleted through the API comes back on the next start while its template defines it.
 */

export interface TemplateProblem {
  file: string;
  line?: number;
  message: string;
}

export interface TemplateReport {
  templates: string[];
  functions: string[];
  errors: TemplateProblem[];
  warnings: TemplateProblem[];
}

const TEMPLATE_NAMES = ['template.yaml', 'template.yml', 'template.json'];

const INTRINSICS = ['Ref', 'Condition', 'Fn::Sub', 'Fn::GetAtt', 'Fn::Join', 'Fn::If', 'Fn::Select', 'Fn::Split',
  'Fn::FindInMap', 'Fn::Base64', 'Fn::Equals', 'Fn::Not', 'Fn::And', 'Fn::Or', 'Fn::ImportValue', 'Fn::GetAZs',
  'Fn::Cidr', 'Fn::Transform'];

/** `!Ref x` → `{Ref: x}`, `!GetAtt a.b` → `{"Fn::GetAtt": [a, b]}`, `!Sub s` → `{"Fn::Sub": s}` … */
const CLOUDFORMATION_TAGS: Tags = INTRINSICS.flatMap((key) => {
  const tag = `!${key.replace('Fn::', '')}`;
  const scalar = (s: string) => key === 'Fn::GetAtt' ? { [key]: s.split(/\.(.*)/s).slice(0, 2) } : { [key]: s };
  return [
    { tag, resolve: scalar },
    { tag, collection: 'seq' as const, resolve: (v: { toJSON(): unknown }) => ({ [key]: v.toJSON() }) },
    { tag, collection: 'map' as const, resolve: (v: { toJSON(): unknown }) => ({ [key]: v.toJSON() }) },
  ];
});

class TemplateValueError extends Error {}

interface ResolveContext {
  stack: string;
  params: Record<string, unknown>;
  functionNames: Record<string, string>;
  versions: Record<string, string>;
}

function refValue(name: string, ctx: ResolveContext): unknown {
  const pseudo: Record<string, string> = {
    'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT_ID, 'AWS::StackName': ctx.stack, 'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackId': `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/${ctx.stack}/local`,
  };
  if (name in pseudo) return pseudo[name];
  if (name in ctx.params) return ctx.params[name];
  if (name in ctx.functionNames) return ctx.functionNames[name];
  throw new TemplateValueError(`cannot resolve Ref ${name} locally`);
}

function getAtt(resource: string, attr: string, ctx: ResolveContext): unknown {
  if (resource in ctx.functionNames && attr === 'Arn') return functionArn(ctx.functionNames[resource]);
  if (resource in ctx.versions && attr === 'Version') return ctx.versions[resource];
  throw new TemplateValueError(`cannot resolve GetAtt ${resource}.${attr} locally`);
}

/** Evaluates the intrinsic functions a local run can know; others raise TemplateValueError. */
function resolve(value: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, ctx));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && INTRINSICS.includes(entries[0][0])) {
    const [key, arg] = entries[0];
    switch (key) {
      case 'Ref': return refValue(String(arg), ctx);
      case 'Fn::GetAtt': {
        const [res, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/s);
        return getAtt(String(res), String(attr), ctx);
      }
      case 'Fn::Join': {
        const [sep, list] = arg as [string, unknown[]];
        return (resolve(list, ctx) as unknown[]).map(String).join(sep);
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? arg as [string, Record<string, unknown>] : [String(arg), {}];
        const local = resolve(vars ?? {}, ctx) as Record<string, unknown>;
        return text.replace(/\$\{([^!}][^}]*)\}/g, (_m, name: string) => {
          if (name in local) return String(local[name]);
          const [res, attr] = name.split(/\.(.*)/s);
          return String(attr ? getAtt(res, attr, ctx) : refValue(res, ctx));
        });
      }
      default:
        throw new TemplateValueError(`${key} is not evaluated locally`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, ctx)]));
}

interface LoadedTemplate {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  data: Record<string, unknown>;
}

function findTemplates(dir: string): string[] {
  const found: string[] = [];
  const inFolder = (d: string) => {
    const name = TEMPLATE_NAMES.find((n) => fs.existsSync(path.join(d, n)));
    if (name) found.push(path.join(d, name));
  };
  inFolder(dir);
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch { /* a missing folder simply has no templates */ }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') inFolder(path.join(dir, e.name));
  }
  return found;
}

function parseTemplate(file: string): LoadedTemplate | TemplateProblem {
  const lines = new LineCounter();
  const text = fs.readFileSync(file, 'utf8');
  const doc = parseDocument(text, { customTags: CLOUDFORMATION_TAGS, lineCounter: lines, prettyErrors: true, uniqueKeys: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    return { file, line: e.linePos?.[0].line, message: e.message.split('\n')[0] };
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (typeof data !== 'object' || data === null || typeof (data as { Resources?: unknown }).Resources !== 'object') {
    return { file, line: 1, message: 'The template has no Resources section.' };
  }
  return { file, doc, lines, data: data as Record<string, unknown> };
}

/** The line of a resource's logical id in the template. */
function lineOf(t: LoadedTemplate, id: string): number | undefined {
  const resources = t.doc.get('Resources', true);
  if (!isMap(resources)) return undefined;
  const pair = resources.items.find((p) => isScalar(p.key) && p.key.value === id);
  const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
  return range ? t.lines.linePos(range[0]).line : undefined;
}

const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);

type Resource = { Type?: string; Properties?: Record<string, unknown> };

export function loadTemplates(dir: string, store: LambdaStore): TemplateReport {
  const report: TemplateReport = { templates: [], functions: [], errors: [], warnings: [] };
  for (const file of findTemplates(dir)) {
    report.templates.push(file);
    let parsed: LoadedTemplate | TemplateProblem;
    try {
      parsed = parseTemplate(file);
    } catch (err) {
      parsed = { file, message: (err as Error).message };
    }
    if (!('doc' in parsed)) {
      report.errors.push(parsed);
      continue;
    }
    applyTemplate(parsed, store, report, path.relative(dir, parsed.file));
  }
  return report;
}

function applyTemplate(t: LoadedTemplate, store: LambdaStore, report: TemplateReport, relFile: string): void {
  const resources = t.data.Resources as Record<string, Resource>;
  const params: Record<string, unknown> = {};
  for (const [k, p] of Object.entries((t.data.Parameters ?? {}) as Record<string, { Default?: unknown }>)) {
    if (p && p.Default !== undefined) params[k] = p.Default;
  }
  const ctx: ResolveContext = { stack: path.basename(path.dirname(t.file)), params, functionNames: {}, versions: {} };
  const problem = (id: string, message: string, list = report.errors) =>
    list.push({ file: t.file, line: lineOf(t, id), message: `${id}: ${message}` });

  // Names first, so Refs between resources resolve regardless of order.
  for (const [id, r] of Object.entries(resources)) {
    if (!r || !FUNCTION_TYPES.has(r.Type ?? '')) continue;
    let given: unknown;
    try {
      given = resolve(r.Properties?.FunctionName, ctx); // e.g. !Sub ${AWS::StackName}-api
    } catch { /* reported as unresolvable when used; fall back to the logical id */ }
    ctx.functionNames[id] = typeof given === 'string' && given ? given : id;
  }
  const globals = ((t.data.Globals as { Function?: Record<string, unknown> } | undefined)?.Function) ?? {};

  for (const [id, r] of Object.entries(resources)) {
    if (!r || typeof r !== 'object') continue;
    const key = `${relFile}#${id}`;
    try {
      if (FUNCTION_TYPES.has(r.Type ?? '')) {
        const name = ctx.functionNames[id];
        if (report.functions.includes(name)) {
          throw new Error(`the function name ${name} is already used by another template resource; give this one a different FunctionName.`);
        }
        loadFunction(t, id, r, globals, ctx, store, (m) => problem(id, m, report.warnings));
        report.functions.push(name);
      } else if (r.Type === 'AWS::Lambda::Version') {
        const p = resolve(r.Properties ?? {}, ctx) as { FunctionName?: string; Description?: string };
        const fn = store.get(String(p.FunctionName));
        const done = store.appliedValue(key);
        if (done !== undefined) {
          ctx.versions[id] = done;
        } else {
          const { version } = store.publish(fn, { description: p.Description, force: true });
          ctx.versions[id] = version.version;
          store.markApplied(key, version.version);
        }
      } else if (r.Type === 'AWS::Lambda::Alias') {
        if (store.appliedValue(key) !== undefined) continue;
        const p = resolve(r.Properties ?? {}, ctx) as {
          FunctionName?: string; FunctionVersion?: string; Name?: string; Description?: string;
          RoutingConfig?: { AdditionalVersionWeights?: Array<{ FunctionVersion: string; FunctionWeight: number }> };
        };
        const fn = store.get(String(p.FunctionName));
        const weights = Object.fromEntries((p.RoutingConfig?.AdditionalVersionWeights ?? [])
          .map((w) => [String(w.FunctionVersion), Number(w.FunctionWeight)]));
        const routing = { AdditionalVersionWeights: weights };
        const version = String(p.FunctionVersion);
        if (fn.aliases.some((a) => a.name === p.Name)) {
          store.updateAlias(fn, String(p.Name), { functionVersion: version, description: p.Description ?? '', routing });
        } else {
          store.createAlias(fn, String(p.Name), version, p.Description ?? '', routing);
        }
        store.markApplied(key, String(p.Name));
      }
    } catch (err) {
      problem(id, err instanceof ApiError || err instanceof TemplateValueError || err instanceof Error
        ? (err as Error).message : String(err));
    }
  }
}

function loadFunction(t: LoadedTemplate, id: string, r: Resource, globals: Record<string, unknown>,
  ctx: ResolveContext, store: LambdaStore, warn: (m: string) => void): void {
  const serverless = r.Type === 'AWS::Serverless::Function';
  const raw = { ...(serverless ? globals : {}), ...(r.Properties ?? {}) } as Record<string, unknown>;
  // Environment variables merge with the global ones rather than replace them.
  const envOf = (o: unknown) => ((o as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {};
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...(serverless ? envOf(globals.Environment) : {}), ...envOf(r.Properties?.Environment) })) {
    try {
      const value = resolve(v, ctx);
      variables[k] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    } catch (err) {
      variables[k] = '';
      warn(`environment variable ${k} is set to "" (${(err as Error).message})`);
    }
  }
  const props = (key: string) => {
    try {
      return resolve(raw[key], ctx);
    } catch (err) {
      if (key === 'Role') return undefined; // the role is recorded, not used; fall back to the default
      throw new Error(`${key}: ${(err as Error).message}`, { cause: err });
    }
  };
  const name = ctx.functionNames[id];
  const input: Record<string, unknown> = {
    Runtime: props('Runtime'), Handler: props('Handler'), MemorySize: props('MemorySize'), Timeout: props('Timeout'),
    Description: props('Description'), EphemeralStorage: props('EphemeralStorage'), Architectures: props('Architectures'),
    Layers: props('Layers'), Role: props('Role'), Environment: { Variables: variables },
  };
  if (typeof input.Role !== 'string') delete input.Role;
  for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
  const settings = readSettings(input);
  if (!settings.runtime) throw new Error('Runtime is missing (set it on the function or in Globals.Function).');
  if (!settings.handler) throw new Error('Handler is missing (set it on the function or in Globals.Function).');

  const base = path.dirname(t.file);
  let codeDir: string;
  const inline = serverless ? props('InlineCode') : (props('Code') as { ZipFile?: unknown } | undefined)?.ZipFile;
  if (typeof inline === 'string') {
    codeDir = path.join(store.dataDir, 'inline', name);
    fs.rmSync(codeDir, { recursive: true, force: true });
    fs.mkdirSync(codeDir, { recursive: true });
    const module = settings.handler.split('.')[0];
    fs.writeFileSync(path.join(codeDir, `${module}${settings.runtime.startsWith('python') ? '.py' : '.js'}`), inline);
  } else if (serverless) {
    const uri = props('CodeUri') ?? '.';
    if (typeof uri !== 'string') throw new Error('CodeUri must be a local folder path (S3 locations are not available locally).');
    if (/^s3:\/\//.test(uri)) throw new Error(`CodeUri ${uri} is an S3 location; point it to a local folder.`);
    codeDir = path.resolve(base, uri);
  } else {
    throw new Error('Code must hold ZipFile (inline code); S3 code is not available locally.');
  }
  if (!fs.existsSync(codeDir) || !fs.statSync(codeDir).isDirectory()) {
    throw new Error(`code folder ${codeDir} does not exist.`);
  }
  const full = { ...DEFAULT_SETTINGS, ...settings } as FunctionSettings;
  store.applyTemplateFunction(name, t.file, full, LambdaStore.liveCode(codeDir));
}
