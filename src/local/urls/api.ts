/** Create/Get/Update/Delete/ListFunctionUrlConfig(s) over the URL store. */

import { ApiError } from '../http';
import { functionArn, type FunctionRecord } from '../lambda/model';
import { notFound } from '../lambda/store';
import { paginate } from '../lambda/requests';
import { checkUrlQualifier, readCreateBody, readUpdateBody, type UrlConfigRecord } from './config';
import type { UrlStore } from './store';

export class UrlApi {
  constructor(private readonly urls: UrlStore, private readonly baseUrl: () => string) {}

  /** `http://127.0.0.1:<port>/<url-id>/`: the URL server answers each URL under its id. */
  urlOf(record: UrlConfigRecord): string {
    return `${this.baseUrl()}/${record.urlId}/`;
  }

  describe(record: UrlConfigRecord): Record<string, unknown> {
    return {
      FunctionUrl: this.urlOf(record),
      FunctionArn: functionArn(record.functionName, record.qualifier),
      AuthType: record.authType,
      ...(record.cors ? { Cors: record.cors } : {}),
      CreationTime: record.creationTime,
      LastModifiedTime: record.lastModifiedTime,
      InvokeMode: record.invokeMode,
    };
  }

  private target(fn: FunctionRecord, qualifier: string | undefined): void {
    checkUrlQualifier(qualifier);
    if (qualifier !== undefined && !fn.aliases.some((a) => a.name === qualifier)) throw notFound(fn.name, qualifier);
  }

  private existing(fn: FunctionRecord, qualifier: string | undefined): UrlConfigRecord {
    this.target(fn, qualifier);
    const record = this.urls.get(fn.name, qualifier);
    if (!record) {
      throw new ApiError(404, 'ResourceNotFoundException',
        `The resource you requested does not exist. (No function URL for ${functionArn(fn.name, qualifier)}; CreateFunctionUrlConfig makes one.)`);
    }
    return record;
  }

  create(fn: FunctionRecord, qualifier: string | undefined, body: Record<string, unknown>): { status: number; body: unknown } {
    this.target(fn, qualifier);
    const settings = readCreateBody(body);
    if (this.urls.get(fn.name, qualifier)) {
      throw new ApiError(409, 'ResourceConflictException',
        `Failed to create function url config for [functionArn = ${functionArn(fn.name, qualifier)}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
    }
    const record = this.urls.create(fn.name, qualifier, settings);
    const { LastModifiedTime: _omitted, ...created } = this.describe(record);
    return { status: 201, body: created };
  }

  get(fn: FunctionRecord, qualifier: string | undefined): { status: number; body: unknown } {
    return { status: 200, body: this.describe(this.existing(fn, qualifier)) };
  }

  update(fn: FunctionRecord, qualifier: string | undefined, body: Record<string, unknown>): { status: number; body: unknown } {
    const record = this.existing(fn, qualifier);
    const patch = readUpdateBody(body);
    return { status: 200, body: this.describe(this.urls.update(record, patch)) };
  }

  delete(fn: FunctionRecord, qualifier: string | undefined): { status: number } {
    this.existing(fn, qualifier);
    this.urls.delete(fn.name, qualifier);
    return { status: 204 };
  }

  list(fn: FunctionRecord, query: URLSearchParams): { status: number; body: unknown } {
    const items = this.urls.ofFunction(fn.name).map((u) => this.describe(u));
    const { page, nextMarker } = paginate(items, query.get('Marker'), query.get('MaxItems'), 50);
    return { status: 200, body: { FunctionUrlConfigs: page, ...(nextMarker ? { NextMarker: nextMarker } : {}) } };
  }

  /** A deleted function takes its URLs with it; a deleted alias, its own. */
  forget(functionName: string, qualifier?: string): void {
    if (qualifier === undefined) this.urls.delete(functionName, undefined, true);
    else this.urls.delete(functionName, qualifier);
  }
}
