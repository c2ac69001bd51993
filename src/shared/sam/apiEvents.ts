/**
 * A SAM template's function events: the API routes (`Api` → REST APIs, `HttpApi` → HTTP APIs)
 * with their APIs' stages, stage variables, binary media types and authorizers, the schedules
 * (`Schedule`, `ScheduleV2`), and the other event sources by type. Pure: the Local Lambda serves
 * the routes and fires the schedules; the extension lists them as triggers.
 */

import { evaluate, mergeGlobals, type SamTemplate } from './template';

export type ApiKind = 'REST' | 'HTTP';
export type PayloadFormat = '1.0' | '2.0';

export interface ApiAuthorizer {
  name: string;
  /** `lambda` when a function of the same template decides; else what kind it is (Cognito, JWT, IAM), not emulated. */
  kind: 'lambda' | 'cognito' | 'jwt' | 'iam' | 'other';
  /** For lambda authorizers: the function that decides. */
  functionName?: string;
  /** REST: TOKEN (one header) or REQUEST (headers, query strings…); HTTP APIs are always REQUEST. */
  payloadType?: 'TOKEN' | 'REQUEST';
  /** HTTP API lambda authorizers: the event format (default 2.0) and whether the answer is `{ isAuthorized }`. */
  payloadFormat?: PayloadFormat;
  simpleResponses?: boolean;
  /** Header names (lowercase) that must be present; for TOKEN the one header read. */
  identityHeaders: string[];
  identityQueryStrings: string[];
  /**
   * Lambda authorizers: how long an answer is reused for the same identity (Identity.ReauthorizeEvery,
   * 300 s when not set, 0 for never). A REQUEST authorizer without identity sources is never cached.
   */
  resultTtlSeconds?: number;
}

/** API Gateway's default and largest authorizer result TTL, in seconds. */
export const AUTHORIZER_TTL_DEFAULT_SECONDS = 300;
export const AUTHORIZER_TTL_MAX_SECONDS = 3600;

export interface ApiDefinition {
  kind: ApiKind;
  /** The AWS::Serverless::Api / HttpApi's logical id, or ServerlessRestApi / ServerlessHttpApi for the implicit ones. */
  logicalId: string;
  stage: string;
  stageVariables: Record<string, string>;
  /** REST only: the content types sent to functions base64-encoded (`~1` already read as `/`). */
  binaryMediaTypes: string[];
  authorizers: Record<string, ApiAuthorizer>;
  defaultAuthorizer?: string;
  /** HTTP APIs' CorsConfiguration: API Gateway answers preflights and adds the headers to every response. */
  httpCors?: HttpCors;
  /** REST APIs' Cors: an OPTIONS method on every path answering with these headers; responses are the function's own. */
  restCors?: RestCors;
  line?: number;
}

export interface HttpCors {
  AllowCredentials?: boolean;
  AllowHeaders?: string[];
  AllowMethods?: string[];
  AllowOrigins?: string[];
  ExposeHeaders?: string[];
  MaxAge?: number;
}

/** Header values as SAM writes them, the quotes taken off: `'*'` → `*`. */
export interface RestCors {
  allowOrigin: string;
  /** Undefined: the methods of the path, and OPTIONS. */
  allowMethods?: string;
  allowHeaders?: string;
  maxAge?: string;
  allowCredentials?: boolean;
}

export interface ApiRoute {
  api: ApiDefinition;
  functionName: string;
  functionLogicalId: string;
  eventName: string;
  line?: number;
  /** Upper case, or ANY. */
  method: string;
  /** `/orders/{id}`, `/{proxy+}`, or `$default` (an HTTP API's catch-all). */
  path: string;
  payloadFormat: PayloadFormat;
  /** The authorizer that guards the route, if any (NONE and unknown names resolved away). */
  authorizer?: ApiAuthorizer;
}

export interface ScheduleEvent {
  functionName: string;
  functionLogicalId: string;
  eventName: string;
  line?: number;
  type: 'Schedule' | 'ScheduleV2';
  /** `rate(5 minutes)` or `cron(0 12 * * ? *)`. */
  expression: string;
  /** The event the schedule sends (Input), when given as JSON text. */
  input?: string;
  enabled: boolean;
  description?: string;
}

export interface OtherEvent {
  functionName: string;
  eventName: string;
  type: string;
  line?: number;
}

export interface TemplateEvents {
  routes: ApiRoute[];
  schedules: ScheduleEvent[];
  others: OtherEvent[];
  problems: Array<{ line?: number; message: string }>;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);
const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {});

/** `!Ref X` / `X` → X; `!GetAtt X.Arn` → X. */
function logicalIdOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const r = record(value);
  if (typeof r.Ref === 'string') return r.Ref;
  const att = r['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  if (typeof att === 'string') return att.split('.')[0];
  return undefined;
}

/** Is a path template one API Gateway accepts: `/`, segments of literal text or `{name}`, and `{name+}` only last. */
export function checkRoutePath(path: string): string | undefined {
  if (path === '$default') return undefined;
  if (!path.startsWith('/')) return `the path "${path.slice(0, 100)}" must start with /`;
  if (path.length > 1024) return 'the path is longer than 1024 characters';
  const segments = path === '/' ? [] : path.slice(1).split('/');
  for (const [i, s] of segments.entries()) {
    if (s === '' && i < segments.length - 1) return `the path "${path.slice(0, 100)}" has an empty segment`;
    if (s.startsWith('{') !== s.endsWith('}')) return `the segment "${s.slice(0, 60)}" must be all literal text or all {parameter}`;
    if (s.startsWith('{')) {
      const name = s.slice(1, s.endsWith('+}') ? -2 : -1);
      if (!/^[A-Za-z0-9._-]{1,128}$/.test(name)) return `"${s.slice(0, 60)}" is not a path parameter name`;
      if (s.endsWith('+}') && i !== segments.length - 1) return `the greedy parameter ${s} must be the last segment`;
    } else if (/[{}]/.test(s)) {
      return `the segment "${s.slice(0, 60)}" holds a brace: a path parameter is a whole segment, such as /items/{id}`;
    }
  }
  return undefined;
}

function readAuthorizers(kind: ApiKind, auth: Record<string, unknown>, functionNames: ReadonlyMap<string, string>,
  where: string, problems: Problems, line: number | undefined): Record<string, ApiAuthorizer> {
  const out: Record<string, ApiAuthorizer> = {};
  for (const [name, raw] of Object.entries(record(auth.Authorizers))) {
    const a = record(raw);
    const identity = record(a.Identity);
    const lower = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase()) : []);
    const base = { name, identityHeaders: [] as string[], identityQueryStrings: [] as string[] };
    if (a.FunctionArn !== undefined) {
      // Evaluated, !GetAtt Fn.Arn is the function's ARN; unevaluated, it names the logical id.
      const arnName = typeof a.FunctionArn === 'string' && a.FunctionArn.includes(':function:') ? a.FunctionArn.split(':function:')[1].split(':')[0] : undefined;
      const logicalId = logicalIdOf(a.FunctionArn);
      const resultTtlSeconds = reauthorizeEvery(identity.ReauthorizeEvery, `${where} Authorizers.${name.slice(0, 100)}.Identity`, problems, line);
      const functionName = arnName !== undefined ? [...functionNames.values()].find((n) => n === arnName)
        : logicalId !== undefined ? functionNames.get(logicalId) : undefined;
      if (kind === 'REST') {
        const payloadType = a.FunctionPayloadType === 'REQUEST' ? 'REQUEST' : 'TOKEN';
        out[name] = {
          ...base, kind: functionName ? 'lambda' : 'other', functionName, payloadType, resultTtlSeconds,
          identityHeaders: payloadType === 'TOKEN' ? [typeof identity.Header === 'string' ? identity.Header.toLowerCase() : 'authorization'] : lower(identity.Headers),
          identityQueryStrings: lower(identity.QueryStrings),
        };
      } else {
        out[name] = {
          ...base, kind: functionName ? 'lambda' : 'other', functionName, payloadType: 'REQUEST', resultTtlSeconds,
          payloadFormat: a.AuthorizerPayloadFormatVersion === '1.0' || a.AuthorizerPayloadFormatVersion === 1 ? '1.0' : '2.0',
          simpleResponses: a.EnableSimpleResponses === true,
          identityHeaders: lower(identity.Headers), identityQueryStrings: lower(identity.QueryStrings),
        };
      }
    } else if (a.UserPoolArn !== undefined) {
      out[name] = { ...base, kind: 'cognito' };
    } else if (a.JwtConfiguration !== undefined) {
      out[name] = { ...base, kind: 'jwt' };
    } else {
      out[name] = { ...base, kind: 'other' };
    }
  }
  return out;
}

/** Identity.ReauthorizeEvery: whole seconds from 0 to 3600; anything else is a problem and the default applies. */
function reauthorizeEvery(v: unknown, where: string, problems: Problems, line: number | undefined): number {
  if (v === undefined) return AUTHORIZER_TTL_DEFAULT_SECONDS;
  const n = typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= AUTHORIZER_TTL_MAX_SECONDS) return n;
  problems.push({ line, message: `${where}: ReauthorizeEvery must be a whole number of seconds from 0 to ${AUTHORIZER_TTL_MAX_SECONDS}; ${AUTHORIZER_TTL_DEFAULT_SECONDS} is used` });
  return AUTHORIZER_TTL_DEFAULT_SECONDS;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value))) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  return out;
}

/** Reads the function events of a template whose intrinsic functions `evaluate` can resolve with the template's context. */
export function readTemplateEvents(t: SamTemplate): TemplateEvents {
  const events: TemplateEvents = { routes: [], schedules: [], others: [], problems: [] };
  const functionNames = new Map(t.functions.map((f) => [f.logicalId, f.functionName]));
  /** Evaluated where the template's context knows the value; what it cannot know (a Cognito pool's Arn) stays as written. */
  const value = (v: unknown, depth = 0): unknown => {
    try {
      return evaluate(v, t.context);
    } catch {
      if (depth > 32 || typeof v !== 'object' || v === null) return v;
      const keys = Object.keys(v);
      if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return v;
      if (Array.isArray(v)) return v.map((x) => value(x, depth + 1));
      return Object.fromEntries(keys.map((k) => [k, value((v as Record<string, unknown>)[k], depth + 1)]));
    }
  };
  const apis = new Map<string, ApiDefinition>();
  const apiOf = (kind: ApiKind, logicalId: string | undefined, eventLine?: number): ApiDefinition | undefined => {
    const id = logicalId ?? (kind === 'REST' ? 'ServerlessRestApi' : 'ServerlessHttpApi');
    const known = apis.get(id);
    if (known) return known.kind === kind ? known : undefined;
    const resource = t.resources.find((r) => r.logicalId === id);
    const wanted = kind === 'REST' ? 'AWS::Serverless::Api' : 'AWS::Serverless::HttpApi';
    if (logicalId !== undefined && resource?.type !== wanted) return undefined;
    const own = resource?.properties ?? {};
    const props = record(value(mergeGlobals(t.apiGlobals[kind === 'REST' ? 'Api' : 'HttpApi'], own)));
    const auth = record(props.Auth);
    const where = `${id}${kind === 'REST' ? ' Cors' : ' CorsConfiguration'}`;
    const corsLine = resource?.line ?? eventLine;
    const cors = kind === 'REST' ? readRestCors(props.Cors, where, events.problems, corsLine) : readHttpCors(props.CorsConfiguration, where, events.problems, corsLine);
    const api: ApiDefinition = {
      kind, logicalId: id,
      stage: typeof props.StageName === 'string' ? props.StageName : kind === 'REST' ? 'Prod' : '$default',
      stageVariables: stringMap(kind === 'REST' ? props.Variables : props.StageVariables),
      binaryMediaTypes: kind === 'REST' && Array.isArray(props.BinaryMediaTypes)
        ? props.BinaryMediaTypes.filter((x): x is string => typeof x === 'string').map((x) => x.replace(/~1/g, '/')) : [],
      authorizers: readAuthorizers(kind, auth, functionNames, id, events.problems, corsLine),
      ...(typeof auth.DefaultAuthorizer === 'string' ? { defaultAuthorizer: auth.DefaultAuthorizer } : {}),
      ...(cors ? (kind === 'REST' ? { restCors: cors as RestCors } : { httpCors: cors as HttpCors }) : {}),
      line: resource?.line,
    };
    apis.set(id, api);
    return api;
  };

  for (const fn of t.functions) {
    if (fn.type !== 'AWS::Serverless::Function') continue;
    for (const [eventName, raw] of Object.entries(record(fn.properties.Events))) {
      const event = record(raw);
      const type = typeof event.Type === 'string' ? event.Type : '';
      const line = t.lineOf(fn.logicalId, `Events.${eventName}`);
      const rawProps = record(event.Properties);
      const where = `${fn.logicalId} event ${eventName}`;
      if (type === 'Api' || type === 'HttpApi') {
        const kind: ApiKind = type === 'Api' ? 'REST' : 'HTTP';
        const apiRef = kind === 'REST' ? rawProps.RestApiId : rawProps.ApiId;
        const api = apiOf(kind, apiRef === undefined ? undefined : logicalIdOf(apiRef), line);
        if (!api) {
          events.problems.push({ line, message: `${where}: ${kind === 'REST' ? 'RestApiId' : 'ApiId'} must be !Ref to an ${kind === 'REST' ? 'AWS::Serverless::Api' : 'AWS::Serverless::HttpApi'} of this template` });
          continue;
        }
        const props = record(value(rawProps));
        const catchAll = kind === 'HTTP' && props.Path === undefined && props.Method === undefined;
        const path = catchAll ? '$default' : typeof props.Path === 'string' ? props.Path : undefined;
        const method = catchAll ? 'ANY' : typeof props.Method === 'string' ? props.Method.toUpperCase() : undefined;
        if (path === undefined || method === undefined) {
          events.problems.push({ line, message: `${where}: Path and Method are required` });
          continue;
        }
        const pathProblem = checkRoutePath(path);
        if (pathProblem) {
          events.problems.push({ line, message: `${where}: ${pathProblem}` });
          continue;
        }
        if (!METHODS.has(method)) {
          events.problems.push({ line, message: `${where}: Method ${method.slice(0, 20)} is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY` });
          continue;
        }
        const payloadFormat: PayloadFormat = kind === 'REST' ? '1.0'
          : props.PayloadFormatVersion === '1.0' || props.PayloadFormatVersion === 1 ? '1.0' : '2.0';
        const authName = typeof record(props.Auth).Authorizer === 'string' ? String(record(props.Auth).Authorizer) : api.defaultAuthorizer;
        let authorizer: ApiAuthorizer | undefined;
        if (authName === 'AWS_IAM') {
          authorizer = { name: 'AWS_IAM', kind: 'iam', identityHeaders: [], identityQueryStrings: [] };
        } else if (authName !== undefined && authName !== 'NONE') {
          authorizer = api.authorizers[authName];
          if (!authorizer) events.problems.push({ line, message: `${where}: Auth.Authorizer ${authName.slice(0, 100)} is not among the API's Authorizers` });
        }
        events.routes.push({ api, functionName: fn.functionName, functionLogicalId: fn.logicalId, eventName, line, method, path, payloadFormat, ...(authorizer ? { authorizer } : {}) });
      } else if (type === 'Schedule' || type === 'ScheduleV2') {
        const props = record(value(rawProps));
        const expression = typeof props.Schedule === 'string' ? props.Schedule : typeof props.ScheduleExpression === 'string' ? props.ScheduleExpression : undefined;
        if (!expression) {
          events.problems.push({ line, message: `${where}: ${type === 'Schedule' ? 'Schedule' : 'ScheduleExpression'} is required (rate(…) or cron(…))` });
          continue;
        }
        const enabled = type === 'Schedule' ? props.Enabled !== false && props.State !== 'DISABLED' : props.State !== 'DISABLED';
        events.schedules.push({
          functionName: fn.functionName, functionLogicalId: fn.logicalId, eventName, line, type, expression,
          ...(typeof props.Input === 'string' ? { input: props.Input } : {}), enabled,
          ...(typeof props.Description === 'string' ? { description: props.Description } : {}),
        });
      } else if (type) {
        events.others.push({ functionName: fn.functionName, eventName, type, line });
      }
    }
  }
  return events;
}

type Problems = TemplateEvents['problems'];

/** Lists of strings, each at most `length` characters: a wrong one is a problem and left out. */
function stringList(v: unknown, name: string, where: string, problems: Problems, line: number | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length <= 1024)) {
    problems.push({ line, message: `${where}: ${name} must be a list of strings` });
    return undefined;
  }
  return v as string[];
}

/** HttpApi CorsConfiguration: `true` (any origin, method and header) or its object. */
function readHttpCors(v: unknown, where: string, problems: Problems, line: number | undefined): HttpCors | undefined {
  if (v === undefined || v === false) return undefined;
  if (v === true) return { AllowOrigins: ['*'], AllowMethods: ['*'], AllowHeaders: ['*'] };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problems.push({ line, message: `${where} must be true or a map of AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, MaxAge and AllowCredentials` });
    return undefined;
  }
  const r = v as Record<string, unknown>;
  const out: HttpCors = {};
  for (const key of ['AllowOrigins', 'AllowMethods', 'AllowHeaders', 'ExposeHeaders'] as const) {
    const list = stringList(r[key], key, where, problems, line);
    if (list) out[key] = list;
  }
  if (r.MaxAge !== undefined) {
    if (typeof r.MaxAge === 'number' && Number.isInteger(r.MaxAge) && r.MaxAge >= -1 && r.MaxAge <= 86400) out.MaxAge = r.MaxAge;
    else problems.push({ line, message: `${where}: MaxAge must be a whole number of seconds from -1 to 86400` });
  }
  if (r.AllowCredentials !== undefined) {
    if (typeof r.AllowCredentials === 'boolean') out.AllowCredentials = r.AllowCredentials;
    else problems.push({ line, message: `${where}: AllowCredentials must be true or false` });
  }
  if (out.AllowCredentials && out.AllowOrigins?.includes('*')) {
    problems.push({ line, message: `${where}: AllowCredentials cannot be true when AllowOrigins has "*"; API Gateway refuses it` });
  }
  return out;
}

/** `'value'` → value; SAM wants the quotes, and says so when they are missing. */
function unquote(v: unknown, name: string, where: string, problems: Problems, line: number | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > 4096) {
    problems.push({ line, message: `${where}: ${name} must be a string such as "'*'"` });
    return undefined;
  }
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  problems.push({ line, message: `${where}: ${name} must be in single quotes inside the string ("'${v.slice(0, 100)}'"), as SAM writes header values` });
  return undefined;
}

/** Api Cors: a quoted origin, or its map of quoted header values. */
function readRestCors(v: unknown, where: string, problems: Problems, line: number | undefined): RestCors | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') {
    const origin = unquote(v, 'Cors', where, problems, line);
    return origin === undefined ? undefined : { allowOrigin: origin };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problems.push({ line, message: `${where} must be a quoted origin ("'*'") or a map with AllowOrigin` });
    return undefined;
  }
  const r = v as Record<string, unknown>;
  const allowOrigin = unquote(r.AllowOrigin, 'AllowOrigin', where, problems, line);
  if (allowOrigin === undefined) {
    if (r.AllowOrigin === undefined) problems.push({ line, message: `${where}: AllowOrigin is required` });
    return undefined;
  }
  const out: RestCors = { allowOrigin };
  const methods = unquote(r.AllowMethods, 'AllowMethods', where, problems, line);
  if (methods !== undefined) out.allowMethods = methods;
  const headers = unquote(r.AllowHeaders, 'AllowHeaders', where, problems, line);
  if (headers !== undefined) out.allowHeaders = headers;
  const maxAge = unquote(r.MaxAge, 'MaxAge', where, problems, line);
  if (maxAge !== undefined) out.maxAge = maxAge;
  if (r.AllowCredentials !== undefined) {
    if (typeof r.AllowCredentials === 'boolean') out.allowCredentials = r.AllowCredentials;
    else problems.push({ line, message: `${where}: AllowCredentials must be true or false` });
  }
  return out;
}
