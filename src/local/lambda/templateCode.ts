import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import ignore from 'ignore';
import type { CodeRef } from './model';
import { LambdaStore } from './store';
import { TASK_ROOT, type ImagePlan } from './dockerfile';
import { unzipTo } from './zip';
import { insideRootAs, isInside, makeDir, realpathOfExisting, restrictFile, restrictTree, tmpNameFor } from '../persist';

/**
 * Where a template's code is on disk: a folder used live, a .zip unpacked once into the data
 * folder, a single source file given a folder of its own, or the files an image's Dockerfile
 * copies. Nothing a template says may lead outside the folder the Local Lambda serves; the data
 * folder paths written here come from validated function names and content hashes only.
 */

/** A template problem that knows the line it is about. */
export class TemplateError extends Error {
  constructor(message: string, readonly line?: number) {
    super(message);
  }
}

/**
 * `value` (a path from the template, relative to `base`) as an absolute path inside `root`,
 * following symbolic links; throws a TemplateError when it leads outside.
 */
export function resolveInside(root: string, base: string, value: string, what: string, line?: number, rootIs: 'served' | 'context' = 'served'): string {
  const target = path.resolve(base, value);
  if (!isInside(root, target) || !isInside(realpathOfExisting(root), realpathOfExisting(target))) {
    throw new TemplateError(rootIs === 'context'
      ? `${what} ${value} leads outside the build context ${root}.`
      : `${what} ${value} leads outside the folder the Local Lambda serves (${root}); only code inside it is run.`, line);
  }
  return target;
}

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** A hard link where the file system allows it (so edits to the file show through), else a copy. */
function linkOrCopy(src: string, dest: string): void {
  makeDir(path.dirname(dest));
  fs.rmSync(dest, { force: true });
  try {
    fs.linkSync(src, dest);
  } catch {
    fs.copyFileSync(src, dest);
    restrictFile(dest);
  }
}

/**
 * A folder's files mirrored into `dest` (links or copies); node_modules folders become one link
 * each. The data folder is never mirrored (it may sit inside the build context, holding `dest`).
 */
function mirrorFolder(src: string, dest: string, skip: (relative: string, isDir: boolean) => boolean, dataDir: string, relative = ''): void {
  makeDir(dest);
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    const from = path.join(src, entry.name);
    const to = path.join(dest, entry.name);
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && statOf(from)?.isDirectory() === true);
    if (skip(rel, isDir) || isInside(dataDir, from)) continue;
    if (isDir && entry.name === 'node_modules') {
      linkFolder(from, to);
    } else if (isDir) {
      mirrorFolder(from, to, skip, dataDir, rel);
    } else if (statOf(from)?.isFile()) {
      linkOrCopy(from, to);
    }
  }
}

/** A symbolic link to a folder (a junction on Windows, which needs no privileges), else a copy. */
function linkFolder(src: string, dest: string): void {
  fs.rmSync(dest, { recursive: true, force: true });
  try {
    fs.symlinkSync(src, dest, 'junction');
  } catch {
    fs.cpSync(src, dest, { recursive: true });
  }
}

/** A data-folder location for one function's derived code, emptied; refused when the name would lead outside. */
function freshDir(dataDir: string, kind: 'file' | 'image', name: string): string {
  const dir = insideRootAs('Function name', dataDir, 'template-code', kind, name);
  fs.rmSync(dir, { recursive: true, force: true });
  makeDir(dir);
  return dir;
}

/**
 * The code of a function whose CodeUri (or Code) is `abs`: a folder runs live; a .zip is
 * unpacked once per content into the data folder; any other file gets a folder of its own
 * holding just that file (linked, so edits show through where the file system allows).
 */
export function codeFromLocation(store: LambdaStore, name: string, abs: string, what: string, line?: number): { code: CodeRef; note?: string } {
  const stat = statOf(abs);
  if (!stat) throw new TemplateError(`${what}: ${abs} does not exist.`, line);
  if (stat.isDirectory()) return { code: LambdaStore.liveCode(abs) };
  if (!stat.isFile()) throw new TemplateError(`${what}: ${abs} is neither a folder nor a file.`, line);
  if (/\.zip$/i.test(abs)) {
    return { code: store.storeZip(name, fs.readFileSync(abs)) };
  }
  const dir = freshDir(store.dataDir, 'file', name);
  linkOrCopy(abs, path.join(dir, path.basename(abs)));
  return { code: LambdaStore.liveCode(dir) };
}

/** A layer's content as a folder: a folder as it is, a .zip unpacked once per content into the data folder. */
export function layerFolderOf(dataDir: string, abs: string, what: string, line?: number): string {
  const stat = statOf(abs);
  if (!stat) throw new TemplateError(`${what}: ${abs} does not exist.`, line);
  if (stat.isDirectory()) return abs;
  if (!stat.isFile() || !/\.zip$/i.test(abs)) throw new TemplateError(`${what}: ${abs} must be a folder or a .zip file.`, line);
  const zip = fs.readFileSync(abs);
  const dir = insideRootAs('Layer content', dataDir, 'layers', createHash('sha256').update(zip).digest('hex').slice(0, 32));
  if (!fs.existsSync(dir)) {
    makeDir(path.dirname(dir));
    const tmp = tmpNameFor(dir);
    try {
      unzipTo(zip, tmp);
      restrictTree(tmp);
      fs.renameSync(tmp, dir);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return dir;
}

/** Whether `name` matches a Dockerfile source pattern (`*`, `?` and `[...]` within one path segment). */
function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) out += '\\[';
      else {
        out += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** The context paths a COPY source names: itself, or what its pattern matches (relative, POSIX). */
function expandSource(context: string, source: string): string[] {
  const clean = source.replace(/^\.\/+/, '').replace(/\/+$/, '') || '.';
  if (!/[*?[]/.test(clean)) return [clean];
  const segments = clean.split('/');
  let found = [''];
  for (const segment of segments) {
    const next: string[] = [];
    for (const base of found) {
      if (!/[*?[]/.test(segment)) {
        next.push(base ? `${base}/${segment}` : segment);
        continue;
      }
      const re = globToRegExp(segment);
      let entries: string[] = [];
      try {
        entries = fs.readdirSync(path.join(context, base));
      } catch { /* no such folder: nothing matches */ }
      for (const name of entries.sort()) if (re.test(name)) next.push(base ? `${base}/${name}` : name);
    }
    found = next;
  }
  return found.filter((rel) => fs.existsSync(path.join(context, rel)));
}

/**
 * The function folder an image would hold at /var/task, built in the data folder from the
 * Dockerfile's COPY and ADD lines (respecting .dockerignore). For an npm install, the build
 * context's own node_modules (a local install) is linked in; they are returned.
 */
export function buildImageTask(
  store: LambdaStore, name: string, root: string, context: string, plan: ImagePlan, dockerfileLabel: string,
): { dir: string; linkedNodeModules: string[] } {
  const task = freshDir(store.dataDir, 'image', name);
  let ignored: (rel: string, isDir: boolean) => boolean = () => false;
  const ignoreFile = path.join(context, '.dockerignore');
  if (fs.existsSync(ignoreFile)) {
    // gitignore rules; Docker anchors a pattern without "/" at the context root, these also match deeper.
    const matcher = ignore().add(fs.readFileSync(ignoreFile, 'utf8'));
    ignored = (rel, isDir) => rel !== '.' && matcher.ignores(isDir ? `${rel}/` : rel);
  }
  const inTask = (imagePath: string) => {
    const parts = path.posix.relative(TASK_ROOT, imagePath).split('/').filter(Boolean);
    if (parts.length === 0) return task;
    try {
      return insideRootAs('Destination', task, ...parts);
    } catch {
      throw new TemplateError(`${dockerfileLabel}: ${imagePath} is outside ${TASK_ROOT}, where the function's files are; only copies into it can run without a container.`);
    }
  };
  for (const copy of plan.copies) {
    const where = `${dockerfileLabel}:${copy.line}`;
    const sources = copy.sources.flatMap((source) => {
      const matches = expandSource(context, source);
      if (matches.length === 0) throw new TemplateError(`${where}: ${copy.instruction} source ${source} is not in the build context ${context}.`);
      return matches;
    });
    for (const rel of sources) {
      const from = resolveInside(context, context, rel, `${where}: ${copy.instruction} source`, undefined, 'context');
      resolveInside(root, context, rel, `${where}: ${copy.instruction} source`);
      if (rel !== '.' && ignored(rel, statOf(from)?.isDirectory() ?? false)) continue;
      const stat = statOf(from);
      if (!stat) throw new TemplateError(`${where}: ${copy.instruction} source ${rel} is not in the build context ${context}.`);
      if (stat.isDirectory()) {
        const prefix = rel === '.' ? '' : rel;
        mirrorFolder(from, inTask(copy.dest), (r, isDir) => ignored(prefix ? `${prefix}/${r}` : r, isDir), store.dataDir);
      } else {
        linkOrCopy(from, copy.destIsDir ? path.join(inTask(copy.dest), path.basename(rel)) : inTask(copy.dest));
      }
    }
  }
  const linkedNodeModules: string[] = [];
  for (const install of plan.installs) {
    if (install.tool !== 'npm') continue;
    const target = inTask(install.workdir);
    const manifest = path.join(target, 'package.json');
    if (!fs.existsSync(manifest) || fs.existsSync(path.join(target, 'node_modules'))) continue;
    // The usual Dockerfile copies package.json from the context's top folder, where a local install puts node_modules.
    const installed = path.join(context, 'node_modules');
    if (statOf(installed)?.isDirectory()) {
      linkFolder(installed, path.join(target, 'node_modules'));
      linkedNodeModules.push(installed);
    }
  }
  return { dir: task, linkedNodeModules };
}
