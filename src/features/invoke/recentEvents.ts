/**
 * The events last used to invoke each function, newest first, kept in a Memento-like store
 * (VS Code's workspaceState in the extension, a Map in tests).
 */
import type { MementoLike } from '../../shared/memento';
import { StorageKeys } from '../../workbench/ids';

export type { MementoLike };

export interface RecentEvent {
  /** What the picker shows: a saved event's name, a sample's title, or "Custom event". */
  label: string;
  payload: string;
  /** Where it came from, so a picker can show an icon or reopen a saved event. */
  source: 'sample' | 'saved' | 'custom';
  /** ISO time of the last use. */
  usedAt: string;
}

export const DEFAULT_RECENT_LIMIT = 10;
/** Larger payloads are not remembered, to keep the workspace state small. */
export const MAX_REMEMBERED_PAYLOAD_BYTES = 256 * 1024;
const STORE_KEY = StorageKeys.recentEvents;

function isRecentEvent(value: unknown): value is RecentEvent {
  const v = value as Partial<RecentEvent> | null;
  return typeof v === 'object' && v !== null && typeof v.label === 'string' && typeof v.payload === 'string' &&
    (v.source === 'sample' || v.source === 'saved' || v.source === 'custom') && typeof v.usedAt === 'string';
}

export class RecentEvents {
  constructor(private readonly store: MementoLike, private readonly limit = DEFAULT_RECENT_LIMIT) {}

  private all(): Record<string, RecentEvent[]> {
    const value = this.store.get<unknown>(STORE_KEY);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, RecentEvent[]>) : {};
  }

  /** Newest first; entries the store holds in an unexpected shape are skipped. */
  list(functionKey: string): RecentEvent[] {
    const entries = this.all()[functionKey];
    return Array.isArray(entries) ? entries.filter(isRecentEvent).slice(0, this.limit) : [];
  }

  /**
   * Puts an event first. The same payload used again moves up instead of appearing twice.
   * Returns false when the payload is too large to remember.
   */
  async add(functionKey: string, event: Omit<RecentEvent, 'usedAt'>, now: Date = new Date()): Promise<boolean> {
    if (Buffer.byteLength(event.payload, 'utf8') > MAX_REMEMBERED_PAYLOAD_BYTES) return false;
    const entry: RecentEvent = { label: event.label, payload: event.payload, source: event.source, usedAt: now.toISOString() };
    const rest = this.list(functionKey).filter((e) => e.payload !== entry.payload);
    await this.store.update(STORE_KEY, { ...this.all(), [functionKey]: [entry, ...rest].slice(0, this.limit) });
    return true;
  }

  async clear(functionKey: string): Promise<void> {
    const remaining = Object.fromEntries(Object.entries(this.all()).filter(([key]) => key !== functionKey));
    await this.store.update(STORE_KEY, remaining);
  }
}
