import * as fs from 'node:fs';
import * as path from 'node:path';
import { stackNameForTemplate, templateCandidates } from '../../shared/sam/discovery';
import {
  LAMBDA_FUNCTION, evaluate, readSamTemplate, type EvaluationContext, type SamFunction, type SamTemplate,
} from '../../shared/sam/template';
import { ACCOUNT_ID, REGION, functionArn, type FunctionSettings } from './model';
import { DEFAULT_SETTINGS, readSettings } from './requests';
import { LambdaStore } from './store';

/**
 * Loads SAM / CloudFormation templates (`template.yaml|yml|json` in a folder and its immediate
 * subfolders) into the store; reading them is shared/sam's. Function names: the `FunctionName`
 * property when it can be known locally, else the resource's logical id. Template functions run
 * their code live from the workspace folder. `AWS::Lambda::Version` and `AWS::Lambda::Alias`
 * resources are applied once, in declaration order, and remembered in the state so a restart
 * does not publish again. Settings changed through the API survive a restart until the
 * template's own settings for the function change; the template's folder always stays the
 * function's $LATEST code, and a template function deleted through the API comes back on the
 * next start while its template defines it.
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

export function loadTemplates(dir: string, store: LambdaStore): TemplateReport {
  const report: TemplateReport = { templates: [], functions: [], errors: [], warnings: [] };
  for (const file of findTemplates(dir)) {
    report.templates.push(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      report.errors.push({ file, message: (err as Error).message });
      continue;
    }
    const read = readSamTemplate(text, { stackName: stackNameForTemplate(file), region: REGION, accountId: ACCOUNT_ID });
    if (read.problem) {
      report.errors.push({ file, line: read.problem.line, message: read.problem.message });
      continue;
    }
    applyTemplate(file, read.template, store, report, path.relative(dir, file));
  }
  return report;
}

function applyTemplate(file: string, t: SamTemplate, store: LambdaStore, report: TemplateReport, relFile: string): void {
  // Versions published here become known to the resources after them.
  const refs: Record<string, unknown> = { ...t.context.refs };
  const attributes: Record<string, unknown> = { ...t.context.attributes };
  const ctx: EvaluationContext = { ...t.context, refs, attributes };
  const functions = new Map(t.functions.map((fn) => [fn.logicalId, fn]));
  const problem = (id: string, line: number | undefined, message: string, list = report.errors) =>
    list.push({ file, line, message: `${id}: ${message}` });

  for (const r of t.resources) {
    const key = `${relFile}#${r.logicalId}`;
    try {
      const fn = functions.get(r.logicalId);
      if (fn) {
        if (report.functions.includes(fn.functionName)) {
          throw new Error(`the function name ${fn.functionName} is already used by another template resource; give this one a different FunctionName.`);
        }
        loadFunction(file, fn, store, (m) => problem(r.logicalId, r.line, m, report.warnings));
        report.functions.push(fn.functionName);
      } else if (r.type === 'AWS::Lambda::Version') {
        const p = evaluate(r.properties, ctx) as { FunctionName?: string; Description?: string };
        const target = store.get(String(p.FunctionName));
        let version = store.appliedValue(key);
        if (version === undefined) {
          version = store.publish(target, { description: p.Description, force: true }).version.version;
          store.markApplied(key, version);
        }
        attributes[`${r.logicalId}.Version`] = version;
        refs[r.logicalId] = functionArn(target.name, version);
      } else if (r.type === 'AWS::Lambda::Alias') {
        if (store.appliedValue(key) !== undefined) continue;
        const p = evaluate(r.properties, ctx) as {
          FunctionName?: string; FunctionVersion?: string; Name?: string; Description?: string;
          RoutingConfig?: { AdditionalVersionWeights?: Array<{ FunctionVersion: string; FunctionWeight: number }> };
        };
        const target = store.get(String(p.FunctionName));
        const weights = Object.fromEntries((p.RoutingConfig?.AdditionalVersionWeights ?? [])
          .map((w) => [String(w.FunctionVersion), Number(w.FunctionWeight)]));
        const routing = { AdditionalVersionWeights: weights };
        const version = String(p.FunctionVersion);
        if (target.aliases.some((a) => a.name === p.Name)) {
          store.updateAlias(target, String(p.Name), { functionVersion: version, description: p.Description ?? '', routing });
        } else {
          store.createAlias(target, String(p.Name), version, p.Description ?? '', routing);
        }
        store.markApplied(key, String(p.Name));
      }
    } catch (err) {
      problem(r.logicalId, r.line, err instanceof Error ? err.message : String(err));
    }
  }
}

function loadFunction(file: string, fn: SamFunction, store: LambdaStore, warn: (m: string) => void): void {
  const variables: Record<string, string> = { ...fn.environment };
  for (const p of fn.problems) {
    if (p.property === 'Role') continue; // the role is recorded, not used; the default stands in
    if (p.property === 'FunctionName') {
      warn(`FunctionName ${p.message}; the function is named ${fn.logicalId}`);
    } else if (p.property.startsWith('Environment.Variables.')) {
      const name = p.property.slice('Environment.Variables.'.length);
      variables[name] = '';
      warn(`environment variable ${name} is set to "" (${p.message})`);
    } else {
      throw new Error(`${p.property}: ${p.message}`);
    }
  }
  const layers: string[] = [];
  for (const layer of fn.layers) {
    if ('arn' in layer) layers.push(layer.arn);
    else warn(`layer ${layer.logicalId} is defined in the template; template layers are not applied locally yet, so the function runs without it`);
  }
  const input: Record<string, unknown> = {
    Runtime: fn.runtime, Handler: fn.handler, MemorySize: fn.memorySize, Timeout: fn.timeout, Description: fn.description,
    EphemeralStorage: fn.ephemeralStorage === undefined ? undefined : { Size: fn.ephemeralStorage },
    Architectures: fn.architectures, Layers: layers, Role: fn.role, Environment: { Variables: variables },
  };
  for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
  const settings = readSettings(input);
  if (!settings.runtime) throw new Error('Runtime is missing (set it on the function or in Globals.Function).');
  if (!settings.handler) throw new Error('Handler is missing (set it on the function or in Globals.Function).');

  const codeProperty = fn.type === LAMBDA_FUNCTION ? 'Code' : 'CodeUri';
  let codeDir: string;
  switch (fn.code.kind) {
    case 'inline': {
      codeDir = path.join(store.dataDir, 'inline', fn.functionName);
      fs.rmSync(codeDir, { recursive: true, force: true });
      fs.mkdirSync(codeDir, { recursive: true });
      const module = settings.handler.split('.')[0];
      fs.writeFileSync(path.join(codeDir, `${module}${settings.runtime.startsWith('python') ? '.py' : '.js'}`), fn.code.source);
      break;
    }
    case 'path':
      codeDir = path.resolve(path.dirname(file), fn.code.path);
      break;
    case 's3':
      throw new Error(`${codeProperty} ${fn.code.location} is an S3 location; point it to a local folder.`);
    case 'image':
      throw new Error('PackageType Image is not available on the Local Lambda; give the function a local code folder.');
    default:
      throw new Error(`${codeProperty}: ${fn.code.reason} (point it to a local folder).`);
  }
  if (!fs.existsSync(codeDir) || !fs.statSync(codeDir).isDirectory()) {
    throw new Error(`code folder ${codeDir} does not exist.`);
  }
  const full = { ...DEFAULT_SETTINGS, ...settings } as FunctionSettings;
  store.applyTemplateFunction(fn.functionName, file, full, LambdaStore.liveCode(codeDir));
}
