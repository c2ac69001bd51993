/**
 * Makes the plan of one template function against one connection: builds and zips the package
 * (reproducibly, sizes checked against Lambda's limits) and reads what is deployed. Sends nothing
 * that changes anything. No VS Code, so the Local Lambda tests drive it through the real SDK.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { FunctionConfiguration, LambdaApi } from '../../aws/lambda';
import { WorkbenchError } from '../../aws/errors';
import { errorMessage } from '../../shared/errors';
import { checkZippedSize, describePackageSize, PackageTooLargeError } from '../../workbench/packaging/limits';
import { packageFolder } from '../../workbench/packaging/packageFolder';
import { deployedConfig, diffConfig, isFromTemplate, type FieldChange, type TemplateFunction } from './plan';

export interface PackageInfo {
  /** The folder that was zipped. */
  folder: string;
  /** `sam build`'s output for the function, the Local Lambda's esbuild bundle of it, or its CodeUri folder as it is. */
  from: 'sam-build' | 'local-build' | 'code-folder';
  zip: Uint8Array;
  /** Base64 SHA-256, as Lambda reports CodeSha256. */
  sha256: string;
  zippedBytes: number;
  unzippedBytes: number;
  fileCount: number;
  /** "1.2 MB zipped of 50 MB · 3.4 MB unzipped of 250 MB". */
  sizeText: string;
}

export interface FunctionPlan {
  fn: TemplateFunction;
  /** The template as the created function's tag records it (see templateKey). */
  templateKey: string;
  action: 'create' | 'update';
  /** What was read for the plan; its RevisionId guards the first update. */
  deployed?: FunctionConfiguration;
  /** The function exists but was not made from this template function (its tags say otherwise). */
  foreign: boolean;
  pkg?: PackageInfo;
  /** The package differs from the deployed code (always true for a new function). */
  codeChanged: boolean;
  changes: FieldChange[];
  /** Reasons this function is not deployed; the plan shows them and nothing is sent for it. */
  blockers: string[];
  warnings: string[];
}

export type PlanApi = Pick<LambdaApi, 'getFunction'>;

/** The Local Lambda's build of a template function: its bundle's folder and handler, or why there is none. */
export type LocalBuild = (fn: TemplateFunction) => Promise<{ folder: string; handler: string } | { reason: string }>;

async function isFolder(folder: string): Promise<boolean> {
  return (await fs.stat(folder).catch(() => undefined))?.isDirectory() ?? false;
}

async function exists(file: string): Promise<boolean> {
  return (await fs.stat(file).catch(() => undefined)) !== undefined;
}

/**
 * The folder that makes the package: what `sam build` wrote for the function
 * (`.aws-sam/build/<LogicalId>`, dependencies and bundles included) when it is there; for a
 * function bundled with esbuild, the bundle the Local Lambda's build step makes of it (when
 * `localBuild` is given); else the CodeUri folder as it is, which suits functions that need no
 * build.
 */
export async function packageSource(fn: TemplateFunction, localBuild?: LocalBuild): Promise<{ folder: string; from: PackageInfo['from']; blockers: string[]; warnings: string[]; handler?: string }> {
  const blockers: string[] = [];
  const warnings: string[] = [];
  const built = path.join(path.dirname(fn.templateFile), '.aws-sam', 'build', fn.logicalId);
  if (await isFolder(built)) return { folder: built, from: 'sam-build', blockers, warnings };
  const folder = fn.codeDir ?? '';
  if (!(await isFolder(folder))) {
    blockers.push(`its code folder ${folder || '(none)'} does not exist`);
    return { folder, from: 'code-folder', blockers, warnings };
  }
  if (fn.buildMethod === 'esbuild' && localBuild) {
    let built: Awaited<ReturnType<LocalBuild>>;
    try {
      built = await localBuild(fn);
    } catch (err) {
      blockers.push(`the Local Lambda could not build it: ${errorMessage(err)}`);
      return { folder, from: 'code-folder', blockers, warnings };
    }
    if ('folder' in built) {
      if (fn.desired && built.handler !== fn.desired.handler) {
        warnings.push(`the bundle keeps its entry point's folder, so the deployed handler is ${built.handler} (the template says ${fn.desired.handler})`);
      }
      return { folder: built.folder, from: 'local-build', blockers, warnings, handler: built.handler };
    }
    blockers.push(`${built.reason} Run \`sam build\` first`);
  } else if (fn.buildMethod === 'esbuild' || fn.buildMethod === 'makefile') {
    blockers.push(`it is built with ${fn.buildMethod} (Metadata BuildMethod), and there is no build output in ${path.relative(path.dirname(fn.templateFile), built)}; run \`sam build\` first`);
  } else if (fn.desired?.runtime.startsWith('python') && (await exists(path.join(folder, 'requirements.txt')))) {
    warnings.push('requirements.txt lists packages, but the package holds the folder as it is (no `sam build` output): install them into the folder or run `sam build`');
  } else if (fn.desired?.runtime.startsWith('nodejs') && (await exists(path.join(folder, 'package.json'))) && !(await isFolder(path.join(folder, 'node_modules')))) {
    const pkg = JSON.parse(await fs.readFile(path.join(folder, 'package.json'), 'utf8').catch(() => '{}')) as { dependencies?: Record<string, string> };
    if (pkg && typeof pkg === 'object' && pkg.dependencies && Object.keys(pkg.dependencies).length) {
      warnings.push('package.json has dependencies but there is no node_modules folder (and no `sam build` output): run `npm install --omit=dev` or `sam build`');
    }
  }
  return { folder, from: 'code-folder', blockers, warnings };
}

/** Zips the package reproducibly; over Lambda's limits it is refused here, before any upload. */
export async function buildPackage(folder: string, from: PackageInfo['from']): Promise<PackageInfo> {
  const pkg = await packageFolder(folder);
  checkZippedSize(pkg, folder);
  return {
    folder, from, zip: pkg.zip, sha256: pkg.sha256, zippedBytes: pkg.zippedBytes, unzippedBytes: pkg.unzippedBytes,
    fileCount: pkg.entries.length, sizeText: describePackageSize(pkg),
  };
}

/** The template's path as the tags record it: relative to the workspace folder, `/` separators. */
export function templateKey(workspaceFolder: string, templateFile: string): string {
  return path.relative(workspaceFolder, templateFile).split(path.sep).join('/') || path.basename(templateFile);
}

/** Plans one function: package, what is deployed, the diff, and what stops it. */
export async function planFunction(api: PlanApi, fn: TemplateFunction, key: string, localBuild?: LocalBuild): Promise<FunctionPlan> {
  const blockers = [...fn.blockers];
  const warnings = [...fn.warnings];
  let pkg: PackageInfo | undefined;
  const template = fn;
  if (fn.codeDir !== undefined && blockers.length === 0) {
    const source = await packageSource(fn, localBuild);
    // A bundle's handler is what the deployed function must name.
    if (source.handler && fn.desired && source.handler !== fn.desired.handler) fn = { ...fn, desired: { ...fn.desired, handler: source.handler } };
    blockers.push(...source.blockers);
    warnings.push(...source.warnings);
    if (source.blockers.length === 0) {
      try {
        pkg = await buildPackage(source.folder, source.from);
      } catch (error) {
        blockers.push(error instanceof PackageTooLargeError ? error.message : `its package could not be made: ${errorMessage(error)}`);
      }
    }
  }
  let deployed: FunctionConfiguration | undefined;
  let tags: Record<string, string> | undefined;
  try {
    const got = await api.getFunction(fn.functionName);
    deployed = got.Configuration;
    tags = got.Tags;
  } catch (error) {
    if (!(error instanceof WorkbenchError && error.kind === 'notFound')) throw error;
  }
  const action = deployed ? 'update' : 'create';
  const foreign = deployed !== undefined && !isFromTemplate(tags, template, key);
  if (deployed?.PackageType === 'Image') blockers.push(`${fn.functionName} is deployed as a container image there; its code cannot be replaced with a .zip package`);
  const changes = fn.desired ? diffConfig(fn.desired, deployed ? deployedConfig(deployed) : undefined) : [];
  const codeChanged = !deployed || !pkg || deployed.CodeSha256 !== pkg.sha256;
  return { fn, templateKey: key, action, deployed, foreign, pkg, codeChanged, changes, blockers, warnings };
}

/** Whether anything would be sent for a plan (a change of code or configuration, or a new function). */
export function hasWork(plan: FunctionPlan): boolean {
  return plan.action === 'create' || plan.codeChanged || plan.changes.some((c) => c.changed);
}
