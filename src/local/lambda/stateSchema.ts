import * as path from 'node:path';
import { ALIAS_NAME_PATTERN, DESCRIPTION_MAX_LENGTH, FUNCTION_NAME_PATTERN, SETTING_LIMITS, VERSION_PATTERN } from '../../shared/lambda/limits';
import { CorruptStateError, PathEscapeError, insideRoot } from '../persist';
import type { AliasRecord, CodeRef, EventInvokeConfigRecord, FunctionRecord, FunctionSettings, StateFile, VersionRecord } from './model';
import { EVENT_INVOKE_LIMITS, destinationProblem } from '../../shared/lambda/eventInvoke';

/**
 * The whole state file checked at load, before anything runs or is written: every field's type
 * and the invariants the store relies on (names valid and matching their keys, versions ascending
 * below nextVersion, aliases pointing at existing versions, `latest` present, stored code inside
 * the data folder). The first problem is thrown as a CorruptStateError naming the record and the
 * field. Fields this version does not know are kept as they are, so a newer setting survives.
 */

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Far above any real count, below anything that loses precision or overflows a loop. */
const MAX_VERSION_NUMBER = 1_000_000_000;
const MAX_STRING = 1024 * 1024;

class Checker {
  constructor(private readonly file: string, private readonly dataDir: string, private record?: string) {}

  at(record: string): Checker {
    return new Checker(this.file, this.dataDir, record);
  }

  fail(field: string | undefined, detail: string): never {
    throw new CorruptStateError(this.file, detail, { record: this.record, field });
  }

  /**
   * A record of a fixed shape refuses `__proto__`, `constructor` and `prototype`; a map keyed by
   * names people choose (functions, environment variables, tags, weights) may hold them, since
   * Lambda allows such names and the stores keep them as plain own properties.
   */
  object(v: unknown, field: string | undefined, keys: 'fixed' | 'names' = 'fixed'): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(field, `expected an object, found ${kindOf(v)}`);
    const o = v as Record<string, unknown>;
    if (keys === 'names') return o;
    for (const key of Object.keys(o)) {
      if (FORBIDDEN_KEYS.has(key)) this.fail(field === undefined ? key : `${field}.${key}`, 'this key is not allowed');
    }
    return o;
  }

  array(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v)) this.fail(field, `expected an array, found ${kindOf(v)}`);
    return v;
  }

  string(v: unknown, field: string, max = MAX_STRING): string {
    if (typeof v !== 'string') this.fail(field, `expected a string, found ${kindOf(v)}`);
    if (v.length > max) this.fail(field, `a string of ${v.length} characters is longer than ${max}`);
    return v;
  }

  optionalString(v: unknown, field: string, max = MAX_STRING): void {
    if (v !== undefined) this.string(v, field, max);
  }

  integer(v: unknown, field: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(field, `expected an integer, found ${kindOf(v)}`);
    if (v < min || v > max) this.fail(field, `${v} is outside ${min}..${max}`);
    return v;
  }

  stringMap(v: unknown, field: string): void {
    const o = this.object(v, field, 'names');
    for (const [k, value] of Object.entries(o)) this.string(value, `${field}.${k}`);
  }

  stringArray(v: unknown, field: string): void {
    this.array(v, field).forEach((item, i) => this.string(item, `${field}[${i}]`));
  }

  settings(v: unknown, field: string): FunctionSettings {
    const s = this.object(v, field);
    this.string(s.runtime, `${field}.runtime`, 128);
    this.string(s.handler, `${field}.handler`, 256);
    this.string(s.role, `${field}.role`, 2048);
    this.integer(s.memorySize, `${field}.memorySize`, SETTING_LIMITS.memorySize.min, SETTING_LIMITS.memorySize.max);
    this.integer(s.timeout, `${field}.timeout`, SETTING_LIMITS.timeout.min, SETTING_LIMITS.timeout.max);
    this.integer(s.ephemeralStorage, `${field}.ephemeralStorage`, SETTING_LIMITS.ephemeralStorage.min, SETTING_LIMITS.ephemeralStorage.max);
    this.string(s.description, `${field}.description`, DESCRIPTION_MAX_LENGTH);
    this.stringMap(s.environment, `${field}.environment`);
    this.stringArray(s.architectures, `${field}.architectures`);
    this.stringArray(s.layers, `${field}.layers`);
    return s as unknown as FunctionSettings;
  }

  /** A stored path of uploaded or published code: relative, and inside the data folder. */
  private storedPath(v: unknown, field: string): void {
    const rel = this.string(v, field, 4096);
    try {
      insideRoot(this.dataDir, ...rel.split(/[\\/]/).filter((p) => p !== ''));
    } catch (err) {
      if (err instanceof PathEscapeError) this.fail(field, `${JSON.stringify(rel)} does not lead inside the data folder`);
      throw err;
    }
    if (path.isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) this.fail(field, `${JSON.stringify(rel)} does not lead inside the data folder`);
  }

  code(v: unknown, field: string): CodeRef {
    const c = this.object(v, field);
    if (typeof c.live !== 'boolean') this.fail(`${field}.live`, `expected true or false, found ${kindOf(c.live)}`);
    if (c.live) {
      const dir = this.string(c.dir, `${field}.dir`, 4096);
      if (!path.isAbsolute(dir)) this.fail(`${field}.dir`, `a live code folder must be an absolute path, not ${JSON.stringify(dir)}`);
      if (c.zip !== undefined) this.fail(`${field}.zip`, 'live code has no stored zip');
    } else {
      this.storedPath(c.dir, `${field}.dir`);
      if (c.zip === undefined) this.fail(`${field}.zip`, 'missing (stored code keeps its zip)');
      this.storedPath(c.zip, `${field}.zip`);
    }
    this.string(c.sha256, `${field}.sha256`, 64);
    this.integer(c.size, `${field}.size`, 0, Number.MAX_SAFE_INTEGER);
    return c as unknown as CodeRef;
  }

  version(v: unknown, field: string, expected?: '$LATEST'): VersionRecord {
    if (v === undefined) this.fail(field, 'missing');
    const r = this.object(v, field);
    const version = this.string(r.version, `${field}.version`, 16);
    if (expected !== undefined && version !== expected) this.fail(`${field}.version`, `expected "${expected}", found ${JSON.stringify(version)}`);
    if (expected === undefined) {
      if (!VERSION_PATTERN.test(version)) this.fail(`${field}.version`, `${JSON.stringify(version)} is not a version number`);
      this.integer(Number(version), `${field}.version`, 1, MAX_VERSION_NUMBER);
    }
    this.settings(r.settings, `${field}.settings`);
    this.code(r.code, `${field}.code`);
    this.optionalString(r.versionDescription, `${field}.versionDescription`, DESCRIPTION_MAX_LENGTH);
    this.string(r.lastModified, `${field}.lastModified`, 64);
    this.string(r.revisionId, `${field}.revisionId`, 64);
    return r as unknown as VersionRecord;
  }

  alias(v: unknown, field: string, versions: Set<string>): AliasRecord {
    const a = this.object(v, field);
    const name = this.string(a.name, `${field}.name`, 128);
    if (!ALIAS_NAME_PATTERN.test(name)) this.fail(`${field}.name`, `${JSON.stringify(name)} is not a valid alias name`);
    const target = this.string(a.functionVersion, `${field}.functionVersion`, 16);
    if (target !== '$LATEST' && !versions.has(target)) this.fail(`${field}.functionVersion`, `version ${JSON.stringify(target)} does not exist`);
    this.string(a.description, `${field}.description`, DESCRIPTION_MAX_LENGTH);
    const weights = this.object(a.weights, `${field}.weights`, 'names');
    for (const [version, weight] of Object.entries(weights)) {
      const wf = `${field}.weights.${version}`;
      if (!versions.has(version)) this.fail(wf, `version ${JSON.stringify(version)} does not exist`);
      if (version === target) this.fail(wf, 'the alias\'s own version cannot also be weighted');
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1) {
        this.fail(wf, `expected a weight from 0 to 1, found ${kindOf(weight)}`);
      }
    }
    this.string(a.revisionId, `${field}.revisionId`, 64);
    return a as unknown as AliasRecord;
  }

  eventInvokeConfig(v: unknown, field: string, qualifiers: Set<string>): EventInvokeConfigRecord {
    const c = this.object(v, field);
    const qualifier = this.string(c.qualifier, `${field}.qualifier`, 128);
    if (!qualifiers.has(qualifier)) this.fail(`${field}.qualifier`, `${JSON.stringify(qualifier)} is neither $LATEST nor a version or alias of the function`);
    const { maximumRetryAttempts: retries, maximumEventAgeInSeconds: age } = EVENT_INVOKE_LIMITS;
    if (c.maximumRetryAttempts !== undefined) this.integer(c.maximumRetryAttempts, `${field}.maximumRetryAttempts`, retries.min, retries.max);
    if (c.maximumEventAgeInSeconds !== undefined) this.integer(c.maximumEventAgeInSeconds, `${field}.maximumEventAgeInSeconds`, age.min, age.max);
    for (const kind of ['onSuccess', 'onFailure'] as const) {
      if (c[kind] === undefined) continue;
      const arn = this.string(c[kind], `${field}.${kind}`, EVENT_INVOKE_LIMITS.destinationArnLength);
      const problem = destinationProblem(arn, kind === 'onSuccess' ? 'OnSuccess' : 'OnFailure');
      if (problem) this.fail(`${field}.${kind}`, problem);
    }
    this.integer(c.lastModified, `${field}.lastModified`, 0, Number.MAX_SAFE_INTEGER);
    if (c.fromTemplate !== undefined && typeof c.fromTemplate !== 'boolean') this.fail(`${field}.fromTemplate`, `expected true or false, found ${kindOf(c.fromTemplate)}`);
    return c as unknown as EventInvokeConfigRecord;
  }

  functionRecord(key: string, v: unknown): FunctionRecord {
    const f = this.object(v, undefined);
    const name = this.string(f.name, 'name', 64);
    if (name !== key) this.fail('name', `${JSON.stringify(name)} differs from the key ${JSON.stringify(key)} it is stored under`);
    if (f.source !== 'upload' && f.source !== 'template') this.fail('source', `expected "upload" or "template", found ${kindOf(f.source)}`);
    this.optionalString(f.templateFile, 'templateFile', 4096);
    this.optionalString(f.templateHash, 'templateHash', 128);
    this.optionalString(f.templateCodeSha256, 'templateCodeSha256', 128);
    this.version(f.latest, 'latest', '$LATEST');
    const nextVersion = this.integer(f.nextVersion, 'nextVersion', 1, MAX_VERSION_NUMBER + 1);
    const versions = new Set<string>();
    let previous = 0;
    this.array(f.versions, 'versions').forEach((item, i) => {
      const record = this.version(item, `versions[${i}]`);
      const number = Number(record.version);
      if (number <= previous) this.fail(`versions[${i}].version`, `version ${number} does not come after version ${previous}`);
      if (number >= nextVersion) this.fail(`versions[${i}].version`, `version ${number} is not below nextVersion ${nextVersion}`);
      previous = number;
      versions.add(record.version);
    });
    const aliasNames = new Set<string>();
    this.array(f.aliases, 'aliases').forEach((item, i) => {
      const alias = this.alias(item, `aliases[${i}]`, versions);
      if (aliasNames.has(alias.name)) this.fail(`aliases[${i}].name`, `the alias ${alias.name} appears twice`);
      aliasNames.add(alias.name);
    });
    if (f.reservedConcurrency !== undefined && f.reservedConcurrency !== null) this.integer(f.reservedConcurrency, 'reservedConcurrency', 0, 100_000);
    this.stringMap(f.tags, 'tags');
    if (f.warnings !== undefined) this.stringArray(f.warnings, 'warnings');
    if (f.eventInvokeConfigs !== undefined) {
      const qualifiers = new Set(['$LATEST', ...versions, ...aliasNames]);
      const seen = new Set<string>();
      this.array(f.eventInvokeConfigs, 'eventInvokeConfigs').forEach((item, i) => {
        const config = this.eventInvokeConfig(item, `eventInvokeConfigs[${i}]`, qualifiers);
        if (seen.has(config.qualifier)) this.fail(`eventInvokeConfigs[${i}].qualifier`, `${config.qualifier} has two configs`);
        seen.add(config.qualifier);
      });
    }
    if (f.build !== undefined) {
      const b = this.object(f.build, 'build');
      this.string(b.templateDir, 'build.templateDir', 4096);
      this.string(b.logicalId, 'build.logicalId', 256);
      this.object(b.metadata, 'build.metadata');
    }
    return f as unknown as FunctionRecord;
  }
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return String(v);
  if (v === undefined) return 'nothing';
  return `an ${typeof v}`;
}

/** The state document checked whole; throws CorruptStateError at the first thing wrong. */
export function validateState(file: string, dataDir: string, data: unknown): StateFile {
  const check = new Checker(file, dataDir);
  const root = check.object(data, undefined);
  if (root.formatVersion !== 1) check.fail('formatVersion', `expected 1, found ${kindOf(root.formatVersion)}`);
  const functions = check.object(root.functions, 'functions', 'names');
  for (const [key, record] of Object.entries(functions)) {
    const label = `function ${JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key)}`;
    if (!FUNCTION_NAME_PATTERN.test(key)) check.at(label).fail(undefined, 'not a valid function name (1–64 letters, digits, "-" and "_")');
    check.at(label).functionRecord(key, record);
  }
  if (root.appliedTemplateResources !== undefined) {
    const applied = check.object(root.appliedTemplateResources, 'appliedTemplateResources');
    for (const [k, v] of Object.entries(applied)) check.string(v, `appliedTemplateResources.${k}`, 256);
  } else {
    root.appliedTemplateResources = {};
  }
  return root as unknown as StateFile;
}
