/**
 * The Invoke tab's protocol (channel "invoke" of the function panel): every message by name,
 * with its parameters, its result and the schema the extension checks parameters against.
 * Plain data and types only, so the webview bundle includes it.
 */
import type { QualifierOption } from '../../shared/format';
import { event, query, request, signal, type Schema } from '../../shared/protocol';
import type { StackLocation } from '../../shared/stackFrames';

export type InvocationType = 'RequestResponse' | 'ResponseStream' | 'Event' | 'DryRun';
export const INVOCATION_TYPES: readonly InvocationType[] = ['RequestResponse', 'ResponseStream', 'Event', 'DryRun'];

export const INVOCATION_TYPE_LABELS: Record<InvocationType, string> = {
  RequestResponse: 'Synchronous (RequestResponse)',
  ResponseStream: 'Synchronous, streamed (InvokeWithResponseStream)',
  Event: 'Asynchronous (Event)',
  DryRun: 'Dry run (validate only)',
};

/** Where an event came from, for the recent list and the history. */
export type EventSource = 'sample' | 'saved' | 'custom';

export interface InvokeParams {
  payload: string;
  /** "" or "$LATEST" for the unpublished code, a version number, or an alias name. */
  qualifier: string;
  invocationType: InvocationType;
  /** JSON object text, or "" for none. */
  clientContext: string;
  eventLabel: string;
  eventSource: EventSource;
  /** Run it under the debugger (Local Lambda functions, synchronous calls). */
  debug?: boolean;
}

export interface QualifierList {
  qualifiers: QualifierOption[];
  /** Why versions and aliases could not be listed ($LATEST is still offered). */
  error?: string;
}

export interface SampleEventOption {
  id: string;
  title: string;
  group: string;
}

export interface RecentEventOption {
  label: string;
  source: EventSource;
  usedAt: string;
  payload: string;
}

export interface EventLists {
  saved: string[];
  recent: RecentEventOption[];
}

export interface InvokeLimits {
  syncPayloadBytes: number;
  asyncPayloadBytes: number;
  clientContextBytes: number;
}

export interface ReportView {
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
  coldStart: boolean;
}

export interface CostView {
  usd: number;
  /** e.g. "$0.0000021". */
  text: string;
  architecture: string;
  /** How the figure was reached, for a tooltip. */
  detail: string;
}

export interface FunctionErrorView {
  /** X-Amz-Function-Error: "Unhandled" or "Handled". */
  kind: string;
  errorType?: string;
  errorMessage?: string;
  stackTrace: string[];
}

/** One finished invocation, ready to show. */
export interface InvocationView {
  id: string;
  /** ISO time it started. */
  at: string;
  params: Omit<InvokeParams, 'payload' | 'clientContext'>;
  /** Outcome: `ok` succeeded; `functionError` ran and failed; `failed` the API refused or failed; `cancelled`. */
  outcome: 'ok' | 'functionError' | 'failed' | 'cancelled';
  statusCode?: number;
  /** e.g. "200 OK", "202 Accepted", "204 No Content". */
  statusText?: string;
  /** The response, pretty-printed when it is JSON. */
  payload?: string;
  payloadIsJson?: boolean;
  payloadBytes?: number;
  functionError?: FunctionErrorView;
  executedVersion?: string;
  logTail?: string;
  report?: ReportView;
  cost?: CostView;
  roundTripMs?: number;
  requestId?: string;
  /** The message when the outcome is `failed`. */
  error?: string;
}

/** A line of the history list (kept per function in the workspace). */
export interface HistoryEntry {
  id: string;
  at: string;
  params: Omit<InvokeParams, 'clientContext'>;
  outcome: InvocationView['outcome'];
  statusText?: string;
  durationMs?: number;
  coldStart?: boolean;
  costText?: string;
}

export interface InvokeTabState {
  qualifiers: QualifierList;
  /** The qualifier the panel was opened on, if any. */
  initialQualifier?: string;
  samples: SampleEventOption[];
  events: EventLists;
  history: HistoryEntry[];
  limits: InvokeLimits;
  /** The invocation running now, if any (e.g. after the webview reloaded). */
  running?: InvokeParams & { id: string };
  /** The last finished invocation of this panel. */
  last?: InvocationView;
  /** Run what the form holds as soon as it is loaded (a CodeLens asked while the tab was loading). */
  runNow?: boolean;
  /** …and run it under the debugger. */
  runNowDebug?: boolean;
  /** The form as it was when this function's panel was last closed in this window. */
  draft?: InvokeParams;
  /** The function's URLs by qualifier ("$LATEST" or an alias name); absent when they could not be listed. */
  functionUrls?: Record<string, FunctionUrlView>;
  /** Local Lambda functions with template API routes: where they are served (kind `api`). */
  apiRoutes?: FunctionUrlView;
}

const invokeParamsSchema: Schema<InvokeParams> = {
  type: 'object',
  properties: {
    payload: { type: 'string' },
    qualifier: { type: 'string', maxLength: 129 },
    invocationType: { type: 'string', enum: ['RequestResponse', 'ResponseStream', 'Event', 'DryRun'] },
    clientContext: { type: 'string' },
    eventLabel: { type: 'string', maxLength: 300 },
    eventSource: { type: 'string', enum: ['sample', 'saved', 'custom'] },
    debug: { type: 'boolean', nullable: true },
  },
  required: ['payload', 'qualifier', 'invocationType', 'clientContext', 'eventLabel', 'eventSource'],
  additionalProperties: false,
};

/** At most what a synchronous invocation takes (6 MB), in characters; a form is kept in memory only. */
export const MAX_DRAFT_PAYLOAD_CHARS = 6 * 1024 * 1024;

const invokeDraftSchema: Schema<InvokeParams> = {
  type: 'object',
  properties: {
    payload: { type: 'string', maxLength: MAX_DRAFT_PAYLOAD_CHARS },
    qualifier: { type: 'string', maxLength: 129 },
    invocationType: { type: 'string', enum: ['RequestResponse', 'ResponseStream', 'Event', 'DryRun'] },
    clientContext: { type: 'string', maxLength: 16384 },
    eventLabel: { type: 'string', maxLength: 300 },
    eventSource: { type: 'string', enum: ['sample', 'saved', 'custom'] },
    debug: { type: 'boolean', nullable: true },
  },
  required: ['payload', 'qualifier', 'invocationType', 'clientContext', 'eventLabel', 'eventSource'],
  additionalProperties: false,
};

/** HTTP methods the Request mode sends (a function URL takes any; these are the ones people use). */
export const URL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type UrlMethod = (typeof URL_METHODS)[number];
/** At most this many header rows, each name and value bounded: a form, not a bulk upload. */
export const MAX_URL_HEADERS = 50;
/** A function URL takes a request body of up to 6 MB (buffered and streamed alike). */
export const MAX_URL_BODY_CHARS = 6 * 1024 * 1024;

/** The function URL of the chosen qualifier, when it has one. */
export interface FunctionUrlView {
  url: string;
  authType: 'NONE' | 'AWS_IAM';
  invokeMode: string;
  /** `api`: not a function URL but where the Local Lambda serves the template's API routes for the function. */
  kind?: 'url' | 'api';
  /** For `api`: the routes, e.g. "GET /hello". */
  routes?: string[];
}

export interface UrlHeader {
  name: string;
  value: string;
}

/** What the Request mode sends to the qualifier's function URL. */
export interface UrlRequestParams {
  qualifier: string;
  /** The function URL (default), or the Local Lambda's API routes of the function. */
  target?: 'url' | 'api';
  method: UrlMethod;
  /** Starts with "/"; joined to the URL's own path. */
  path: string;
  /** The query string without its "?" (already encoded as it should be sent, e.g. "a=1&b=x%20y"). */
  query: string;
  headers: UrlHeader[];
  body: string;
}

export interface UrlResponseView {
  /** The URL the request went to. */
  url: string;
  method: UrlMethod;
  status: number;
  statusText: string;
  headers: UrlHeader[];
  /** The body as text, pretty-printed when it is JSON. */
  body: string;
  bodyIsJson: boolean;
  bodyBytes: number;
  /** The body was longer than what is shown. */
  truncated: boolean;
  /** From sending the request to the end of the answer. */
  durationMs: number;
  /** The request was SigV4-signed with the connection's credentials. */
  signed: boolean;
}

const urlRequestSchema: Schema<UrlRequestParams> = {
  type: 'object',
  properties: {
    qualifier: { type: 'string', maxLength: 129 },
    target: { type: 'string', enum: ['url', 'api'], nullable: true },
    method: { type: 'string', enum: [...URL_METHODS] },
    path: { type: 'string', maxLength: 4096 },
    query: { type: 'string', maxLength: 8192 },
    headers: {
      type: 'array',
      maxItems: MAX_URL_HEADERS,
      items: {
        type: 'object',
        properties: { name: { type: 'string', maxLength: 256 }, value: { type: 'string', maxLength: 8192 } },
        required: ['name', 'value'],
        additionalProperties: false,
      },
    },
    body: { type: 'string', maxLength: MAX_URL_BODY_CHARS },
  },
  required: ['qualifier', 'method', 'path', 'query', 'headers', 'body'],
  additionalProperties: false,
};

export const invokeProtocol = {
  requests: {
    /** Everything the tab shows when it (re)loads. */
    load: query<InvokeTabState>(),
    /** Versions and aliases, read again. */
    qualifiers: query<QualifierList>(),
    /** Runs one invocation (also announced with `started` / `finished`). */
    invoke: request<InvokeParams, InvocationView>(invokeParamsSchema),
    /** Cancels the running invocation. */
    cancel: query<void>(),
    /** A freshly rendered sample event. */
    sampleEvent: request<{ id: string }, { payload: string }>({
      type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'], additionalProperties: false,
    }),
    /** An event saved in the workspace. */
    savedEvent: request<{ name: string }, { payload: string }>({
      type: 'object', properties: { name: { type: 'string', maxLength: 200 } }, required: ['name'], additionalProperties: false,
    }),
    saveEvent: request<{ name: string; payload: string; overwrite: boolean }, EventLists>({
      type: 'object',
      properties: { name: { type: 'string', maxLength: 200 }, payload: { type: 'string' }, overwrite: { type: 'boolean' } },
      required: ['name', 'payload', 'overwrite'],
      additionalProperties: false,
    }),
    clearHistory: query<void>(),
    /** The function URL of a qualifier ("" or "$LATEST" for the function's own), or null when it has none. */
    functionUrl: request<{ qualifier: string }, FunctionUrlView | null>({
      type: 'object', properties: { qualifier: { type: 'string', maxLength: 129 } }, required: ['qualifier'], additionalProperties: false,
    }),
    /** Sends one HTTP request to the qualifier's function URL (signed for AWS_IAM) and answers what came back. */
    sendRequest: request<UrlRequestParams, UrlResponseView>(urlRequestSchema),
    /** Opens the workspace file a stack frame names, at its line. */
    openLocation: request<StackLocation, void>({
      type: 'object',
      properties: { file: { type: 'string', minLength: 1, maxLength: 4096 }, line: { type: 'integer', minimum: 1 }, column: { type: 'integer', minimum: 1, nullable: true } },
      required: ['file', 'line'],
      additionalProperties: false,
    }),
  },
  fromWebview: {
    /** The editor took the event of the last `setEvent`. */
    eventApplied: signal(),
    /** What the form holds now (sent shortly after each change), kept for when the panel closes. */
    draft: event<InvokeParams>(invokeDraftSchema),
  },
  toWebview: {
    /** An invocation began, from the panel or a command. */
    started: signal<InvokeParams & { id: string }>(),
    finished: signal<InvocationView>(),
    /** A streamed call's bytes as they arrive (ResponseStream), as text. */
    chunk: signal<{ id: string; text: string }>(),
    /** Put an event in the editor. */
    setEvent: signal<{ payload: string; label: string }>(),
    /** Saved or recent events changed. */
    events: signal<EventLists>(),
    /** Versions or aliases changed (published, created, deleted elsewhere). */
    qualifiers: signal<QualifierList>(),
    /** Run what the form holds now, as the Invoke button would (or the Debug button, with `debug`). */
    run: signal<{ debug?: boolean }>(),
  },
} as const;
export type InvokeProtocol = typeof invokeProtocol;
