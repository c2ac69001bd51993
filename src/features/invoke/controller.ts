import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { InvocationCancelledError } from '../../aws/invoke';
import { errorMessage } from '../../shared/errors';
import { LATEST_OPTION, qualifierOptions } from '../../shared/format';
import type { IDisposable } from '../../shared/lifecycle';
import type { RequestHandlers } from '../../shared/protocol';
import { targetKey } from '../../shared/target';
import { sameFunction } from '../../workbench/context';
import type { TabController, TabHost } from '../../workbench/panel/tab';
import { offerDebuggerInstall, runUnderDebugger } from '../../workbench/localDebug';
import { requireTrust } from '../../workbench/trust';
import { EventCatalog } from './eventCatalog';
import { InvokeHistory } from './history';
import { INVOKE_LIMITS, invokeInputProblem } from './invocation';
import { keptForms } from './keptForms';
import { invokeProtocol, type InvocationView, type InvokeParams, type InvokeProtocol, type InvokeTabState, type QualifierList } from './protocol';
import { failedView, historyEntry, invocationView, type PricingConfig } from './result';
import { buildUrlRequest, urlResponseView } from './urlRequest';
import type { FunctionUrlView, UrlRequestParams, UrlResponseView } from './protocol';
import { sendHttpRequest } from '../../aws/httpRequest';

/** What the Request mode reads of an answer: a function URL answers at most 6 MB buffered, more when streamed. */
const MAX_URL_RESPONSE_BYTES = 8 * 1024 * 1024;
/** A function runs at most 15 minutes; a request waits that long and a little more. */
const URL_REQUEST_TIMEOUT_MS = 15 * 60_000 + 10_000;

/** The Invoke tab's extension side: runs invocations, keeps their history and the event lists. */
export class InvokeController implements TabController<InvokeProtocol> {
  readonly protocol = invokeProtocol;
  private running?: { id: string; params: InvokeParams; abort: AbortController };
  private last?: InvocationView;
  /** An event a command put in the editor, until the webview confirms it took it. */
  private pendingEvent?: { payload: string; label: string };
  private readonly history: InvokeHistory;
  private readonly events: EventCatalog;

  /** A run of the form was asked for (under the debugger or not) and the webview has not sent an invoke since. */
  private pendingRun: false | 'run' | 'debug' = false;
  /** Variables over the function's own for the next debug run (from a launch configuration). */
  private debugEnvironment?: Record<string, string>;
  /** What the webview's form holds (it reports changes), kept for the window when the panel closes. */
  private form?: InvokeParams;
  /** The form kept when this function's panel last closed, until the webview gets it. */
  private restoredForm?: InvokeParams;
  private readonly subscriptions: IDisposable[] = [];

  constructor(private readonly host: TabHost<InvokeProtocol>) {
    const state = host.workbench.extension.workspaceState;
    this.history = new InvokeHistory(state);
    this.events = new EventCatalog(state);
    this.restoredForm = keptForms(host.workbench).take(this.key);
    this.form = this.restoredForm;
    // A version published or an alias changed from anywhere in this window is offered at once.
    this.subscriptions.push(host.workbench.onDidChangeFunction((fn) => {
      if (sameFunction(fn, host.target)) void this.qualifiers().then((list) => host.notify('qualifiers', list));
    }));
  }

  private get key(): string {
    return targetKey(this.host.target);
  }

  readonly requests: RequestHandlers<InvokeProtocol> = {
    load: () => this.load(),
    qualifiers: () => this.qualifiers(),
    invoke: (params) => this.invoke(params),
    cancel: () => this.cancel(),
    sampleEvent: ({ id }) => ({ payload: this.events.sample(id) }),
    savedEvent: async ({ name }) => ({ payload: await this.events.savedStore().read(this.host.target.functionName, name) }),
    saveEvent: async ({ name, payload, overwrite }) => {
      await this.events.savedStore().save(this.host.target.functionName, name, payload, { overwrite });
      return this.events.lists(this.host.target);
    },
    clearHistory: () => this.history.clear(this.key),
    openLocation: (location) => this.host.workbench.openWorkspaceLocation(location),
    functionUrl: ({ qualifier }) => this.functionUrl(qualifier),
    sendRequest: (params) => this.sendRequest(params),
  };

  /** The qualifier's function URL, or null; $LATEST's is the function's own (unqualified) URL. */
  private async functionUrl(qualifier: string): Promise<FunctionUrlView | null> {
    const api = await this.host.lambda();
    const config = await api.getFunctionUrlConfig(this.host.target.functionName, qualifier && qualifier !== '$LATEST' ? qualifier : undefined);
    if (!config?.FunctionUrl) return null;
    return { url: config.FunctionUrl, authType: config.AuthType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE', invokeMode: config.InvokeMode ?? 'BUFFERED' };
  }

  /** A Local Lambda function's template API routes and where they are served; undefined elsewhere or when it has none. */
  private async apiRoutes(): Promise<FunctionUrlView | undefined> {
    if (this.host.target.connectionKind !== 'local') return undefined;
    try {
      const found = await (await this.host.lambda()).localApiRoutes(this.host.target.functionName);
      if (!found) return undefined;
      return { url: `${found.endpoint}/`, authType: 'NONE', invokeMode: 'BUFFERED', kind: 'api', routes: found.routes.map((r) => `${r.method} ${r.path}`) };
    } catch {
      return undefined;
    }
  }

  /** All the function's URLs by qualifier, so the tab knows at once which qualifiers offer the Request mode. */
  private async functionUrls(): Promise<Record<string, FunctionUrlView> | undefined> {
    try {
      const configs = await (await this.host.lambda()).listFunctionUrlConfigs(this.host.target.functionName);
      const urls: Record<string, FunctionUrlView> = {};
      for (const c of configs) {
        if (!c.FunctionUrl) continue;
        // arn:aws:lambda:<region>:<account>:function:<name>[:<alias>]
        const qualifier = c.FunctionArn?.split(':')[7] || '$LATEST';
        urls[qualifier] = { url: c.FunctionUrl, authType: c.AuthType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE', invokeMode: c.InvokeMode ?? 'BUFFERED' };
      }
      return urls;
    } catch {
      return undefined; // the tab asks per qualifier instead
    }
  }

  private urlRequest?: AbortController;

  /**
   * Sends the form's request to the URL Lambda gives for the qualifier (read again here, never
   * taken from the webview), SigV4-signed with the connection's credentials for AWS_IAM.
   */
  private async sendRequest(params: UrlRequestParams): Promise<UrlResponseView> {
    if (this.urlRequest) throw new Error('A request to the function URL is already on its way. Wait for it or cancel it.');
    const url = params.target === 'api' ? await this.apiRoutes() : await this.functionUrl(params.qualifier);
    if (!url && params.target === 'api') throw new Error(`The Local Lambda serves no API route of ${this.host.target.functionName}.`);
    if (!url) throw new Error(`${this.host.target.functionName}${params.qualifier && params.qualifier !== '$LATEST' ? `:${params.qualifier}` : ''} has no function URL.`);
    const signed = url.authType === 'AWS_IAM';
    const request = buildUrlRequest(url.url, params, { signed });
    const abort = new AbortController();
    this.urlRequest = abort;
    try {
      if (signed) request.headers = await (await this.host.lambda()).signFunctionUrlRequest(request);
      const raw = await sendHttpRequest(request, { maxBytes: MAX_URL_RESPONSE_BYTES, timeoutMs: URL_REQUEST_TIMEOUT_MS, signal: abort.signal });
      this.host.log.info(`${request.method} ${request.url.href}: ${raw.status}`);
      return urlResponseView(request, raw, signed);
    } finally {
      this.urlRequest = undefined;
    }
  }

  readonly notifications = {
    eventApplied: () => {
      this.pendingEvent = undefined;
    },
    draft: (form: InvokeParams) => {
      this.form = form;
    },
  };

  /** Puts an event in the tab's editor (from "New Sample Event…" or a CodeLens). */
  setEvent(payload: string, label: string): void {
    this.pendingEvent = { payload, label };
    this.host.notify('setEvent', this.pendingEvent);
  }

  /** Runs what the tab's form holds (event, qualifier, type), as its Invoke button does (or its Debug button, with `debug`). */
  runForm(debug = false): void {
    this.pendingRun = debug ? 'debug' : 'run';
    this.host.notify('run', debug ? { debug } : {});
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /**
   * Runs one invocation. Input that Lambda would refuse (invalid JSON, over the size limits)
   * throws before anything is sent; a refused or failed call resolves with outcome "failed".
   */
  async invoke(params: InvokeParams, options: { debugEnvironment?: Record<string, string> } = {}): Promise<InvocationView> {
    if (this.running) throw new Error('An invocation of this function is already running. Wait for it or cancel it.');
    this.pendingRun = false;
    const problem = invokeInputProblem(params);
    if (problem) throw new Error(problem);
    if (params.debug) {
      const { target } = this.host;
      if (target.connectionKind !== 'local') throw new Error(`Debugging runs functions on the Local Lambda; ${target.functionName} is on ${target.connectionLabel}.`);
      if (params.invocationType !== 'RequestResponse') throw new Error('Debug runs a synchronous (RequestResponse) call: choose that invocation type.');
      requireTrust(this.host.workbench.isTrusted, 'Debugging a function');
    }
    const debugEnvironment = options.debugEnvironment ?? this.debugEnvironment;
    this.debugEnvironment = undefined;

    const id = randomUUID();
    const at = new Date();
    const abort = new AbortController();
    this.running = { id, params, abort };
    this.host.notify('started', { ...params, id });
    let view: InvocationView;
    try {
      view = await this.call(id, at, params, abort.signal, debugEnvironment);
    } finally {
      this.running = undefined;
    }
    this.last = view;
    await this.remember(view, params);
    this.host.notify('finished', view);
    return view;
  }

  cancel(): void {
    this.running?.abort.abort();
    this.urlRequest?.abort();
  }

  /** Variables over the function's own for the next debug run, until it starts. */
  setDebugEnvironment(environment: Record<string, string> | undefined): void {
    this.debugEnvironment = environment;
  }

  private async call(id: string, at: Date, params: InvokeParams, signal: AbortSignal, debugEnvironment?: Record<string, string>): Promise<InvocationView> {
    const { functionName } = this.host.target;
    const qualifier = params.qualifier || undefined;
    try {
      const api = await this.host.lambda();
      const request = {
        functionName, qualifier, payload: params.payload, invocationType: params.invocationType, clientContext: params.clientContext || undefined, signal,
        ...(params.invocationType === 'ResponseStream' ? { onChunk: (text: string) => this.host.notify('chunk', { id, text }) } : {}),
      };
      const ws = this.host.workbench;
      const response = params.debug
        ? await runUnderDebugger({ onDidNote: (l) => ws.local.onDidNote(l), log: this.host.log, folder: vscode.workspace.workspaceFolders?.[0] }, {
          functionName,
          signal,
          call: (session, debugSignal) => api.invoke({ ...request, signal: debugSignal, debug: { session, environment: debugEnvironment } }),
        })
        : await api.invoke(request);
      if (params.debug && response.functionError) offerDebuggerInstall(response.payload);
      let pricing: PricingConfig | undefined;
      if (response.logTail) {
        const config = await api.getFunction(functionName, response.executedVersion ?? qualifier).then((f) => f.Configuration).catch(() => undefined);
        pricing = { architecture: config?.Architectures?.[0], ephemeralStorageMb: config?.EphemeralStorage?.Size, region: config?.FunctionArn?.split(':')[3] };
      }
      this.host.log.info(`Invoked ${functionName}${qualifier ? `:${qualifier}` : ''} (${params.invocationType}): ${response.statusCode}${response.functionError ? ` ${response.functionError}` : ''}`);
      return invocationView(id, at, params, response, pricing);
    } catch (error) {
      if (params.debug && error instanceof InvocationCancelledError && !signal.aborted) {
        return failedView(id, at, params, 'The debug session ended before the function returned, so the Local Lambda stopped its runtime.', true);
      }
      if (params.debug && signal.aborted) return failedView(id, at, params, 'Cancelled. The Local Lambda stopped the runtime and ended the debug session.', true);
      if (error instanceof InvocationCancelledError || signal.aborted) return failedView(id, at, params, 'Cancelled. Lambda may still finish the call; its result is not shown.', true);
      const message = errorMessage(error);
      this.host.log.error(`Invoking ${functionName}${qualifier ? `:${qualifier}` : ''} failed: ${message}`);
      return failedView(id, at, params, message);
    }
  }

  private async remember(view: InvocationView, params: InvokeParams): Promise<void> {
    try {
      await this.history.add(this.key, historyEntry(view, params.payload));
      if (view.outcome === 'cancelled') return;
      await this.history.setLast({ target: this.host.target, params });
      await this.events.remember(this.host.target, { label: params.eventLabel, payload: params.payload, source: params.eventSource });
      this.host.notify('events', await this.events.lists(this.host.target));
    } catch (error) {
      this.host.log.warn(`Could not remember the invocation: ${errorMessage(error)}`);
    }
  }

  private async load(): Promise<InvokeTabState> {
    const [qualifiers, events, functionUrls, apiRoutes] = await Promise.all([this.qualifiers(), this.events.lists(this.host.target), this.functionUrls(), this.apiRoutes()]);
    const state: InvokeTabState = {
      qualifiers,
      samples: this.events.samples.map(({ id, title, group }) => ({ id, title, group })),
      events,
      history: this.history.list(this.key),
      limits: { ...INVOKE_LIMITS },
    };
    if (functionUrls) state.functionUrls = functionUrls;
    if (apiRoutes) state.apiRoutes = apiRoutes;
    if (this.host.target.qualifier) state.initialQualifier = this.host.target.qualifier;
    if (this.running) state.running = { ...this.running.params, id: this.running.id };
    if (this.last) state.last = this.last;
    if (this.pendingEvent) this.host.notify('setEvent', this.pendingEvent);
    if (this.pendingRun) state.runNow = true;
    if (this.pendingRun === 'debug') state.runNowDebug = true;
    // An event or a run a command asked for wins over the form kept from before.
    if (this.restoredForm && !this.pendingEvent && !this.pendingRun && !this.running) state.draft = this.restoredForm;
    this.restoredForm = undefined;
    return state;
  }

  private async qualifiers(): Promise<QualifierList> {
    try {
      const { versions, aliases } = await (await this.host.lambda()).listQualifiers(this.host.target.functionName);
      return { qualifiers: qualifierOptions(versions, aliases) };
    } catch (error) {
      return { qualifiers: [LATEST_OPTION], error: `Versions and aliases could not be listed: ${errorMessage(error)}` };
    }
  }

  dispose(): void {
    // The panel closed: its form comes back the next time this function's panel opens.
    if (this.form) keptForms(this.host.workbench).keep(this.key, this.form);
    this.cancel();
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
