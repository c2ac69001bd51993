/**
 * How a webview and the extension talk: the envelope every message travels in, and typed
 * protocols that bind each message name to its parameters, its result and the schema its
 * parameters are checked against. A feature declares its protocol once (in its protocol.ts); the
 * extension side implements it as a map of handlers and the webview side calls it by name, so
 * renaming a message or changing a payload fails to compile on both sides.
 */
import type { JSONSchemaType } from 'ajv';

/** A JSON schema for values of type T (checked by the extension before a handler runs). */
export type Schema<T> = JSONSchemaType<T>;

/** A request from the webview with parameters P, answered with R (or an error message). */
export interface RequestType<P, R> {
  readonly kind: 'request';
  /** The JSON schema of P (written as Schema<P>, so it is checked against the type); undefined without parameters. */
  readonly schema: object | undefined;
  /** Never set: carries the types. */
  readonly types?: { params: P; result: R };
}

/** A notification with payload P, needing no answer. */
export interface NotificationType<P> {
  readonly kind: 'notification';
  /** The JSON schema of P; undefined without payload, or for one the webview receives (the extension is trusted). */
  readonly schema: object | undefined;
  readonly types?: { payload: P };
}

/** A request whose parameters are checked against `schema`. */
export function request<P, R>(schema: Schema<P>): RequestType<P, R> {
  return { kind: 'request', schema };
}

/** A request without parameters. */
export function query<R>(): RequestType<void, R> {
  return { kind: 'request', schema: undefined };
}

/** A notification the webview sends; its payload is checked against `schema`. */
export function event<P>(schema: Schema<P>): NotificationType<P> {
  return { kind: 'notification', schema };
}

/** A notification without payload, or one the extension sends to the webview. */
export function signal<P = void>(): NotificationType<P> {
  return { kind: 'notification', schema: undefined };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the maps hold definitions of any message type */
export interface Protocol {
  /** webview → extension, answered. */
  readonly requests: Readonly<Record<string, RequestType<any, any>>>;
  /** webview → extension. */
  readonly fromWebview: Readonly<Record<string, NotificationType<any>>>;
  /** extension → webview. */
  readonly toWebview: Readonly<Record<string, NotificationType<any>>>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export type ParamsOf<T> = T extends RequestType<infer P, unknown> ? P : never;
export type ResultOf<T> = T extends RequestType<unknown, infer R> ? R : never;
export type PayloadOf<T> = T extends NotificationType<infer P> ? P : never;

/** Arguments of a call: nothing for a `void` message, else its one value. */
export type ArgsOf<V> = [V] extends [void] ? [] : [V];

export type RequestName<P extends Protocol> = keyof P['requests'] & string;
export type FromWebviewName<P extends Protocol> = keyof P['fromWebview'] & string;

/** The extension side of a protocol's requests: one handler per request. */
export type RequestHandlers<P extends Protocol> = {
  [K in RequestName<P>]: (params: ParamsOf<P['requests'][K]>) => ResultOf<P['requests'][K]> | Promise<ResultOf<P['requests'][K]>>;
};

/** Handlers of notifications (either side); a notification without a handler is ignored. */
export type NotificationHandlers<N extends Protocol['toWebview']> = {
  [K in keyof N & string]?: (payload: PayloadOf<N[K]>) => void | Promise<void>;
};

/** Sends the notifications of `N` by name, typed. */
export type Notify<N extends Protocol['toWebview']> = <K extends keyof N & string>(type: K, ...payload: ArgsOf<PayloadOf<N[K]>>) => void;

/**
 * One message. `notify` goes either way and needs no answer. `request` (webview → extension)
 * carries an id and is answered by exactly one `reply` or `error` with the same id. `channel`
 * names the part of the page it is for: a tab of the function panel, or `frame` for the page
 * itself.
 */
export type Envelope =
  | { channel: string; kind: 'notify'; type: string; payload?: unknown }
  | { channel: string; kind: 'request'; id: number; type: string; payload?: unknown }
  | { channel: string; kind: 'reply'; id: number; payload?: unknown }
  | { channel: string; kind: 'error'; id: number; message: string };

/** The channel of the page itself (ready handshake, init, tab changes). */
export const FRAME_CHANNEL = 'frame';

const CHANNEL = /^[a-z][a-zA-Z]{0,31}$/;
const MESSAGE_TYPE = /^[a-z][a-zA-Z]{0,63}$/;

/** Structural check of a message; payloads are then checked by the protocol's schemas. */
export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.channel !== 'string' || !CHANNEL.test(v.channel)) return false;
  switch (v.kind) {
    case 'notify':
      return typeof v.type === 'string' && MESSAGE_TYPE.test(v.type);
    case 'request':
      return Number.isSafeInteger(v.id) && typeof v.type === 'string' && MESSAGE_TYPE.test(v.type);
    case 'reply':
      return Number.isSafeInteger(v.id);
    case 'error':
      return Number.isSafeInteger(v.id) && typeof v.message === 'string';
    default:
      return false;
  }
}
