/** Lambda ARNs, and the account and region the Local Lambda answers as. Pure. */

/** The Local Lambda serves one region of one account. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '123456789012';

export interface ArnScope {
  region: string;
  accountId: string;
  /** "aws" unless given. */
  partition?: string;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`. */
export function lambdaFunctionArn(scope: ArnScope, name: string, qualifier?: string): string {
  return `arn:${scope.partition ?? 'aws'}:lambda:${scope.region}:${scope.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}

/** `arn:aws:lambda:<region>:<account>:layer:<name>[:<version>]`. */
export function lambdaLayerArn(scope: ArnScope, name: string, version?: number): string {
  return `arn:${scope.partition ?? 'aws'}:lambda:${scope.region}:${scope.accountId}:layer:${name}${version === undefined ? '' : `:${version}`}`;
}

/** A layer version ARN (or a layer ARN without version) split into its parts; undefined when it is not one. */
export function parseLayerArn(arn: string): { partition: string; region: string; accountId: string; name: string; version?: number } | undefined {
  const m = /^arn:(aws[a-zA-Z-]*):lambda:([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):(\d{12}):layer:([a-zA-Z0-9-_]{1,140})(?::(\d+))?$/.exec(arn);
  if (!m) return undefined;
  return { partition: m[1], region: m[2], accountId: m[3], name: m[4], ...(m[5] === undefined ? {} : { version: Number(m[5]) }) };
}

/**
 * The name a person knows a resource by, from its ARN: the queue, table, stream, topic, rule,
 * bucket or function (with its qualifier). An API Gateway ARN keeps its whole resource part
 * (`<api-id>/<stage>/<method>/<path>`), which is what tells its routes apart. Not an ARN: as given.
 */
export function arnResourceName(arn: string): string {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return arn;
  const service = parts[2];
  const resource = parts.slice(5).join(':');
  if (service === 'execute-api') return resource;
  if (service === 'lambda' && parts[5] === 'function') return parts.slice(6).join(':') || resource;
  if (resource.includes('/')) {
    const segments = resource.split('/');
    // An EventBridge rule on a custom bus is `rule/<bus>/<name>`.
    if (service === 'events' && segments[0] === 'rule') return segments[segments.length - 1] || resource;
    return segments[1] || resource;
  }
  // `broker:<name>:<id>` (Amazon MQ), `function:<name>`…: the type first, then the name.
  if (parts.length > 6) return parts[6] || resource;
  return resource;
}
