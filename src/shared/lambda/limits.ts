/**
 * Lambda's documented limits and name rules, in one place for the extension (which checks
 * before sending) and the Local Lambda (which enforces them like the service). Sources: the
 * Lambda developer guide ("Lambda quotas") and the Lambda service model (its shapes'
 * length, range and pattern traits). Pure; no I/O.
 */

const MiB = 1024 * 1024;

/** ResponseStream is a synchronous call answered as a stream (InvokeWithResponseStream). */
export type InvocationKind = 'RequestResponse' | 'Event' | 'DryRun' | 'ResponseStream';

/**
 * Invocation payloads. Synchronous requests and responses: 6 MB (6,291,456 bytes; a larger
 * request is refused with 413 RequestEntityTooLargeException, a larger response becomes a
 * Function.ResponseSizeTooLarge error). Asynchronous (Event) payloads: 1 MB since October 2025
 * (256 KB before). The client context, base64-encoded, may be at most 3,583 bytes and is sent
 * with synchronous calls only. DryRun sends the same request as a synchronous call, so it is
 * held to the same limit.
 */
export const INVOKE_LIMITS = {
  syncPayloadBytes: 6 * MiB,
  asyncPayloadBytes: MiB,
  clientContextBytes: 3583,
} as const;

/** The largest response a function may return to a synchronous call. */
export const MAX_RESPONSE_BYTES = INVOKE_LIMITS.syncPayloadBytes;

/** The largest request payload an invocation of this kind accepts. */
export function payloadLimit(kind: InvocationKind): number {
  return kind === 'Event' ? INVOKE_LIMITS.asyncPayloadBytes : INVOKE_LIMITS.syncPayloadBytes;
}

/**
 * Code size for .zip packages: 50 MB zipped when uploaded directly through the API, 250 MB
 * unzipped (code and layers). "MB" is MiB here, as in the GetAccountSettings answer
 * (CodeSizeZipped 52428800, CodeSizeUnzipped 262144000).
 */
export const MAX_ZIPPED_DIRECT_UPLOAD_BYTES = 50 * MiB;
export const MAX_UNZIPPED_BYTES = 250 * MiB;

/** A function may use at most this many layers. */
export const MAX_LAYERS = 5;

export interface NumericLimit {
  min: number;
  max: number;
  /** What a new function gets when the setting is not given. */
  default: number;
  unit: 'MB' | 's';
}

/** Memory 128–10,240 MB in 1 MB steps, timeout 1–900 s, /tmp 512–10,240 MB. */
export const SETTING_LIMITS = {
  memorySize: { min: 128, max: 10240, default: 128, unit: 'MB' },
  timeout: { min: 1, max: 900, default: 3, unit: 's' },
  ephemeralStorage: { min: 512, max: 10240, default: 512, unit: 'MB' },
} as const satisfies Record<string, NumericLimit>;

/** A function's (or a version's) description: 0–256 characters. */
export const DESCRIPTION_MAX_LENGTH = 256;

/** A function name without ARN: letters, digits, "-" and "_", 1–64 characters. */
export const FUNCTION_NAME_PATTERN = /^[a-zA-Z0-9-_]{1,64}$/;

/** An alias name: like a function name but up to 128 characters, and not only digits (that is a version). */
export const ALIAS_NAME_PATTERN = /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/;

/** A published version number. */
export const VERSION_PATTERN = /^[0-9]+$/;

/**
 * A qualifier: $LATEST, a version number or an alias name (1–128 characters). The service
 * model allows "$" anywhere (`(|[a-zA-Z0-9$_-]+)`); only $LATEST can name anything, so this
 * takes the strict reading.
 */
export const QUALIFIER_PATTERN = /^(\$LATEST|[a-zA-Z0-9-_]{1,128})$/;
