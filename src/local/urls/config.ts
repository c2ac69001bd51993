/**
 * Function URL configurations: what CreateFunctionUrlConfig and UpdateFunctionUrlConfig accept,
 * checked as Lambda checks them, and the shape GetFunctionUrlConfig answers with.
 */

import { randomBytes } from 'node:crypto';
import type { HttpCors } from '../../shared/sam/apiEvents';
import { ApiError } from '../http';
import { invalid, isPlainMap, validationError, wrongType } from '../lambda/validation';

export type UrlAuthType = 'NONE' | 'AWS_IAM';
export type UrlInvokeMode = 'BUFFERED' | 'RESPONSE_STREAM';

/** A URL's CORS has the fields (and Lambda names) of an HTTP API's CorsConfiguration. */
export type UrlCors = HttpCors;

/** One function URL as the Local Lambda keeps it. */
export interface UrlConfigRecord {
  functionName: string;
  /** The alias the URL invokes; absent for the unqualified function ($LATEST). */
  qualifier?: string;
  /** 32 lowercase letters and digits, as in `https://<url-id>.lambda-url.<region>.on.aws`. */
  urlId: string;
  authType: UrlAuthType;
  cors?: UrlCors;
  invokeMode: UrlInvokeMode;
  creationTime: string;
  lastModifiedTime: string;
  /** Set for URLs a template declares: the template's file, so a restart re-applies them. */
  template?: string;
}

/** Lambda's limits on a URL's CORS settings (AWS::Lambda::Url Cors and the API's Cors). */
export const CORS_LIMITS = {
  allowOrigins: { items: 100, length: 253 },
  allowHeaders: { items: 100, length: 1024 },
  exposeHeaders: { items: 100, length: 1024 },
  allowMethods: { items: 6, length: 6 },
  maxAge: 86400,
} as const;

export const URL_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'PATCH', 'DELETE', '*'] as const;
const URL_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const URL_ID_PATTERN = /^[a-z0-9]{32}$/;
/** `scheme://host[:port]`: what a browser sends as Origin. Linear: no nested or overlapping repeats. */
const ORIGIN_PATTERN = /^https?:\/\/[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$/;
/** An HTTP header name (an RFC 9110 token). */
const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function newUrlId(): string {
  return Array.from(randomBytes(32), (b) => URL_ID_ALPHABET[b % 36]).join('');
}

export function isUrlId(value: string): boolean {
  return URL_ID_PATTERN.test(value);
}

/** A URL's qualifier is an alias name: Lambda refuses `$LATEST` and version numbers. */
export function checkUrlQualifier(qualifier: string | undefined): void {
  if (qualifier === undefined) return;
  if (!/^[0-9a-zA-Z_-]{1,128}$/.test(qualifier) || /^[0-9]+$/.test(qualifier)) {
    throw validationError(`1 validation error detected: Value '${qualifier.slice(0, 130)}' at 'qualifier' failed to satisfy constraint: ` +
      'Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$) — a function URL belongs to the function itself or to an alias, not to $LATEST or a version.');
  }
}

function readAuthType(value: unknown): UrlAuthType {
  if (value === 'NONE' || value === 'AWS_IAM') return value;
  if (typeof value !== 'string') throw wrongType('AuthType', 'NONE or AWS_IAM', value);
  throw validationError(`1 validation error detected: Value '${value.slice(0, 100)}' at 'authType' failed to satisfy constraint: ` +
    'Member must satisfy enum value set: [NONE, AWS_IAM]');
}

function readInvokeMode(value: unknown): UrlInvokeMode {
  if (value === 'BUFFERED' || value === 'RESPONSE_STREAM') return value;
  if (typeof value !== 'string') throw wrongType('InvokeMode', 'BUFFERED or RESPONSE_STREAM', value);
  throw validationError(`1 validation error detected: Value '${value.slice(0, 100)}' at 'invokeMode' failed to satisfy constraint: ` +
    'Member must satisfy enum value set: [BUFFERED, RESPONSE_STREAM]');
}

function stringList(value: unknown, field: string, limits: { items: number; length: number }, check: (item: string) => string | undefined): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw wrongType(`Cors.${field}`, 'a list of strings', value);
  if (value.length > limits.items) {
    throw validationError(`1 validation error detected: Value at 'cors.${field[0].toLowerCase()}${field.slice(1)}' failed to satisfy constraint: ` +
      `Member must have length less than or equal to ${limits.items} (got ${value.length} items)`);
  }
  return value.map((item, i) => {
    if (typeof item !== 'string') throw wrongType(`Cors.${field}[${i}]`, 'a string', item);
    if (item.length < 1 || item.length > limits.length) {
      throw validationError(`Cors.${field}[${i}] must be 1 to ${limits.length} characters long (got ${item.length}).`);
    }
    const problem = check(item);
    if (problem) throw invalid(`Cors.${field}[${i}] "${item.slice(0, 100)}" ${problem}`);
    return item;
  });
}

function readCors(value: unknown): UrlCors | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainMap(value)) throw wrongType('Cors', 'an object', value);
  const known = new Set(['AllowCredentials', 'AllowHeaders', 'AllowMethods', 'AllowOrigins', 'ExposeHeaders', 'MaxAge']);
  const unknown = Object.keys(value).filter((k) => !known.has(k));
  if (unknown.length) {
    throw invalid(`Cors has no field ${unknown.map((k) => k.slice(0, 50)).join(', ')}; it takes AllowCredentials, AllowHeaders, AllowMethods, AllowOrigins, ExposeHeaders and MaxAge.`);
  }
  const cors: UrlCors = {};
  if (value.AllowCredentials !== undefined && value.AllowCredentials !== null) {
    if (typeof value.AllowCredentials !== 'boolean') throw wrongType('Cors.AllowCredentials', 'true or false', value.AllowCredentials);
    cors.AllowCredentials = value.AllowCredentials;
  }
  const header = (item: string) => (item === '*' || HEADER_NAME_PATTERN.test(item) ? undefined : 'is not an HTTP header name.');
  const headers = stringList(value.AllowHeaders, 'AllowHeaders', CORS_LIMITS.allowHeaders, header);
  if (headers) cors.AllowHeaders = headers;
  const methods = stringList(value.AllowMethods, 'AllowMethods', CORS_LIMITS.allowMethods, (item) =>
    ((URL_METHODS as readonly string[]).includes(item.toUpperCase()) ? undefined : `is not a method a function URL allows: use ${URL_METHODS.join(', ')}.`));
  if (methods) cors.AllowMethods = methods;
  const origins = stringList(value.AllowOrigins, 'AllowOrigins', CORS_LIMITS.allowOrigins, (item) =>
    (item === '*' || ORIGIN_PATTERN.test(item) ? undefined
      : 'is not an origin: give scheme://host[:port] without a path, such as https://www.example.com or http://localhost:3000, or * for any origin.'));
  if (origins) cors.AllowOrigins = origins;
  const expose = stringList(value.ExposeHeaders, 'ExposeHeaders', CORS_LIMITS.exposeHeaders, header);
  if (expose) cors.ExposeHeaders = expose;
  if (value.MaxAge !== undefined && value.MaxAge !== null) {
    if (typeof value.MaxAge !== 'number' || !Number.isInteger(value.MaxAge)) throw wrongType('Cors.MaxAge', 'a whole number of seconds', value.MaxAge);
    if (value.MaxAge < 0 || value.MaxAge > CORS_LIMITS.maxAge) {
      throw validationError(`1 validation error detected: Value '${value.MaxAge}' at 'cors.maxAge' failed to satisfy constraint: ` +
        `Member must have value ${value.MaxAge < 0 ? 'greater than or equal to 0' : `less than or equal to ${CORS_LIMITS.maxAge}`}`);
    }
    cors.MaxAge = value.MaxAge;
  }
  return cors;
}

/** The settable part of a URL config, read from a CreateFunctionUrlConfig body (AuthType required). */
export function readCreateBody(body: Record<string, unknown>): Pick<UrlConfigRecord, 'authType' | 'cors' | 'invokeMode'> {
  if (body.AuthType === undefined) throw wrongType('AuthType', 'NONE or AWS_IAM', undefined);
  return {
    authType: readAuthType(body.AuthType),
    cors: readCors(body.Cors),
    invokeMode: body.InvokeMode === undefined ? 'BUFFERED' : readInvokeMode(body.InvokeMode),
  };
}

/** UpdateFunctionUrlConfig's changes: only the fields given. */
export function readUpdateBody(body: Record<string, unknown>): Partial<Pick<UrlConfigRecord, 'authType' | 'cors' | 'invokeMode'>> {
  const patch: Partial<Pick<UrlConfigRecord, 'authType' | 'cors' | 'invokeMode'>> = {};
  if (body.AuthType !== undefined) patch.authType = readAuthType(body.AuthType);
  if (body.Cors !== undefined) patch.cors = readCors(body.Cors);
  if (body.InvokeMode !== undefined) patch.invokeMode = readInvokeMode(body.InvokeMode);
  return patch;
}

/** The same checks for a template's FunctionUrlConfig / AWS::Lambda::Url, as a message rather than an HTTP error. */
export function readTemplateUrlConfig(value: unknown): Pick<UrlConfigRecord, 'authType' | 'cors' | 'invokeMode'> {
  if (!isPlainMap(value)) throw new Error('FunctionUrlConfig must be a map with AuthType (NONE or AWS_IAM) and optionally Cors and InvokeMode.');
  try {
    return readCreateBody(value);
  } catch (err) {
    throw new Error(err instanceof ApiError ? err.message.replace(/^Could not parse request body into json: /, '') : String(err), { cause: err });
  }
}
