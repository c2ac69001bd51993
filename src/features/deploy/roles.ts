/**
 * Which IAM roles can run a function: those whose trust policy lets lambda.amazonaws.com assume
 * them. ListRoles gives each trust policy as URL-encoded JSON text. Pure.
 */

export interface ListedRole {
  RoleName?: string;
  Arn?: string;
  Description?: string;
  /** URL-encoded JSON, as IAM's ListRoles returns it. */
  AssumeRolePolicyDocument?: string;
}

export interface RoleChoice {
  name: string;
  arn: string;
  description?: string;
}

const LAMBDA_SERVICE = 'lambda.amazonaws.com';

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** The trust policy document, decoded; undefined when it is not readable JSON. */
export function parseTrustPolicy(text: string | undefined): unknown {
  if (!text) return undefined;
  for (const candidate of [text, (() => { try { return decodeURIComponent(text); } catch { return undefined; } })()]) {
    if (candidate === undefined) continue;
    try {
      return JSON.parse(candidate);
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

/** Whether a trust policy has an Allow statement that lets Lambda call sts:AssumeRole. */
export function trustsLambda(policy: unknown): boolean {
  if (typeof policy !== 'object' || policy === null) return false;
  return asList((policy as { Statement?: unknown }).Statement).some((statement) => {
    if (typeof statement !== 'object' || statement === null) return false;
    const s = statement as { Effect?: unknown; Action?: unknown; Principal?: unknown; Condition?: unknown };
    if (s.Effect !== 'Allow') return false;
    const actions = asList(s.Action);
    if (!actions.some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*')) return false;
    const principal = s.Principal as { Service?: unknown } | undefined;
    return typeof principal === 'object' && principal !== null && asList(principal.Service).includes(LAMBDA_SERVICE);
  });
}

/** The roles Lambda can assume, by name. */
export function lambdaRoles(roles: readonly ListedRole[]): RoleChoice[] {
  return roles
    .filter((r) => r.Arn && r.RoleName && trustsLambda(parseTrustPolicy(r.AssumeRolePolicyDocument)))
    .map((r) => ({ name: r.RoleName!, arn: r.Arn!, ...(r.Description ? { description: r.Description } : {}) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A role name for "create one": the function's name, kept within IAM's 64 characters and its alphabet. */
export function suggestedRoleName(functionName: string): string {
  const base = functionName.replace(/[^A-Za-z0-9+=,.@_-]/g, '-');
  return `${base.slice(0, 64 - '-execution'.length)}-execution`;
}

/** IAM's rule for role names: 1–64 of letters, digits and +=,.@_- . */
export function roleNameProblem(name: string): string | undefined {
  if (!name) return 'Give the role a name.';
  if (name.length > 64) return 'A role name has at most 64 characters.';
  if (!/^[A-Za-z0-9+=,.@_-]+$/.test(name)) return 'A role name uses letters, digits and + = , . @ _ - only.';
  return undefined;
}

/** An IAM role ARN as Lambda's CreateFunction takes it. */
export function roleArnProblem(arn: string): string | undefined {
  return /^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/.test(arn) ? undefined : 'Give a role ARN such as arn:aws:iam::123456789012:role/my-function-role.';
}
