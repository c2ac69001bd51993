import type { EnvMap } from './envVars';
import type { SettingsDraft } from './settings';

/** Edits of a Configuration tab closed before they were saved. */
export interface KeptDraft {
  env: EnvMap;
  settings: SettingsDraft;
  /** The RevisionId the edits were made against: they come back only onto that same function state. */
  revisionId?: string;
  keptAt: Date;
}

/**
 * Unsaved configuration edits, kept in memory for the window when their panel closes (VS Code
 * cannot stop a webview panel from closing), and given back when the function's panel opens
 * again. Values never leave memory: nothing is written to disk.
 */
export class KeptDrafts {
  private readonly drafts = new Map<string, KeptDraft>();

  keep(key: string, draft: KeptDraft): void {
    this.drafts.delete(key);
    this.drafts.set(key, draft);
    // A window rarely holds many; a bound keeps a long session from collecting them forever.
    while (this.drafts.size > 50) this.drafts.delete(this.drafts.keys().next().value as string);
  }

  /** The kept draft of `key`, removed from the store (it is the caller's now). */
  take(key: string): KeptDraft | undefined {
    const draft = this.drafts.get(key);
    this.drafts.delete(key);
    return draft;
  }
}

const perWindow = new WeakMap<object, KeptDrafts>();

/** The kept drafts of one window (keyed by its Workbench). */
export function keptDrafts(window: object): KeptDrafts {
  let drafts = perWindow.get(window);
  if (!drafts) perWindow.set(window, (drafts = new KeptDrafts()));
  return drafts;
}
