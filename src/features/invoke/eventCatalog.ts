import * as vscode from 'vscode';
import { targetKey, type FunctionTarget } from '../../shared/target';
import type { EventLists, EventSource } from './protocol';
import type { MementoLike } from '../../shared/memento';
import { RecentEvents } from './recentEvents';
import { renderSampleEvent, SAMPLE_EVENTS } from './sampleEvents';
import { SavedEventStore } from './savedEvents';

/** An event ready to send, with what to call it. */
export interface EventChoice {
  payload: string;
  label: string;
  source: EventSource;
}

/**
 * Every event a function can be invoked with: the recent ones, the ones saved in the workspace
 * (`.lambda-workbench/events/<function>/`) and the sample catalog. The Invoke tab and the
 * palette's event picker both read them here.
 */
export class EventCatalog {
  readonly recent: RecentEvents;

  constructor(state: MementoLike, private readonly workspaceFolder: () => string | undefined = firstWorkspaceFolder) {
    this.recent = new RecentEvents(state);
  }

  get samples(): typeof SAMPLE_EVENTS {
    return SAMPLE_EVENTS;
  }

  sample(id: string): string {
    return renderSampleEvent(id);
  }

  /** The workspace's saved events; throws when no folder is open (there is nowhere to keep them). */
  savedStore(): SavedEventStore {
    const folder = this.workspaceFolder();
    if (!folder) throw new Error('Open a folder to save events: they are kept in .lambda-workbench/events/ of the workspace.');
    return new SavedEventStore(folder);
  }

  /** Names of the function's saved events; none without a folder or when they cannot be read. */
  async savedNames(functionName: string): Promise<string[]> {
    const folder = this.workspaceFolder();
    if (!folder) return [];
    return (await new SavedEventStore(folder).list(functionName).catch(() => [])).map((e) => e.name);
  }

  async lists(target: FunctionTarget): Promise<EventLists> {
    const saved = await this.savedNames(target.functionName);
    const recent = this.recent.list(targetKey(target)).map((e) => ({ label: e.label, source: e.source, usedAt: e.usedAt, payload: e.payload }));
    return { saved, recent };
  }

  remember(target: FunctionTarget, event: EventChoice): Promise<boolean> {
    return this.recent.add(targetKey(target), { label: event.label || 'Custom event', payload: event.payload, source: event.source });
  }
}

function firstWorkspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}
