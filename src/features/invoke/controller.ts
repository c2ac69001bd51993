import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { InvocationCancelledError } from '../../aws/invoke';
import { RecentEvents } from './recentEvents';
import { SavedEventStore } from './savedEvents';
import { describeAlias } from '../../shared/format';
import { INVOKE_LIMITS, invokeInputProblem } from './invocation';
import { renderSampleEvent, SAMPLE_EVENTS } from './sampleEvents';
import { validate, type Schema } from '../../workbench/panel/validate';
import { resolveLambda } from '../../workbench/connection';
import { targetKey } from '../../shared/target';
import type { TabController, TabHost } from '../../workbench/panel/tab';
import { InvokeHistory } from './history';
import { INVOCATION_TYPES, type EventLists, type EventSource, type InvocationView, type InvokeParams, type InvokeTabState, type QualifierList } from './protocol';
import { failedView, historyEntry, invocationView, type PricingConfig } from './result';

const invokeParamsSchema: Schema<InvokeParams> = {
  type: 'object',
  properties: {
    payload: { type: 'string' },
    qualifier: { type: 'string', maxLength: 129 },
    invocationType: { type: 'string', enum: [...INVOCATION_TYPES] },
    clientContext: { type: 'string' },
    eventLabel: { type: 'string', maxLength: 300 },
    eventSource: { type: 'string', enum: ['sample', 'saved', 'custom'] },
  },
  required: ['payload', 'qualifier', 'invocationType', 'clientContext', 'eventLabel', 'eventSource'],
  additionalProperties: false,
};
const idSchema: Schema<{ id: string }> = { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'], additionalProperties: false };
const nameSchema: Schema<{ name: string }> = { type: 'object', properties: { name: { type: 'string', maxLength: 200 } }, required: ['name'], additionalProperties: false };
const saveSchema: Schema<{ name: string; payload: string; overwrite: boolean }> = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 200 }, payload: { type: 'string' }, overwrite: { type: 'boolean' } },
  required: ['name', 'payload', 'overwrite'],
  additionalProperties: false,
};

/** The Invoke tab's extension side: runs invocations, keeps their history and the event lists. */
export class InvokeController implements TabController {
  private running?: { id: string; params: InvokeParams; abort: AbortController };
  private last?: InvocationView;
  /** An event a command put in the editor, until the webview confirms it took it. */
  private pendingEvent?: { payload: string; label: string };
  private readonly history: InvokeHistory;
  private readonly recent: RecentEvents;

  constructor(private readonly host: TabHost) {
    const state = host.workbench.extension.workspaceState;
    this.history = new InvokeHistory(state);
    this.recent = new RecentEvents(state);
  }

  private get key(): string {
    return targetKey(this.host.target);
  }

  async onRequest(type: string, payload: unknown): Promise<unknown> {
    switch (type) {
      case 'load':
        return this.load();
      case 'qualifiers':
        return this.qualifiers();
      case 'invoke':
        return this.invoke(validate(invokeParamsSchema, payload, 'invocation'));
      case 'cancel':
        this.cancel();
        return undefined;
      case 'sampleEvent': {
        const { id } = validate(idSchema, payload, 'sample event');
        return { payload: renderSampleEvent(id) };
      }
      case 'savedEvent': {
        const { name } = validate(nameSchema, payload, 'saved event');
        return { payload: await this.savedEvents().read(this.host.target.functionName, name) };
      }
      case 'saveEvent': {
        const { name, payload: json, overwrite } = validate(saveSchema, payload, 'event to save');
        await this.savedEvents().save(this.host.target.functionName, name, json, { overwrite });
        return this.eventLists();
      }
      case 'clearHistory':
        await this.history.clear(this.key);
        return undefined;
      default:
        throw new Error(`The Invoke tab does not know the request "${type}".`);
    }
  }

  onNotify(type: string): void {
    if (type === 'eventApplied') this.pendingEvent = undefined;
  }

  /** Puts an event in the tab's editor (from "New Sample Event…" or a CodeLens). */
  setEvent(payload: string, label: string): void {
    this.pendingEvent = { payload, label };
    this.host.notify('setEvent', this.pendingEvent);
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /**
   * Runs one invocation. Input that Lambda would refuse (invalid JSON, over the size limits)
   * throws before anything is sent; a refused or failed call resolves with outcome "failed".
   */
  async invoke(params: InvokeParams): Promise<InvocationView> {
    if (this.running) throw new Error('An invocation of this function is already running. Wait for it or cancel it.');
    const problem = invokeInputProblem(params);
    if (problem) throw new Error(problem);

    const id = randomUUID();
    const at = new Date();
    const abort = new AbortController();
    this.running = { id, params, abort };
    this.host.notify('started', { ...params, id });
    let view: InvocationView;
    try {
      view = await this.call(id, at, params, abort.signal);
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
  }

  private async call(id: string, at: Date, params: InvokeParams, signal: AbortSignal): Promise<InvocationView> {
    const { functionName } = this.host.target;
    const qualifier = params.qualifier || undefined;
    try {
      const api = await resolveLambda(this.host);
      const response = await api.invoke({ functionName, qualifier, payload: params.payload, invocationType: params.invocationType, clientContext: params.clientContext || undefined, signal });
      let pricing: PricingConfig | undefined;
      if (response.logTail) {
        const config = await api.getFunction(functionName, response.executedVersion ?? qualifier).then((f) => f.Configuration).catch(() => undefined);
        pricing = { architecture: config?.Architectures?.[0], ephemeralStorageMb: config?.EphemeralStorage?.Size };
      }
      this.host.log.info(`Invoked ${functionName}${qualifier ? `:${qualifier}` : ''} (${params.invocationType}): ${response.statusCode}${response.functionError ? ` ${response.functionError}` : ''}`);
      return invocationView(id, at, params, response, pricing);
    } catch (error) {
      if (error instanceof InvocationCancelledError || signal.aborted) return failedView(id, at, params, 'Cancelled. Lambda may still finish the call; its result is not shown.', true);
      const message = error instanceof Error ? error.message : String(error);
      this.host.log.error(`Invoking ${functionName}${qualifier ? `:${qualifier}` : ''} failed: ${message}`);
      return failedView(id, at, params, message);
    }
  }

  private async remember(view: InvocationView, params: InvokeParams): Promise<void> {
    try {
      await this.history.add(this.key, historyEntry(view, params.payload));
      if (view.outcome === 'cancelled') return;
      await this.history.setLast({ target: this.host.target, params });
      await this.recent.add(this.key, { label: params.eventLabel || 'Custom event', payload: params.payload, source: params.eventSource });
      this.host.notify('events', await this.eventLists());
    } catch (error) {
      this.host.log.warn(`Could not remember the invocation: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async load(): Promise<InvokeTabState> {
    const [qualifiers, events] = await Promise.all([this.qualifiers(), this.eventLists()]);
    const state: InvokeTabState = {
      qualifiers,
      samples: SAMPLE_EVENTS.map(({ id, title, group }) => ({ id, title, group })),
      events,
      history: this.history.list(this.key),
      limits: { ...INVOKE_LIMITS },
    };
    if (this.host.target.qualifier) state.initialQualifier = this.host.target.qualifier;
    if (this.running) state.running = { ...this.running.params, id: this.running.id };
    if (this.last) state.last = this.last;
    if (this.pendingEvent) this.host.notify('setEvent', this.pendingEvent);
    return state;
  }

  private async qualifiers(): Promise<QualifierList> {
    const list: QualifierList = { qualifiers: [{ value: '$LATEST', kind: 'latest', description: 'unpublished code' }] };
    try {
      const api = await resolveLambda(this.host);
      const { versions, aliases } = await api.listQualifiers(this.host.target.functionName);
      for (const alias of aliases) {
        if (!alias.Name) continue;
        list.qualifiers.push({
          value: alias.Name,
          kind: 'alias',
          description: describeAlias({ functionVersion: alias.FunctionVersion, additionalVersionWeights: alias.RoutingConfig?.AdditionalVersionWeights }),
        });
      }
      for (const version of [...versions].sort((a, b) => Number(b) - Number(a))) list.qualifiers.push({ value: version, kind: 'version' });
    } catch (error) {
      list.error = `Versions and aliases could not be listed: ${error instanceof Error ? error.message : String(error)}`;
    }
    return list;
  }

  private savedEvents(): SavedEventStore {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!folder) throw new Error('Open a folder to save events: they are kept in .lambda-workbench/events/ of the workspace.');
    return new SavedEventStore(folder);
  }

  private async eventLists(): Promise<EventLists> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const saved = folder ? (await new SavedEventStore(folder).list(this.host.target.functionName).catch(() => [])).map((e) => e.name) : [];
    const recent = this.recent.list(this.key).map((e) => ({ label: e.label, source: e.source as EventSource, usedAt: e.usedAt, payload: e.payload }));
    return { saved, recent };
  }

  dispose(): void {
    this.cancel();
  }
}
