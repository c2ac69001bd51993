import * as path from 'node:path';
import { CorruptStateError, parseStateJson, readStateText, writeJsonAtomic } from '../persist';
import { lambdaTimestamp } from '../lambda/model';
import { isUrlId, newUrlId, type UrlConfigRecord, type UrlCors } from './config';

export const URL_STATE_FILE = 'function-urls.json';

interface UrlStateFile {
  formatVersion: 1;
  urls: UrlConfigRecord[];
}

const keyOf = (functionName: string, qualifier?: string) => `${functionName}\n${qualifier ?? ''}`;

/** The function URLs, kept in memory and written to their own JSON file on every change. */
export class UrlStore {
  private readonly byKey = new Map<string, UrlConfigRecord>();
  private readonly byId = new Map<string, UrlConfigRecord>();
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, URL_STATE_FILE);
  }

  /** Reads the file, checked whole; throws CorruptStateError (writing nothing) when it is not a valid URL state. */
  load(): void {
    const text = readStateText(this.file);
    if (text === undefined) return;
    const data = parseStateJson(this.file, text) as Partial<UrlStateFile> | null;
    const fail = (detail: string, record?: string, field?: string): never => { throw new CorruptStateError(this.file, detail, { record, field }); };
    if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('expected an object');
    if (data?.formatVersion !== 1) fail('formatVersion must be 1');
    if (!Array.isArray(data?.urls)) fail('expected a list', undefined, 'urls');
    for (const [i, u] of (data?.urls ?? []).entries()) {
      const at = `urls[${i}]`;
      if (typeof u !== 'object' || u === null || Array.isArray(u)) fail('expected an object', at);
      if (typeof u.functionName !== 'string' || u.functionName.length > 170) fail('expected a function name', at, 'functionName');
      if (u.qualifier !== undefined && (typeof u.qualifier !== 'string' || u.qualifier.length > 128)) fail('expected an alias name', at, 'qualifier');
      if (typeof u.urlId !== 'string' || !isUrlId(u.urlId)) fail('expected 32 lowercase letters and digits', at, 'urlId');
      if (u.authType !== 'NONE' && u.authType !== 'AWS_IAM') fail('expected NONE or AWS_IAM', at, 'authType');
      if (u.invokeMode !== 'BUFFERED' && u.invokeMode !== 'RESPONSE_STREAM') fail('expected BUFFERED or RESPONSE_STREAM', at, 'invokeMode');
      if (u.cors !== undefined && (typeof u.cors !== 'object' || u.cors === null || Array.isArray(u.cors))) fail('expected an object', at, 'cors');
      if (typeof u.creationTime !== 'string' || typeof u.lastModifiedTime !== 'string') fail('expected timestamps', at, 'creationTime');
      if (u.template !== undefined && typeof u.template !== 'string') fail('expected a file name', at, 'template');
      if (this.byKey.has(keyOf(u.functionName, u.qualifier)) || this.byId.has(u.urlId)) fail('a second URL for the same function and qualifier, or a repeated url id', at);
      this.put(u);
    }
  }

  private put(u: UrlConfigRecord): void {
    this.byKey.set(keyOf(u.functionName, u.qualifier), u);
    this.byId.set(u.urlId, u);
  }

  private save(): void {
    writeJsonAtomic(this.file, { formatVersion: 1, urls: [...this.byKey.values()] } satisfies UrlStateFile);
  }

  get(functionName: string, qualifier?: string): UrlConfigRecord | undefined {
    return this.byKey.get(keyOf(functionName, qualifier));
  }

  byUrlId(urlId: string): UrlConfigRecord | undefined {
    return this.byId.get(urlId);
  }

  /** A function's URLs: the unqualified one first, then by alias name. */
  ofFunction(functionName: string): UrlConfigRecord[] {
    return [...this.byKey.values()].filter((u) => u.functionName === functionName)
      .sort((a, b) => (a.qualifier ?? '').localeCompare(b.qualifier ?? ''));
  }

  all(): UrlConfigRecord[] {
    return [...this.byKey.values()];
  }

  /**
   * Adds a URL, or for a template's URL updates the one it made before, keeping its address.
   * Returns the record.
   */
  create(functionName: string, qualifier: string | undefined,
    settings: { authType: UrlConfigRecord['authType']; cors?: UrlCors; invokeMode: UrlConfigRecord['invokeMode'] }, template?: string): UrlConfigRecord {
    const existing = this.get(functionName, qualifier);
    const now = lambdaTimestamp();
    if (existing) {
      Object.assign(existing, settings, { lastModifiedTime: now, template });
      if (settings.cors === undefined) delete existing.cors;
      this.save();
      return existing;
    }
    let urlId = newUrlId();
    while (this.byId.has(urlId)) urlId = newUrlId();
    const record: UrlConfigRecord = {
      functionName, ...(qualifier !== undefined ? { qualifier } : {}), urlId, ...settings,
      creationTime: now, lastModifiedTime: now, ...(template !== undefined ? { template } : {}),
    };
    if (record.cors === undefined) delete record.cors;
    this.put(record);
    this.save();
    return record;
  }

  update(record: UrlConfigRecord, patch: Partial<Pick<UrlConfigRecord, 'authType' | 'cors' | 'invokeMode'>>): UrlConfigRecord {
    if (patch.authType !== undefined) record.authType = patch.authType;
    if (patch.invokeMode !== undefined) record.invokeMode = patch.invokeMode;
    if ('cors' in patch) {
      if (patch.cors === undefined) delete record.cors;
      else record.cors = patch.cors;
    }
    record.lastModifiedTime = lambdaTimestamp();
    this.save();
    return record;
  }

  /** Removes one URL, or with `qualifier` undefined and `all` every URL of the function. */
  delete(functionName: string, qualifier: string | undefined, all = false): boolean {
    const gone = all ? this.ofFunction(functionName) : [this.get(functionName, qualifier)].filter((u): u is UrlConfigRecord => u !== undefined);
    for (const u of gone) {
      this.byKey.delete(keyOf(u.functionName, u.qualifier));
      this.byId.delete(u.urlId);
    }
    if (gone.length) this.save();
    return gone.length > 0;
  }

  /** Template URLs the templates no longer declare (the template file was read and has none there). */
  pruneTemplateUrls(keep: (u: UrlConfigRecord) => boolean): void {
    const gone = [...this.byKey.values()].filter((u) => u.template !== undefined && !keep(u));
    for (const u of gone) {
      this.byKey.delete(keyOf(u.functionName, u.qualifier));
      this.byId.delete(u.urlId);
    }
    if (gone.length) this.save();
  }
}
