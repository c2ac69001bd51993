/**
 * Our own error classes for everything that can go wrong talking to AWS (or an
 * AWS-compatible endpoint), each with a message a person can act on.
 */

export type WorkbenchErrorKind = 'credentials' | 'network' | 'accessDenied' | 'notFound' | 'throttled' | 'service' | 'localLambda';

export class WorkbenchError extends Error {
  constructor(
    readonly kind: WorkbenchErrorKind,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'WorkbenchError';
  }
}

export class CredentialsError extends WorkbenchError {
  /** The shell command that fixes it, e.g. `aws sso login --profile dev`, when there is one. */
  readonly fixCommand?: string;
  constructor(message: string, fixCommand?: string, cause?: unknown) {
    super('credentials', message, cause);
    this.name = 'CredentialsError';
    this.fixCommand = fixCommand;
  }
}

export class NetworkError extends WorkbenchError {
  constructor(message: string, cause?: unknown) {
    super('network', message, cause);
    this.name = 'NetworkError';
  }
}

export class LocalLambdaError extends WorkbenchError {
  constructor(message: string, cause?: unknown) {
    super('localLambda', message, cause);
    this.name = 'LocalLambdaError';
  }
}

/** What we know about where a request went, to word the message. */
export interface ErrorContext {
  /** Profile name for AWS connections. */
  profile?: string;
  /** The profile signs in through IAM Identity Center (SSO). */
  sso?: boolean;
  /** Custom or local endpoint; undefined means the regular AWS endpoint for the region. */
  endpoint?: string;
  region?: string;
  /** The API operation, for "this endpoint does not support X" (e.g. StartLiveTail). */
  operation?: string;
}

const CREDENTIAL_ERROR_NAMES = new Set([
  'CredentialsProviderError',
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
  'UnauthorizedException',
  'InvalidGrantException',
]);

const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function asErrorLike(value: unknown): ErrorLike {
  return typeof value === 'object' && value !== null ? (value as ErrorLike) : { message: String(value) };
}

/** Where the request went, for messages: the custom endpoint or AWS Lambda in the region. */
export function describeTarget(ctx: ErrorContext): string {
  if (ctx.endpoint) return ctx.endpoint;
  return `lambda.${ctx.region ?? 'us-east-1'}.amazonaws.com`;
}

/** Maps an SDK (or Node) error to a WorkbenchError with a human message. Idempotent. */
export function toWorkbenchError(error: unknown, ctx: ErrorContext): WorkbenchError {
  if (error instanceof WorkbenchError) return error;
  const e = asErrorLike(error);
  const name = e.name ?? '';
  const detail = e.message ?? String(error);

  if (CREDENTIAL_ERROR_NAMES.has(name) || /security token.*(expired|invalid)|credential.*(expired|missing|could not)/i.test(detail)) {
    return credentialsError(ctx, detail, error);
  }
  if ((e.code && NETWORK_ERROR_CODES.has(e.code)) || name === 'TimeoutError' || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|socket hang up/.test(detail)) {
    return new NetworkError(`Cannot reach ${describeTarget(ctx)}: ${networkReason(e.code, detail)}`, error);
  }
  const status = e.$metadata?.httpStatusCode;
  const unsupported = unsupportedOperation(e, ctx.operation);
  if (unsupported) return new WorkbenchError('service', unsupported, error);
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || status === 403) {
    const who = ctx.profile ? `Profile ${ctx.profile}` : 'These credentials';
    return new WorkbenchError('accessDenied', `${who} is not allowed to do this: ${detail}`, error);
  }
  if (name === 'ResourceNotFoundException' || status === 404) {
    return new WorkbenchError('notFound', `Not found: ${detail}`, error);
  }
  if (name === 'TooManyRequestsException' || name === 'ThrottlingException' || status === 429) {
    return new WorkbenchError('throttled', `Too many requests, try again in a moment: ${detail}`, error);
  }
  return new WorkbenchError('service', name && name !== 'Error' ? `${name}: ${detail}` : detail, error);
}

/** Error names endpoints use for an operation they do not implement. */
export const UNKNOWN_OPERATION_NAMES = new Set([
  'UnknownOperationException', 'UnknownOperation', 'UnsupportedOperationException', 'UnsupportedOperation',
  'InvalidAction', 'NotImplemented', 'NotImplementedException', 'UnrecognizedClientOperation',
]);

/**
 * "This endpoint does not support X (…)" when the answer says the operation is unknown, or is not
 * the JSON the protocol requires (an HTML error page, typically): the SDK reports the latter as
 * a SyntaxError from its deserializer, which means nothing to a person.
 */
export function unsupportedOperation(error: unknown, operation = 'this operation'): string | undefined {
  const e = asErrorLike(error);
  const status = e.$metadata?.httpStatusCode;
  const http = status ? `HTTP ${status}` : undefined;
  if (UNKNOWN_OPERATION_NAMES.has(e.name ?? '')) {
    const said = `${e.name}${e.message ? `: ${e.message}` : ''}`;
    return `This endpoint does not support ${operation} (${http ? `${http}, ` : ''}${said}).`;
  }
  const detail = e.message ?? '';
  if ((e.name === 'SyntaxError' && e.$metadata) || /Deserialization error/i.test(detail)) {
    // The SDK quotes the start of the body: `Unexpected token '<', "<html>..." is not valid JSON`.
    const what = /"\s*<|token '<'/.test(detail) ? 'an HTML page' : 'something that is not JSON';
    return `This endpoint does not support ${operation} (${http ? `${http}: ` : ''}it answered with ${what} instead of JSON).`;
  }
  return undefined;
}

function credentialsError(ctx: ErrorContext, detail: string, cause: unknown): CredentialsError {
  if (!ctx.profile) {
    return new CredentialsError(`The credentials were rejected by ${describeTarget(ctx)}: ${detail}`, undefined, cause);
  }
  if (ctx.sso) {
    const fix = `aws sso login --profile ${ctx.profile}`;
    return new CredentialsError(`Credentials for profile ${ctx.profile} have expired or are missing. Run \`${fix}\``, fix, cause);
  }
  const fix = `aws configure --profile ${ctx.profile}`;
  return new CredentialsError(
    `Credentials for profile ${ctx.profile} have expired or are missing (${detail}). Check the profile in your AWS config, or run \`${fix}\``,
    fix,
    cause,
  );
}

function networkReason(code: string | undefined, detail: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the service running?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found (check the address and your network)';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    default:
      return detail;
  }
}
