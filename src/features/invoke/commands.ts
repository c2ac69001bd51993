/**
 * The invoke commands' flows, loaded on first use so activation stays light
 * (saved events pull in the JSON parser).
 */
import * as vscode from 'vscode';
import type { FunctionTarget } from '../../shared/target';
import type { Workbench } from '../../workbench/context';
import { functionPanels } from '../../workbench/panel/functionPanels';
import { pickFunction, pickQualifier } from '../../workbench/pickers';
import { toFunctionTarget } from '../../workbench/target';
import { InvokeController } from './controller';
import { EventCatalog, type EventChoice } from './eventCatalog';
import { InvokeHistory } from './history';
import type { InvocationView, InvokeParams } from './protocol';

/**
 * The Invoke tab of the function's panel, opened (or brought forward). With `keepLogs`, a panel
 * showing its Logs tab stays there: whoever watches the logs sees the call's lines arrive.
 */
async function invokeTab(ws: Workbench, target: FunctionTarget, keepLogs = false): Promise<InvokeController> {
  const panels = await functionPanels(ws);
  const watchingLogs = keepLogs && panels.find(target)?.shownTab === 'logs';
  const panel = panels.open(target, watchingLogs ? undefined : 'invoke');
  const controller = panel.controller('invoke');
  if (!(controller instanceof InvokeController)) throw new Error('The Invoke tab is not available.');
  return controller;
}

/** Opens the function's panel on the Invoke tab and runs the call there, so the result shows in it. */
export async function invokeInPanel(ws: Workbench, target: FunctionTarget, params: InvokeParams, debugEnvironment?: Record<string, string>): Promise<InvocationView> {
  return (await invokeTab(ws, target, true)).invoke(params, { debugEnvironment });
}

async function pickEvent(ws: Workbench, target: FunctionTarget): Promise<EventChoice | undefined> {
  type Item = vscode.QuickPickItem & { load?: () => Promise<EventChoice> };
  const catalog = new EventCatalog(ws.extension.workspaceState);
  const items: Item[] = [];
  const { recent, saved } = await catalog.lists(target);
  if (recent.length) items.push({ label: 'Recent', kind: vscode.QuickPickItemKind.Separator });
  for (const r of recent) {
    items.push({ label: `$(history) ${r.label}`, description: new Date(r.usedAt).toLocaleString(), load: async () => ({ payload: r.payload, label: r.label, source: r.source }) });
  }
  if (saved.length) items.push({ label: 'Saved in the workspace', kind: vscode.QuickPickItemKind.Separator });
  for (const name of saved) {
    items.push({ label: `$(file) ${name}`, description: '.lambda-workbench/events', load: async () => ({ payload: await catalog.savedStore().read(target.functionName, name), label: name, source: 'saved' }) });
  }
  items.push({ label: 'Sample events', kind: vscode.QuickPickItemKind.Separator });
  for (const s of catalog.samples) {
    items.push({ label: s.title, description: s.group, detail: s.description, load: async () => ({ payload: catalog.sample(s.id), label: s.title, source: 'sample' }) });
  }
  const picked = await vscode.window.showQuickPick(items, { title: `Invoke ${target.functionName}: event`, placeHolder: 'Event to send', matchOnDescription: true, ignoreFocusOut: true });
  return picked?.load?.();
}

/**
 * `{ form: true }`: run what the function's Invoke tab holds (its event, qualifier and type),
 * without asking. `debug`: run it under the debugger (Local Lambda functions). `params`: run
 * this event and qualifier instead of asking; `environment`: with `debug`, variables over the
 * function's own (a launch configuration's `env`).
 */
export interface InvokeOptions {
  form?: boolean;
  debug?: boolean;
  params?: InvokeParams;
  environment?: Record<string, string>;
}

const isStringMap = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

function isParams(v: unknown): v is InvokeParams {
  const p = v as Partial<InvokeParams> | null;
  return typeof p === 'object' && p !== null && typeof p.payload === 'string' && typeof p.qualifier === 'string'
    && (p.invocationType === 'RequestResponse' || p.invocationType === 'ResponseStream' || p.invocationType === 'Event' || p.invocationType === 'DryRun')
    && typeof p.clientContext === 'string' && typeof p.eventLabel === 'string' && (p.eventSource === 'sample' || p.eventSource === 'saved' || p.eventSource === 'custom');
}

function isInvokeOptions(value: unknown): value is InvokeOptions {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return (o.form === undefined || typeof o.form === 'boolean') && (o.debug === undefined || typeof o.debug === 'boolean')
    && (o.params === undefined || isParams(o.params)) && (o.environment === undefined || isStringMap(o.environment))
    && (o.form !== undefined || o.debug !== undefined || o.params !== undefined);
}

export async function invokeFunction(ws: Workbench, arg?: unknown, options?: unknown): Promise<InvocationView | undefined> {
  const target = toFunctionTarget(arg) ?? (await pickFunction(ws, 'Invoke Function'));
  if (!target) return undefined;
  const opts = isInvokeOptions(options) ? options : {};
  const debug = opts.debug === true;
  if (opts.params) return invokeInPanel(ws, target, { ...opts.params, ...(debug ? { debug } : {}) }, debug ? opts.environment : undefined);
  if (opts.form) {
    const tab = await invokeTab(ws, target, true);
    if (debug) tab.setDebugEnvironment(opts.environment);
    tab.runForm(debug);
    return undefined;
  }
  const verb = debug ? 'Debug' : 'Invoke';
  const qualifier = target.qualifier ?? (await pickQualifier(ws, target, `${verb} ${target.functionName}: version or alias`));
  if (!qualifier) return undefined;
  const event = await pickEvent(ws, target);
  if (!event) return undefined;
  return invokeInPanel(ws, { ...target, qualifier }, {
    payload: event.payload,
    qualifier,
    invocationType: 'RequestResponse',
    clientContext: '',
    eventLabel: event.label,
    eventSource: event.source,
    ...(debug ? { debug } : {}),
  }, debug ? opts.environment : undefined);
}

export async function invokeAgain(ws: Workbench): Promise<InvocationView | undefined> {
  const last = new InvokeHistory(ws.extension.workspaceState).last();
  if (!last) {
    void vscode.window.showInformationMessage('Nothing has been invoked in this workspace yet. Use "Lambda: Invoke Function…" first.');
    return undefined;
  }
  return invokeInPanel(ws, last.target, last.params);
}

export async function newSampleEvent(ws: Workbench, arg?: unknown): Promise<string | undefined> {
  const catalog = new EventCatalog(ws.extension.workspaceState);
  const picked = await vscode.window.showQuickPick(
    catalog.samples.map((s) => ({ label: s.title, description: s.group, detail: s.description, id: s.id })),
    { title: 'New Sample Event', placeHolder: 'Event source', matchOnDescription: true, matchOnDetail: true },
  );
  if (!picked) return undefined;
  const payload = catalog.sample(picked.id);
  const target = toFunctionTarget(arg);
  if (target) {
    (await invokeTab(ws, target)).setEvent(payload, picked.label);
    return payload;
  }
  const document = await vscode.workspace.openTextDocument({ language: 'json', content: payload });
  await vscode.window.showTextDocument(document);
  return payload;
}
