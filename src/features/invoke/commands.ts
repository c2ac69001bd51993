/**
 * The invoke commands' flows, loaded on first use so activation stays light
 * (saved events pull in the JSON parser).
 */
import * as vscode from 'vscode';
import { RecentEvents } from './recentEvents';
import { SavedEventStore } from './savedEvents';
import { describeAlias } from '../../shared/format';
import { resolveLambda } from '../../workbench/connection';
import type { InvokeController } from './controller';
import { InvokeHistory } from './history';
import type { EventSource, InvocationView, InvokeParams } from './protocol';
import { targetKey, type FunctionTarget } from '../../shared/target';
import { toFunctionTarget } from '../../workbench/target';
import type { WorkbenchContext } from '../../workbench/context';
import { functionPanels } from '../functionPanel/register';
import { pickFunction } from '../../workbench/pickers';

interface EventChoice {
  payload: string;
  label: string;
  source: EventSource;
}

/** Opens the function's panel on the Invoke tab and runs the call there, so the result shows in it. */
export async function invokeInPanel(ctx: WorkbenchContext, target: FunctionTarget, params: InvokeParams): Promise<InvocationView> {
  const panel = (await functionPanels(ctx)).open(target, 'invoke');
  const controller = panel.controller('invoke') as InvokeController | undefined;
  if (!controller) throw new Error('The Invoke tab is not available.');
  return controller.invoke(params);
}

async function pickQualifier(ctx: WorkbenchContext, target: FunctionTarget): Promise<string | undefined> {
  type Item = vscode.QuickPickItem & { value?: string };
  const quickPick = vscode.window.createQuickPick<Item>();
  quickPick.title = `Invoke ${target.functionName}: version or alias`;
  quickPick.placeholder = 'Qualifier';
  quickPick.items = [{ label: '$LATEST', description: 'unpublished code', value: '$LATEST' }];
  quickPick.busy = true;
  quickPick.show();
  try {
    void resolveLambda({ target, workbench: ctx, lambda: () => lambdaFor(ctx, target) })
      .then((api) => api.listQualifiers(target.functionName))
      .then(({ versions, aliases }) => {
        const items: Item[] = [{ label: '$LATEST', description: 'unpublished code', value: '$LATEST' }];
        if (aliases.length) items.push({ label: 'Aliases', kind: vscode.QuickPickItemKind.Separator });
        for (const a of aliases) {
          if (a.Name) items.push({ label: a.Name, description: describeAlias({ functionVersion: a.FunctionVersion, additionalVersionWeights: a.RoutingConfig?.AdditionalVersionWeights }), value: a.Name });
        }
        if (versions.length) items.push({ label: 'Versions', kind: vscode.QuickPickItemKind.Separator });
        for (const v of [...versions].sort((x, y) => Number(y) - Number(x))) items.push({ label: v, value: v });
        quickPick.items = items;
      })
      .catch((error: unknown) => {
        quickPick.items = [...quickPick.items, { label: 'Versions and aliases could not be listed', detail: error instanceof Error ? error.message : String(error) }];
      })
      .finally(() => (quickPick.busy = false));
    return await new Promise<string | undefined>((resolve) => {
      quickPick.onDidAccept(() => {
        const value = quickPick.selectedItems[0]?.value;
        if (value) resolve(value);
      });
      quickPick.onDidHide(() => resolve(undefined));
    });
  } finally {
    quickPick.dispose();
  }
}

function lambdaFor(ctx: WorkbenchContext, target: FunctionTarget) {
  const api = ctx.model.lambdaApi(target.connectionId, target.region);
  if (!api) throw new Error(`Not connected to ${target.connectionLabel}. Refresh the Connections view, then try again.`);
  return api;
}

async function pickEvent(ctx: WorkbenchContext, target: FunctionTarget): Promise<EventChoice | undefined> {
  type Item = vscode.QuickPickItem & { load?: () => Promise<EventChoice> };
  const { SAMPLE_EVENTS, renderSampleEvent } = await import('./sampleEvents.js');
  const items: Item[] = [];
  const recent = new RecentEvents(ctx.extension.workspaceState).list(targetKey(target));
  if (recent.length) items.push({ label: 'Recent', kind: vscode.QuickPickItemKind.Separator });
  for (const r of recent) {
    items.push({ label: `$(history) ${r.label}`, description: new Date(r.usedAt).toLocaleString(), load: async () => ({ payload: r.payload, label: r.label, source: r.source }) });
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder) {
    const store = new SavedEventStore(folder);
    const saved = await store.list(target.functionName).catch(() => []);
    if (saved.length) items.push({ label: 'Saved in the workspace', kind: vscode.QuickPickItemKind.Separator });
    for (const s of saved) {
      items.push({ label: `$(file) ${s.name}`, description: '.lambda-workbench/events', load: async () => ({ payload: await store.read(target.functionName, s.name), label: s.name, source: 'saved' }) });
    }
  }
  items.push({ label: 'Sample events', kind: vscode.QuickPickItemKind.Separator });
  for (const s of SAMPLE_EVENTS) {
    items.push({ label: s.title, description: s.group, detail: s.description, load: async () => ({ payload: renderSampleEvent(s.id), label: s.title, source: 'sample' }) });
  }
  const picked = await vscode.window.showQuickPick(items, { title: `Invoke ${target.functionName}: event`, placeHolder: 'Event to send', matchOnDescription: true });
  return picked?.load?.();
}

export async function invokeFunction(ctx: WorkbenchContext, arg?: unknown): Promise<InvocationView | undefined> {
  const target = toFunctionTarget(arg) ?? (await pickFunction(ctx, 'Invoke Function'));
  if (!target) return undefined;
  const qualifier = target.qualifier ?? (await pickQualifier(ctx, target));
  if (!qualifier) return undefined;
  const event = await pickEvent(ctx, target);
  if (!event) return undefined;
  return invokeInPanel(ctx, { ...target, qualifier }, {
    payload: event.payload,
    qualifier,
    invocationType: 'RequestResponse',
    clientContext: '',
    eventLabel: event.label,
    eventSource: event.source,
  });
}

export async function invokeAgain(ctx: WorkbenchContext): Promise<InvocationView | undefined> {
  const last = new InvokeHistory(ctx.extension.workspaceState).last();
  if (!last) {
    void vscode.window.showInformationMessage('Nothing has been invoked in this workspace yet. Use "Lambda: Invoke Function…" first.');
    return undefined;
  }
  return invokeInPanel(ctx, last.target, last.params);
}

export async function newSampleEvent(ctx: WorkbenchContext, arg?: unknown): Promise<string | undefined> {
  const { SAMPLE_EVENTS, renderSampleEvent } = await import('./sampleEvents.js');
  const picked = await vscode.window.showQuickPick(
    SAMPLE_EVENTS.map((s) => ({ label: s.title, description: s.group, detail: s.description, id: s.id })),
    { title: 'New Sample Event', placeHolder: 'Event source', matchOnDescription: true, matchOnDetail: true },
  );
  if (!picked) return undefined;
  const payload = renderSampleEvent(picked.id);
  const target = toFunctionTarget(arg);
  if (target) {
    const panel = (await functionPanels(ctx)).open(target, 'invoke');
    (panel.controller('invoke') as InvokeController | undefined)?.setEvent(payload, picked.label);
    return payload;
  }
  const document = await vscode.workspace.openTextDocument({ language: 'json', content: payload });
  await vscode.window.showTextDocument(document);
  return payload;
}
