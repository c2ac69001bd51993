/**
 * Rollout records kept in VS Code's global state (one key per rollout, so two windows never
 * overwrite each other's records), so a rollout interrupted by closing VS Code can be resumed
 * or rolled back on the next start. Takes the Memento shape without importing VS Code.
 */
import { isActive, type RolloutRecord } from './rollout';
import { StorageKeys } from '../../workbench/ids';

export interface KeyValueStore {
  keys(): readonly string[];
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** Shared with the activation check in commands/aliases.ts, which must not load this module. */
export const ROLLOUT_KEY_PREFIX = StorageKeys.rolloutPrefix;
/** Finished rollouts are forgotten after this long. */
const KEEP_FINISHED_MS = 7 * 24 * 3_600_000;

function isRecord(value: unknown): value is RolloutRecord {
  const v = value as Partial<RolloutRecord> | undefined;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.status === 'string' &&
    typeof v.config === 'object' && v.config !== null && Array.isArray(v.config.steps) && typeof v.appliedStep === 'number';
}

export class RolloutStore {
  constructor(private readonly memento: KeyValueStore) {}

  all(): RolloutRecord[] {
    return this.memento
      .keys()
      .filter((k) => k.startsWith(ROLLOUT_KEY_PREFIX))
      .map((k) => this.memento.get<unknown>(k))
      .filter(isRecord)
      .sort((a, b) => b.startedAt - a.startedAt);
  }

  get(id: string): RolloutRecord | undefined {
    const value = this.memento.get<unknown>(ROLLOUT_KEY_PREFIX + id);
    return isRecord(value) ? value : undefined;
  }

  async save(record: RolloutRecord): Promise<void> {
    await this.memento.update(ROLLOUT_KEY_PREFIX + record.id, record);
  }

  /** Drops finished rollouts older than a week. */
  async prune(now: number): Promise<void> {
    for (const record of this.all()) {
      if (!isActive(record) && now - (record.finishedAt ?? record.heartbeatAt) > KEEP_FINISHED_MS) {
        await this.memento.update(ROLLOUT_KEY_PREFIX + record.id, undefined);
      }
    }
  }
}
