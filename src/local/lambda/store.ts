import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { ApiError } from '../http';
import { insideRootAs, makeDir, parseStateJson, readStateText, restrictTree, tmpNameFor, writeFileAtomic, writeJsonAtomic } from '../persist';
import {
  functionArn, lambdaTimestamp,
  type AliasRecord, type CodeRef, type EventInvokeConfigRecord, type FunctionRecord, type FunctionSettings, type StateFile, type VersionRecord,
} from './model';
import { validateState } from './stateSchema';
import { invalid, validateRoutingWeights } from './validation';
import { copyFolder, sha256Base64, unzipTo, zipFolder } from './zip';
import type { FunctionBuild } from '../types';

export const STATE_FILE = 'lambda-state.json';

export function notFound(name: string, qualifier?: string): ApiError {
  return new ApiError(404, 'ResourceNotFoundException', `Function not found: ${functionArn(name, qualifier)}`);
}

export function preconditionFailed(what: 'GetFunction' | 'GetAlias'): ApiError {
  return new ApiError(412, 'PreconditionFailedException',
    `The Revision Id provided does not match the latest Revision Id. Call the ${what} API to retrieve the latest Revision Id`);
}

/**
 * The settings as text with keys sorted at every depth, so equal settings compare equal. (A key
 * list given to JSON.stringify would also filter nested objects: environment variables were
 * left out, and a change to them alone did not publish a new version.)
 */
function settingsKey(s: FunctionSettings): string {
  return JSON.stringify(s, (_key, value: unknown) => (value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : value));
}

/** $LATEST first, then versions by number, then aliases by name: the order configs are listed in. */
function qualifierOrder(a: string, b: string): number {
  const rank = (q: string) => (q === '$LATEST' ? 0 : /^[0-9]+$/.test(q) ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (rank(a) === 1) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function hashSettings(s: FunctionSettings): string {
  return createHash('sha256').update(settingsKey(s)).digest('hex');
}

/** Functions, versions and aliases, kept in memory and written to one JSON file on every change. */
export class LambdaStore {
  private state: StateFile = { formatVersion: 1, functions: {}, appliedTemplateResources: {} };
  private sorted: FunctionRecord[] | undefined;
  private readonly file: string;
  /** Layer ARN (with its version, or without one for any version) → local folder; set at every load, not saved. */
  private readonly layerFolders = new Map<string, string>();

  constructor(readonly dataDir: string) {
    this.file = path.join(dataDir, STATE_FILE);
  }

  /**
   * Loads the state file, checked whole (stateSchema); throws CorruptStateError when it exists
   * but is not a valid state, having written nothing.
   */
  load(): void {
    const text = readStateText(this.file);
    if (text === undefined) return;
    this.state = validateState(this.file, this.dataDir, parseStateJson(this.file, text));
    this.sorted = undefined;
  }

  /** Where code of a function lives in the data folder: `code/<name>/<leaf>`, refused if it would lead outside. */
  private codePath(name: string, leaf: string): { rel: string; abs: string } {
    const abs = insideRootAs('Function name', this.dataDir, 'code', name, leaf);
    return { rel: path.relative(this.dataDir, abs), abs };
  }

  /** A stored relative path (from the state) resolved inside the data folder. */
  private stored(rel: string): string {
    return insideRootAs('Stored code path', this.dataDir, ...rel.split(/[\\/]/).filter((p) => p !== ''));
  }

  /** The folders below the data folder where uploads and layers are unpacked under temporary names. */
  static tmpFolders(dataDir: string): string[] {
    const codeRoot = path.join(dataDir, 'code');
    let perFunction: string[] = [];
    try {
      perFunction = fs.readdirSync(codeRoot, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(codeRoot, e.name));
    } catch { /* no uploads yet */ }
    return [codeRoot, ...perFunction, path.join(dataDir, 'layers')];
  }

  save(): void {
    writeJsonAtomic(this.file, this.state);
  }

  /** Functions sorted by name; the order is cached until a function is added or removed. */
  list(): FunctionRecord[] {
    this.sorted ??= Object.values(this.state.functions).sort((a, b) => a.name.localeCompare(b.name));
    return this.sorted;
  }

  find(name: string): FunctionRecord | undefined {
    return Object.prototype.hasOwnProperty.call(this.state.functions, name) ? this.state.functions[name] : undefined;
  }

  get(name: string, qualifier?: string): FunctionRecord {
    const fn = this.find(name);
    if (!fn) throw notFound(name, qualifier);
    return fn;
  }

  appliedValue(key: string): string | undefined {
    const applied = this.state.appliedTemplateResources;
    return Object.prototype.hasOwnProperty.call(applied, key) ? applied[key] : undefined;
  }

  markApplied(key: string, value: string): void {
    this.state.appliedTemplateResources[key] = value;
    this.save();
  }

  /** Makes a layer ARN run from a local folder (an ARN without version stands for every version). */
  setLayerFolder(arn: string, dir: string): void {
    this.layerFolders.set(arn, dir);
  }

  /** The local folder of a layer version ARN: its own mapping, else its layer's. */
  layerFolder(arn: string): string | undefined {
    return this.layerFolders.get(arn) ?? this.layerFolders.get(arn.replace(/:\d+$/, ''));
  }

  codeDirOf(code: CodeRef): string {
    return code.live ? code.dir : this.stored(code.dir);
  }

  /** The zip bytes of a version's code (zipped fresh from a live folder). */
  zipOf(code: CodeRef): Buffer {
    return code.zip ? fs.readFileSync(this.stored(code.zip)) : zipFolder(code.dir);
  }

  /** Stores an uploaded zip under a content-addressed folder, which therefore never changes. */
  storeZip(name: string, zip: Buffer): CodeRef {
    const sha256 = sha256Base64(zip);
    const id = createHash('sha256').update(zip).digest('hex').slice(0, 32);
    const { rel, abs } = this.codePath(name, id);
    if (!fs.existsSync(abs)) {
      makeDir(path.dirname(abs));
      // Unpacked under a temporary name so a refused or interrupted upload leaves no half folder.
      const tmp = tmpNameFor(abs);
      try {
        unzipTo(zip, tmp);
        restrictTree(tmp);
        writeFileAtomic(`${abs}.zip`, zip);
        fs.renameSync(tmp, abs);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    }
    return { dir: rel, live: false, zip: `${rel}.zip`, sha256, size: zip.length };
  }

  /** A live workspace folder as code; its hash is that of a deterministic zip of the folder. */
  static liveCode(dir: string): CodeRef {
    const zip = zipFolder(dir);
    return { dir, live: true, sha256: sha256Base64(zip), size: zip.length };
  }

  create(name: string, source: FunctionRecord['source'], settings: FunctionSettings, code: CodeRef,
    extra: Partial<FunctionRecord> = {}): FunctionRecord {
    if (this.find(name)) {
      throw new ApiError(409, 'ResourceConflictException', `Function already exist: ${name}`);
    }
    const fn: FunctionRecord = {
      name, source, versions: [], aliases: [], nextVersion: 1, tags: {},
      latest: { version: '$LATEST', settings, code, lastModified: lambdaTimestamp(), revisionId: randomUUID() },
      ...extra,
    };
    Object.defineProperty(this.state.functions, name, { value: fn, enumerable: true, writable: true, configurable: true }); // "__proto__" is a valid function name
    this.sorted = undefined;
    this.save();
    return fn;
  }

  /** Throws 412 when a RevisionId is given and is not the function's current one. */
  checkRevision(fn: FunctionRecord, revisionId: unknown): void {
    if (revisionId !== undefined && revisionId !== null && revisionId !== fn.latest.revisionId) {
      throw preconditionFailed('GetFunction');
    }
  }

  private touch(fn: FunctionRecord): void {
    fn.latest.lastModified = lambdaTimestamp();
    fn.latest.revisionId = randomUUID();
    this.save();
  }

  updateSettings(fn: FunctionRecord, patch: Partial<FunctionSettings>, revisionId?: unknown): FunctionRecord {
    this.checkRevision(fn, revisionId);
    fn.latest.settings = { ...fn.latest.settings, ...patch };
    this.touch(fn);
    return fn;
  }

  updateCode(fn: FunctionRecord, code: CodeRef, revisionId?: unknown, architectures?: FunctionSettings['architectures']): FunctionRecord {
    this.checkRevision(fn, revisionId);
    fn.latest.code = code;
    if (architectures) fn.latest.settings = { ...fn.latest.settings, architectures };
    this.touch(fn);
    return fn;
  }

  /** An update's end: $LATEST gets a new revision, as on AWS when LastUpdateStatus leaves InProgress. */
  completeUpdate(fn: FunctionRecord): void {
    fn.latest.revisionId = randomUUID();
    this.save();
  }

  /**
   * Publishes $LATEST as a new immutable version. Unchanged code and settings give back the
   * newest existing version, unless `force` (template Version resources always publish).
   */
  publish(fn: FunctionRecord, opts: { description?: string; revisionId?: unknown; codeSha256?: unknown; force?: boolean } = {}): { version: VersionRecord; created: boolean } {
    this.checkRevision(fn, opts.revisionId);
    let code = fn.latest.code;
    if (code.live) code = LambdaStore.liveCode(code.dir);
    if (opts.codeSha256 !== undefined && opts.codeSha256 !== code.sha256) {
      throw invalid(`CodeSHA256 (${String(opts.codeSha256)}) is different from current CodeSHA256 in $LATEST (${code.sha256}). Please try again with the CodeSHA256 in $LATEST.`);
    }
    const last = fn.versions[fn.versions.length - 1];
    if (!opts.force && last && last.code.sha256 === code.sha256 &&
        settingsKey(last.settings) === settingsKey(fn.latest.settings)) {
      return { version: last, created: false };
    }
    const version = String(fn.nextVersion);
    if (code.live) {
      // Snapshot the workspace folder so the version stays as published.
      const { rel, abs } = this.codePath(fn.name, `v${version}`);
      fs.rmSync(abs, { recursive: true, force: true });
      makeDir(path.dirname(abs));
      copyFolder(code.dir, abs);
      restrictTree(abs);
      const zip = zipFolder(abs);
      writeFileAtomic(`${abs}.zip`, zip);
      code = { dir: rel, live: false, zip: `${rel}.zip`, sha256: sha256Base64(zip), size: zip.length };
    }
    const record: VersionRecord = {
      version,
      settings: structuredClone(fn.latest.settings),
      code,
      versionDescription: opts.description ?? fn.latest.settings.description,
      lastModified: lambdaTimestamp(),
      revisionId: randomUUID(),
    };
    fn.versions.push(record);
    fn.nextVersion += 1;
    fn.latest.revisionId = randomUUID();
    this.save();
    return { version: record, created: true };
  }

  /** A published version, or undefined. */
  version(fn: FunctionRecord, version: string): VersionRecord | undefined {
    return fn.versions.find((v) => v.version === version);
  }

  alias(fn: FunctionRecord, name: string): AliasRecord {
    const alias = fn.aliases.find((a) => a.name === name);
    if (!alias) {
      throw new ApiError(404, 'ResourceNotFoundException', `Alias not found: ${functionArn(fn.name, name)}`);
    }
    return alias;
  }

  private checkAliasTarget(fn: FunctionRecord, functionVersion: string, weights: Record<string, number>): void {
    if (functionVersion !== '$LATEST' && !this.version(fn, functionVersion)) {
      throw new ApiError(404, 'ResourceNotFoundException', `Function not found: ${functionArn(fn.name, functionVersion)}`);
    }
    const extra = Object.keys(weights);
    if (extra.length === 0) return;
    if (functionVersion === '$LATEST') {
      throw invalid('$LATEST is not supported for an alias pointing to more than 1 version');
    }
    for (const v of extra) {
      if (v === functionVersion) {
        throw invalid(`Invalid function version ${v}. Function version ${v} is already included in routing configuration.`);
      }
      if (!this.version(fn, v)) {
        throw new ApiError(404, 'ResourceNotFoundException', `Function not found: ${functionArn(fn.name, v)}`);
      }
    }
  }

  createAlias(fn: FunctionRecord, name: string, functionVersion: string, description: string, routing: unknown): AliasRecord {
    const weights = validateRoutingWeights(routing);
    if (fn.aliases.some((a) => a.name === name)) {
      throw new ApiError(409, 'ResourceConflictException', `Alias already exists: ${functionArn(fn.name, name)}`);
    }
    this.checkAliasTarget(fn, functionVersion, weights);
    const alias: AliasRecord = { name, functionVersion, description, weights, revisionId: randomUUID() };
    fn.aliases.push(alias);
    this.save();
    return alias;
  }

  updateAlias(fn: FunctionRecord, name: string, patch: { functionVersion?: string; description?: string; routing?: unknown; revisionId?: unknown }): AliasRecord {
    const alias = this.alias(fn, name);
    if (patch.revisionId !== undefined && patch.revisionId !== null && patch.revisionId !== alias.revisionId) {
      throw preconditionFailed('GetAlias');
    }
    const functionVersion = patch.functionVersion ?? alias.functionVersion;
    const weights = patch.routing !== undefined ? validateRoutingWeights(patch.routing) : alias.weights;
    this.checkAliasTarget(fn, functionVersion, weights);
    alias.functionVersion = functionVersion;
    alias.weights = weights;
    if (patch.description !== undefined) alias.description = patch.description;
    alias.revisionId = randomUUID();
    this.save();
    return alias;
  }

  deleteAlias(fn: FunctionRecord, name: string): void {
    fn.aliases = fn.aliases.filter((a) => a.name !== name);
    this.dropEventInvokeConfig(fn, name);
    this.save();
  }

  deleteFunction(fn: FunctionRecord, qualifier?: string): void {
    if (qualifier === '$LATEST') {
      throw invalid('$LATEST version cannot be deleted without deleting the function.');
    }
    if (qualifier === undefined) {
      delete this.state.functions[fn.name];
      this.sorted = undefined;
      fs.rmSync(insideRootAs('Function name', this.dataDir, 'code', fn.name), { recursive: true, force: true });
      this.save();
      return;
    }
    if (!/^[0-9]+$/.test(qualifier)) {
      throw invalid('Deletion of aliases is not currently supported. Use DeleteAlias to delete an alias.');
    }
    if (!this.version(fn, qualifier)) throw notFound(fn.name, qualifier);
    const users = fn.aliases.filter((a) => a.functionVersion === qualifier || qualifier in a.weights);
    if (users.length) {
      throw new ApiError(409, 'ResourceConflictException',
        `Unable to delete version because the following aliases reference it: [${users.map((a) => a.name).join(', ')}]`);
    }
    fn.versions = fn.versions.filter((v) => v.version !== qualifier);
    this.dropEventInvokeConfig(fn, qualifier);
    this.save();
  }

  /** The asynchronous invocation settings of one qualifier (`$LATEST`, a version or an alias). */
  eventInvokeConfig(fn: FunctionRecord, qualifier: string): EventInvokeConfigRecord | undefined {
    return fn.eventInvokeConfigs?.find((c) => c.qualifier === qualifier);
  }

  /** Sets (replaces) one qualifier's asynchronous invocation settings. */
  putEventInvokeConfig(fn: FunctionRecord, config: EventInvokeConfigRecord, save = true): EventInvokeConfigRecord {
    const others = (fn.eventInvokeConfigs ?? []).filter((c) => c.qualifier !== config.qualifier);
    fn.eventInvokeConfigs = [...others, config].sort((a, b) => qualifierOrder(a.qualifier, b.qualifier));
    if (save) this.save();
    return config;
  }

  deleteEventInvokeConfig(fn: FunctionRecord, qualifier: string): void {
    this.dropEventInvokeConfig(fn, qualifier);
    this.save();
  }

  /** Removes the configs a template gave to a function, before the template gives them again. */
  dropTemplateEventInvokeConfigs(fn: FunctionRecord): void {
    if (!fn.eventInvokeConfigs?.some((c) => c.fromTemplate)) return;
    fn.eventInvokeConfigs = fn.eventInvokeConfigs.filter((c) => !c.fromTemplate);
    if (fn.eventInvokeConfigs.length === 0) delete fn.eventInvokeConfigs;
    this.save();
  }

  private dropEventInvokeConfig(fn: FunctionRecord, qualifier: string): void {
    if (!fn.eventInvokeConfigs) return;
    fn.eventInvokeConfigs = fn.eventInvokeConfigs.filter((c) => c.qualifier !== qualifier);
    if (fn.eventInvokeConfigs.length === 0) delete fn.eventInvokeConfigs;
  }

  setConcurrency(fn: FunctionRecord, reserved: number | undefined): void {
    fn.reservedConcurrency = reserved;
    this.save();
  }

  totalReserved(except?: string): number {
    return this.list().reduce((sum, f) => sum + (f.name !== except ? f.reservedConcurrency ?? 0 : 0), 0);
  }

  /** Makes a template's settings and folder the function's $LATEST (creating the function if new). */
  applyTemplateFunction(name: string, templateFile: string, settings: FunctionSettings, code: CodeRef, warnings: readonly string[] = [],
    build?: FunctionBuild): FunctionRecord {
    const hash = hashSettings(settings);
    const existing = this.find(name);
    const notes = warnings.length ? { warnings: [...warnings] } : {};
    if (!existing) {
      return this.create(name, 'template', settings, code, { templateFile, templateHash: hash, templateCodeSha256: code.sha256, ...notes, ...(build ? { build } : {}) });
    }
    existing.source = 'template';
    existing.templateFile = templateFile;
    const told = [...warnings];
    // Code deployed here (UpdateFunctionCode, Quick Deploy) survives a restart while the template's
    // own code is what it was; once that changed, the template wins, and the person is told.
    const deployedHere = !existing.latest.code.live;
    const templateCodeChanged = existing.templateCodeSha256 !== undefined && existing.templateCodeSha256 !== code.sha256;
    if (!deployedHere || templateCodeChanged) {
      if (deployedHere) told.push(`The template's code for ${name} changed since code was deployed to it here, so $LATEST runs the template's code again; deploy again to run yours.`);
      existing.latest.code = code;
    }
    existing.templateCodeSha256 = code.sha256;
    if (build) existing.build = build;
    else delete existing.build;
    if (told.length) existing.warnings = told;
    else delete existing.warnings;
    if (existing.templateHash !== hash) {
      // The template changed since the last load: it wins over earlier API updates.
      existing.latest.settings = settings;
      existing.templateHash = hash;
      existing.latest.lastModified = lambdaTimestamp();
      existing.latest.revisionId = randomUUID();
    }
    this.save();
    return existing;
  }
}
