/**
 * Messages of the Invoke tab, inside the function panel's envelope (tab "invoke").
 * Imports nothing, so the webview bundle can include it.
 *
 * Requests (webview → extension, answered by a reply):
 *   load          → InvokeTabState
 *   qualifiers    → QualifierList                 (reloads versions and aliases)
 *   invoke        InvokeParams → InvocationView    (also announced with `started` / `finished`)
 *   cancel        → void                           (cancels the running invocation)
 *   sampleEvent   { id } → { payload }             (a freshly rendered sample)
 *   savedEvent    { name } → { payload }
 *   saveEvent     { name, payload, overwrite } → { saved: string[] }
 *   clearHistory  → void
 * Notifications (extension → webview):
 *   started       InvokeParams & { id }            (an invocation began, from the panel or a command)
 *   finished      InvocationView
 *   setEvent      { payload, label }               (put an event in the editor)
 *   events        EventLists                       (saved or recent events changed)
 */

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';
export const INVOCATION_TYPES: readonly InvocationType[] = ['RequestResponse', 'Event', 'DryRun'];

export const INVOCATION_TYPE_LABELS: Record<InvocationType, string> = {
  RequestResponse: 'Synchronous (RequestResponse)',
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
}

export interface QualifierOption {
  /** What is sent as Qualifier; "$LATEST" for the unpublished code. */
  value: string;
  kind: 'latest' | 'version' | 'alias';
  /** e.g. "→ 1 (90%) · 2 (10%)" for an alias. */
  description?: string;
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
}
