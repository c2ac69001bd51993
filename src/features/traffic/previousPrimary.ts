import type { FunctionTarget } from '../../shared/target';
import { StorageKeys } from '../../workbench/ids';
import type { ResolvedChange } from './changes';

type FunctionRef = Pick<FunctionTarget, 'connectionId' | 'region' | 'functionName'>;

/** Where the version an alias pointed to before its last change is kept (workspace state). */
export interface PreviousPrimaryStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/** Aliases remembered at most; the oldest are forgotten first. */
const MAX_ENTRIES = 500;

/**
 * The version each alias sent its traffic to before this window last moved it (a Promote, an
 * edit, a finished rollout), so Roll Back can undo a Promote: without a split, it returns the
 * alias to that version.
 */
export class PreviousPrimaries {
  constructor(private readonly storage: PreviousPrimaryStorage) {}

  private all(): Record<string, string> {
    const value = this.storage.get<unknown>(StorageKeys.previousPrimaries);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  private static key(fn: FunctionRef, alias: string): string {
    return JSON.stringify([fn.connectionId, fn.region, fn.functionName, alias]);
  }

  /** The version to roll back to, when it is not the one the alias points to now. */
  get(fn: FunctionRef, alias: string, currentPrimary: string): string | undefined {
    const previous = this.all()[PreviousPrimaries.key(fn, alias)];
    return previous && previous !== currentPrimary ? previous : undefined;
  }

  /** Remembers where an applied change moved the alias from (only when its version changed). */
  async record(fn: FunctionRef, change: ResolvedChange): Promise<void> {
    if (!change.before || change.before.primary === change.after.primary) return;
    const key = PreviousPrimaries.key(fn, change.aliasName);
    const entries = Object.entries(this.all()).filter(([k]) => k !== key);
    entries.push([key, change.before.primary]);
    await this.storage.update(StorageKeys.previousPrimaries, Object.fromEntries(entries.slice(-MAX_ENTRIES)));
  }
}
