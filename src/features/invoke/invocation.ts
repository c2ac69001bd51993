import { formatBytes, utf8Length } from '../../shared/units';
import { describeJsonProblem, findJsonProblem } from '../../shared/json';
import { INVOKE_LIMITS, payloadLimit, type InvocationKind } from '../../shared/lambda/limits';

/**
 * Rules for invoking a function that hold before and after the call: what to say when an event
 * or client context breaks Lambda's limits (shared/lambda/limits), and reading a function's
 * error out of its response.
 */

export { INVOKE_LIMITS };

/** Why an event is too large to send with this invocation type, or undefined when it fits. */
export function payloadSizeProblem(payload: string, kind: InvocationKind): string | undefined {
  const bytes = utf8Length(payload);
  const limit = payloadLimit(kind);
  if (bytes <= limit) return undefined;
  const how = kind === 'Event' ? 'Asynchronous (Event) invocations' : 'Synchronous invocations';
  return `The event is ${formatBytes(bytes)} (${bytes.toLocaleString('en-US')} bytes); ${how} accept at most ${formatBytes(limit)} (${limit.toLocaleString('en-US')} bytes). It was not sent.`;
}

/**
 * Why a client context cannot be sent, or undefined when it can (or is empty). It must be a
 * JSON object, and its base64 form must fit in 3,583 bytes; asynchronous calls do not carry it.
 */
export function clientContextProblem(text: string, kind: InvocationKind): string | undefined {
  if (!text.trim()) return undefined;
  if (kind === 'Event') return 'A client context is only sent with synchronous invocations; clear it or choose RequestResponse.';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `The client context is not valid JSON: ${(error as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'The client context must be a JSON object, e.g. {"custom": {"key": "value"}}.';
  const encoded = Math.ceil(utf8Length(text) / 3) * 4;
  if (encoded > INVOKE_LIMITS.clientContextBytes) {
    return `The client context is ${encoded.toLocaleString('en-US')} bytes once base64-encoded; Lambda accepts at most ${INVOKE_LIMITS.clientContextBytes.toLocaleString('en-US')}.`;
  }
  return undefined;
}

export interface FunctionErrorDetails {
  errorType?: string;
  errorMessage?: string;
  stackTrace: string[];
}

/**
 * The error a failed function returns: `{"errorType", "errorMessage", "trace"}` from Node.js
 * (stack lines as strings), `"stackTrace"` from Python (formatted frames, or [file, line,
 * function, code] tuples from older runtimes).
 */
export function parseFunctionError(payload: string): FunctionErrorDetails {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return { errorMessage: payload || undefined, stackTrace: [] };
  }
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' && x ? x : undefined);
  // Python runtimes answer `stackTrace`, Node.js runtimes `trace`.
  const trace = Array.isArray(v.stackTrace) ? v.stackTrace : Array.isArray(v.trace) ? v.trace : [];
  const stackTrace = trace.flatMap((line): string[] => {
    if (typeof line === 'string') return line.split('\n').map((l) => l.trimEnd()).filter(Boolean);
    if (Array.isArray(line) && line.length >= 3) return [`File "${line[0]}", line ${line[1]}, in ${line[2]}${line[3] ? `: ${line[3]}` : ''}`];
    return [];
  });
  return { errorType: str(v.errorType), errorMessage: str(v.errorMessage) ?? (typeof value === 'string' ? value : undefined), stackTrace };
}

/** A response payload for reading: JSON pretty-printed with two spaces, anything else as is. */
export function prettyPayload(payload: string): { text: string; json: boolean } {
  if (!payload.trim()) return { text: '', json: false };
  try {
    return { text: JSON.stringify(JSON.parse(payload), null, 2), json: true };
  } catch {
    return { text: payload, json: false };
  }
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 202: 'Accepted', 204: 'No Content' };

/** "200 OK", "202 Accepted", "204 No Content". */
export function statusText(statusCode: number): string {
  return STATUS_TEXT[statusCode] ? `${statusCode} ${STATUS_TEXT[statusCode]}` : String(statusCode);
}

/** Why an event cannot be sent, checked before anything reaches Lambda; undefined when it can. */
export function invokeInputProblem(input: { payload: string; invocationType: InvocationKind; clientContext: string }): string | undefined {
  const json = findJsonProblem(input.payload);
  if (json) return `The event is not valid JSON (${describeJsonProblem(json)}). It was not sent.`;
  return payloadSizeProblem(input.payload, input.invocationType) ?? clientContextProblem(input.clientContext, input.invocationType);
}
