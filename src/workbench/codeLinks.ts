import * as path from 'node:path';
import { Emitter } from '../shared/events';
import { StorageKeys } from './ids';

/** A workspace folder whose files are the code of one function ($LATEST). */
export interface CodeLink {
  /** Absolute folder path. */
  folder: string;
  /** "local", "profile:<name>" or "custom:<name>". */
  connectionId: string;
  connectionLabel: string;
  region: string;
  functionName: string;
  /** Handler setting when linked, to find the file to open. */
  handler?: string;
  /** Opt-in: deploy when a file in the folder is saved. */
  deployOnSave?: boolean;
  /**
   * The deployed CodeSha256 last seen and accepted here (when linking, downloading or deploying).
   * When the function's code no longer has it, someone else deployed meanwhile.
   */
  knownRemoteSha256?: string;
  /**
   * The state both sides were in after the last download or deploy. While the function still has
   * `remoteSha256` and the folder still packages to `localSha256`, the two are in sync even if the
   * bytes differ (the folder's zip is made differently from the one Lambda has).
   */
  synced?: { localSha256: string; remoteSha256: string; at: string };
}

/** The storage VS Code's workspaceState (a Memento) offers. */
export interface LinkStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const KEY = StorageKeys.codeLinks;

function isInside(folder: string, file: string): boolean {
  const rel = path.relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function sameFolder(a: string, b: string): boolean {
  return path.relative(a, b) === '';
}

/** The link whose folder holds `file`; the innermost one when folders nest. */
export function linkForPath(links: readonly CodeLink[], file: string): CodeLink | undefined {
  let best: CodeLink | undefined;
  for (const link of links) {
    if (isInside(link.folder, file) && (!best || link.folder.length > best.folder.length)) best = link;
  }
  return best;
}

/** Folder ↔ function links, kept in the workspace state. */
export class CodeLinks {
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly storage: LinkStorage) {}

  all(): CodeLink[] {
    const value = this.storage.get<unknown>(KEY);
    return Array.isArray(value) ? value.filter(isCodeLink) : [];
  }

  forFolder(folder: string): CodeLink | undefined {
    return this.all().find((l) => sameFolder(l.folder, folder));
  }

  forPath(file: string): CodeLink | undefined {
    return linkForPath(this.all(), file);
  }

  /** Links of one function (a function may be linked from several folders). */
  forFunction(connectionId: string, region: string, functionName: string): CodeLink[] {
    return this.all().filter((l) => l.connectionId === connectionId && l.region === region && l.functionName === functionName);
  }

  /** Adds or replaces the link of `link.folder`. */
  async set(link: CodeLink): Promise<void> {
    const others = this.all().filter((l) => !sameFolder(l.folder, link.folder));
    await this.storage.update(KEY, [...others, { ...link, folder: path.resolve(link.folder) }]);
    this.changed.fire();
  }

  async update(folder: string, patch: Partial<Omit<CodeLink, 'folder'>>): Promise<CodeLink | undefined> {
    const link = this.forFolder(folder);
    if (!link) return undefined;
    const next = { ...link, ...patch };
    await this.set(next);
    return next;
  }

  async remove(folder: string): Promise<boolean> {
    const all = this.all();
    const rest = all.filter((l) => !sameFolder(l.folder, folder));
    if (rest.length === all.length) return false;
    await this.storage.update(KEY, rest);
    this.changed.fire();
    return true;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function isCodeLink(value: unknown): value is CodeLink {
  const v = value as Partial<CodeLink> | null;
  return typeof v === 'object' && v !== null && typeof v.folder === 'string' && typeof v.connectionId === 'string' &&
    typeof v.region === 'string' && typeof v.functionName === 'string' && typeof v.connectionLabel === 'string';
}
