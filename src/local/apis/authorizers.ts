/**
 * Lambda authorizers of a template's APIs, called before the route's function as API Gateway calls
 * them: REST TOKEN and REQUEST authorizers answering with an IAM policy, HTTP API authorizers
 * (payload 1.0 or 2.0) answering with a policy or, with simple responses, `{ isAuthorized }`.
 */

import type { ApiAuthorizer, ApiRoute } from '../../shared/sam/apiEvents';

export type AuthorizerVerdict =
  | { allow: true; context: Record<string, unknown> }
  | { allow: false; status: 401 | 403 | 500; message: string; detail: string };

/**
 * `*` (any run) and `?` (one character) as IAM matches resources; two-pointer matching with the
 * last star remembered, so the time stays within length × length and never explodes.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  if (pattern.length > 2048 || text.length > 2048) return false;
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Does an IAM policy document allow `execute-api:Invoke` on `arn`? An explicit Deny wins. */
export function policyAllows(policy: unknown, arn: string): boolean {
  if (!isRecord(policy)) return false;
  let allowed = false;
  for (const s of list(policy.Statement)) {
    if (!isRecord(s)) continue;
    const actions = list(s.Action).filter((a): a is string => typeof a === 'string');
    if (!actions.some((a) => wildcardMatch(a.toLowerCase(), 'execute-api:invoke'))) continue;
    const resources = list(s.Resource).filter((r): r is string => typeof r === 'string');
    if (!resources.some((r) => wildcardMatch(r, arn))) continue;
    if (s.Effect === 'Deny') return false;
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

/** Which identity sources an authorizer reads are missing from a request (lowercase header names, query names). */
export function missingIdentity(auth: ApiAuthorizer, headers: Readonly<Record<string, string | string[] | undefined>>, query: URLSearchParams): string[] {
  const missing: string[] = [];
  for (const h of auth.identityHeaders) if (!headers[h]) missing.push(`header ${h}`);
  for (const q of auth.identityQueryStrings) if (!query.get(q)) missing.push(`query string ${q}`);
  return missing;
}

/** `arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<path>`: what a policy's Resource is matched against. */
export function executeApiArn(region: string, accountId: string, route: ApiRoute, apiId: string, method: string, path: string): string {
  return `arn:aws:execute-api:${region}:${accountId}:${apiId}/${route.api.stage}/${method}/${path.replace(/^\//, '')}`;
}

/** Reads an authorizer function's answer (its payload). */
export function verdictOf(auth: ApiAuthorizer, payload: Buffer, functionError: boolean, arn: string): AuthorizerVerdict {
  const text = payload.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (functionError) {
    const message = isRecord(value) && typeof value.errorMessage === 'string' ? value.errorMessage : '';
    if (message === 'Unauthorized') return { allow: false, status: 401, message: 'Unauthorized', detail: `The authorizer ${auth.name} answered Unauthorized.` };
    return { allow: false, status: 500, message: auth.payloadFormat ? 'Internal Server Error' : 'Internal server error', detail: `The authorizer ${auth.name} failed: ${message.slice(0, 300)}` };
  }
  if (!isRecord(value)) {
    return { allow: false, status: 500, message: 'Internal server error', detail: `The authorizer ${auth.name} returned ${text.slice(0, 100)}, not an object.` };
  }
  const context = isRecord(value.context) ? value.context : {};
  if (auth.simpleResponses) {
    if (typeof value.isAuthorized !== 'boolean') {
      return { allow: false, status: 500, message: 'Internal Server Error', detail: `The authorizer ${auth.name} has simple responses on, so it must return { isAuthorized: true | false }.` };
    }
    return value.isAuthorized ? { allow: true, context } : { allow: false, status: 403, message: 'Forbidden', detail: `The authorizer ${auth.name} said isAuthorized: false.` };
  }
  if (!isRecord(value.policyDocument)) {
    return { allow: false, status: 500, message: 'Internal server error', detail: `The authorizer ${auth.name} must return principalId and policyDocument (or turn on EnableSimpleResponses).` };
  }
  if (!policyAllows(value.policyDocument, arn)) {
    return { allow: false, status: 403, message: auth.payloadFormat ? 'Forbidden' : 'User is not authorized to access this resource',
      detail: `The policy of ${auth.name} does not allow execute-api:Invoke on ${arn}.` };
  }
  return { allow: true, context: { ...(value.principalId !== undefined ? { principalId: value.principalId } : {}), ...context } };
}
