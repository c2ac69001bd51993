import { StorageKeys } from '../../workbench/ids';
import type { MementoLike } from '../../shared/memento';
import { isFunctionTarget, type FunctionTarget } from '../../shared/target';
import type { HistoryEntry, InvokeParams } from './protocol';

/** Invocations remembered per function. */
export const HISTORY_LIMIT = 20;
/** Events larger than this are remembered without their payload, to keep the workspace state small. */
export const MAX_HISTORY_PAYLOAD_BYTES = 64 * 1024;
/** "Invoke Again" remembers events up to this size. */
export const MAX_LAST_PAYLOAD_BYTES = 1024 * 1024;
const HISTORY_KEY = StorageKeys.invokeHistory;
const LAST_KEY = StorageKeys.lastInvocation;

/** The last invocation in this workspace, for "Invoke Again". */
export interface LastInvocation {
  target: FunctionTarget;
  params: InvokeParams;
}

function isHistoryEntry(value: unknown): value is HistoryEntry {
  const v = value as Partial<HistoryEntry> | null;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.at === 'string' &&
    typeof v.outcome === 'string' && typeof v.params === 'object' && v.params !== null && typeof v.params.payload === 'string';
}

/** The last invocations of each function, newest first, in the workspace state. */
export class InvokeHistory {
  constructor(private readonly store: MementoLike, private readonly limit = HISTORY_LIMIT) {}

  private all(): Record<string, unknown[]> {
    const value = this.store.get<unknown>(HISTORY_KEY);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown[]>) : {};
  }

  list(functionKey: string): HistoryEntry[] {
    const entries = this.all()[functionKey];
    return Array.isArray(entries) ? entries.filter(isHistoryEntry).slice(0, this.limit) : [];
  }

  async add(functionKey: string, entry: HistoryEntry): Promise<HistoryEntry[]> {
    const kept: HistoryEntry =
      new TextEncoder().encode(entry.params.payload).length > MAX_HISTORY_PAYLOAD_BYTES ? { ...entry, params: { ...entry.params, payload: '' } } : entry;
    const entries = [kept, ...this.list(functionKey).filter((e) => e.id !== entry.id)].slice(0, this.limit);
    await this.store.update(HISTORY_KEY, { ...this.all(), [functionKey]: entries });
    return entries;
  }

  async clear(functionKey: string): Promise<void> {
    const rest = Object.fromEntries(Object.entries(this.all()).filter(([key]) => key !== functionKey));
    await this.store.update(HISTORY_KEY, rest);
  }

  last(): LastInvocation | undefined {
    const value = this.store.get<Partial<LastInvocation>>(LAST_KEY);
    return value && isFunctionTarget(value.target) && typeof value.params?.payload === 'string' ? (value as LastInvocation) : undefined;
  }

  /** Remembers the call for "Invoke Again"; false when the event is too large to keep. */
  async setLast(last: LastInvocation): Promise<boolean> {
    if (new TextEncoder().encode(last.params.payload).length > MAX_LAST_PAYLOAD_BYTES) {
      await this.store.update(LAST_KEY, undefined);
      return false;
    }
    await this.store.update(LAST_KEY, last);
    return true;
  }
}
