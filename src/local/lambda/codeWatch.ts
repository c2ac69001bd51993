import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';

/** Folders never looked at: the server's own data, SAM's build output, version control, Python's byte-code caches (made from sources that are watched). */
const IGNORED_NAMES = new Set(['.local-lambda', '.aws-sam', '.git', '__pycache__']);
/** Folders filled in bursts by installers: watched, but a burst counts as one change at its start and one when it settles. */
const BULK_NAMES = new Set(['node_modules', '.venv', 'venv', 'site-packages']);

export interface CodeWatcherOptions {
  /** Absolute folders never watched, wherever they sit (the data folder). */
  ignore?: readonly string[];
  /** Folders watched at most, over all code folders; past it a code folder is checked by a periodic scan instead. Default 50,000. */
  maxWatchedFolders?: number;
  /** How long a dependency folder stays quiet before a burst of changes counts as settled, in ms. Default 100. */
  settleMs?: number;
  /** How often a folder that cannot be watched (or is missing) is looked at again, in ms. Default 2,000. */
  pollMs?: number;
}

type Mode = 'watching' | 'polling' | 'missing' | 'closed';

interface Root {
  readonly dir: string;
  /** Counts changes seen; what revision() reports. */
  generation: number;
  mode: Mode;
  readonly watchers: Map<string, fs.FSWatcher>;
  /** Settling a burst in a dependency folder: its timer, and whether more came after the first change. */
  settle?: { timer: NodeJS.Timeout; more: boolean };
  poll?: NodeJS.Timeout;
  /** The folder's scan in polling mode, to compare with the next one. */
  fingerprint?: string;
  /** Settles when the first walk (the watches set up) is done. */
  ready: Promise<void>;
}

/**
 * Tells when a function's code folder changed, without looking at the folder on the request path.
 *
 * Every folder under a watched code folder gets its own (non-recursive) `fs.watch`, set up by an
 * asynchronous walk when the folder is first asked about; folders created later are added as
 * their creation is seen, removed ones are let go. A change bumps the folder's generation at once;
 * in dependency folders (node_modules, virtual environments) a burst (an install) bumps it when
 * it starts and once more when it settles, so an install does not restart the function at every
 * file. When watching is impossible (the system's watch limit, or more folders than allowed) the
 * folder is scanned asynchronously every few seconds instead; a folder that vanishes is looked
 * for again until it is back. `close()` lets every watch and timer go.
 */
export class CodeWatcher {
  private readonly roots = new Map<string, Root>();
  private readonly ignore: Set<string>;
  private readonly maxWatched: number;
  private readonly settleMs: number;
  private readonly pollMs: number;
  private watched = 0;
  private closed = false;

  constructor(opts: CodeWatcherOptions = {}) {
    this.ignore = new Set((opts.ignore ?? []).map((d) => path.resolve(d)));
    this.maxWatched = opts.maxWatchedFolders ?? 50_000;
    this.settleMs = opts.settleMs ?? 100;
    this.pollMs = opts.pollMs ?? 2_000;
  }

  /**
   * A token that changes whenever something in `dir` changes. Cheap (a map lookup): the first
   * call starts watching the folder in the background.
   */
  revision(dir: string): string {
    return String(this.rootOf(dir).generation);
  }

  /** Settles once the folder's watches are all set up (or it fell back to scanning, or is missing). */
  ready(dir: string): Promise<void> {
    return this.rootOf(dir).ready;
  }

  /** How the folder is being followed: 'watching', 'polling' (scanned periodically), 'missing' or 'closed'. */
  modeOf(dir: string): Mode | undefined {
    return this.roots.get(path.resolve(dir))?.mode;
  }

  /** Folders watched now, over all code folders. */
  get watchedFolders(): number {
    return this.watched;
  }

  close(): void {
    this.closed = true;
    for (const root of this.roots.values()) this.stop(root, 'closed');
  }

  private rootOf(dir: string): Root {
    const known = this.roots.get(dir);
    if (known) return known;
    const abs = path.resolve(dir);
    let root = this.roots.get(abs);
    if (!root) {
      root = { dir: abs, generation: 0, mode: this.closed ? 'closed' : 'watching', watchers: new Map(), ready: Promise.resolve() };
      this.roots.set(abs, root);
      if (!this.closed) root.ready = this.start(root);
    }
    // Known by the name it was asked for as well, so the next call skips resolving it.
    if (dir !== abs) this.roots.set(dir, root);
    return root;
  }

  private async start(root: Root): Promise<void> {
    try {
      const stat = await fs.promises.stat(root.dir);
      if (!stat.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    } catch {
      this.goMissing(root);
      return;
    }
    if (root.mode !== 'watching') return;
    await this.addTree(root, root.dir, false);
  }

  private skipped(name: string, abs: string): boolean {
    return IGNORED_NAMES.has(name) || this.ignore.has(abs);
  }

  /** Watches `dir` and, walking asynchronously, every folder below it. */
  private async addTree(root: Root, dir: string, bulk: boolean): Promise<void> {
    if (root.mode !== 'watching' || root.watchers.has(dir)) return;
    if (this.watched >= this.maxWatched) {
      this.goPolling(root);
      return;
    }
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, { persistent: false }, (event, name) => this.onEvent(root, dir, bulk, event, name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (dir === root.dir && (code === 'ENOENT' || code === 'ENOTDIR')) this.goMissing(root);
      else if (code === 'ENOSPC' || code === 'EMFILE' || code === 'ENFILE') this.goPolling(root);
      // Otherwise (a folder that may not be read) there is nothing to watch there.
      return;
    }
    watcher.on('error', () => this.unwatch(root, dir));
    root.watchers.set(dir, watcher);
    this.watched++;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return; // gone already: its removal is seen by the parent's watch
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const abs = path.join(dir, entry.name);
      if (this.skipped(entry.name, abs)) continue;
      await this.addTree(root, abs, bulk || BULK_NAMES.has(entry.name));
      if (root.mode !== 'watching') return;
    }
  }

  private onEvent(root: Root, dir: string, bulk: boolean, event: string, name: string | Buffer | null): void {
    if (root.mode !== 'watching') return;
    const child = name === null ? undefined : String(name);
    if (child !== undefined) {
      const abs = path.join(dir, child);
      if (this.skipped(child, abs)) return;
      this.changed(root, bulk || BULK_NAMES.has(child));
      // A name that came or went: a new folder gets watched, a removed one is let go, a removed code folder is looked for.
      if (event === 'rename') void this.recheck(root, dir, abs, bulk || BULK_NAMES.has(child));
    } else {
      this.changed(root, bulk);
    }
  }

  private async recheck(root: Root, dir: string, abs: string, bulk: boolean): Promise<void> {
    const isDir = await isFolder(abs);
    if (root.mode !== 'watching') return;
    // Whatever was watched under this name is let go: a folder there now may be another one (removed and made again).
    this.unwatchTree(root, abs);
    if (isDir) {
      await this.addTree(root, abs, bulk);
      return;
    }
    // A watch names its own folder when that folder goes.
    if (path.basename(abs) === path.basename(dir) && !(await isFolder(dir)) && root.mode === 'watching') {
      if (dir === root.dir) this.goMissing(root);
      else this.unwatchTree(root, dir);
    }
  }

  private unwatchTree(root: Root, dir: string): void {
    const below = dir + path.sep;
    for (const d of [...root.watchers.keys()]) if (d === dir || d.startsWith(below)) this.unwatch(root, d);
  }

  private unwatch(root: Root, dir: string): void {
    const watcher = root.watchers.get(dir);
    if (!watcher) return;
    root.watchers.delete(dir);
    this.watched--;
    try { watcher.close(); } catch { /* already closed */ }
  }

  private changed(root: Root, bulk: boolean): void {
    if (!bulk) {
      root.generation++;
      return;
    }
    if (root.settle) {
      root.settle.more = true;
      root.settle.timer.refresh();
      return;
    }
    root.generation++;
    const settle = {
      more: false,
      timer: setTimeout(() => {
        root.settle = undefined;
        if (settle.more && root.mode === 'watching') root.generation++;
      }, this.settleMs),
    };
    settle.timer.unref();
    root.settle = settle;
  }

  private stop(root: Root, mode: Mode): void {
    for (const dir of [...root.watchers.keys()]) this.unwatch(root, dir);
    if (root.settle) clearTimeout(root.settle.timer);
    root.settle = undefined;
    if (root.poll) clearTimeout(root.poll);
    root.poll = undefined;
    root.mode = mode;
  }

  /** The folder is gone: it counts as changed, and is looked for again until it is back. */
  private goMissing(root: Root): void {
    if (root.mode === 'closed' || root.mode === 'missing') return;
    this.stop(root, 'missing');
    root.generation++;
    const look = () => {
      root.poll = setTimeout(() => {
        void fs.promises.stat(root.dir).then((s) => s.isDirectory(), () => false).then((back) => {
          if (root.mode !== 'missing') return;
          if (!back) { look(); return; }
          root.poll = undefined;
          root.mode = 'watching';
          root.generation++;
          root.ready = this.addTree(root, root.dir, false);
        });
      }, this.pollMs);
      root.poll.unref();
    };
    look();
  }

  /** Watching is not possible here: the folder is scanned (asynchronously, names, sizes and times) every few seconds instead. */
  private goPolling(root: Root): void {
    if (root.mode !== 'watching') return;
    this.stop(root, 'polling');
    const scan = async () => {
      const value = await scanFingerprint(root.dir, (name, abs) => this.skipped(name, abs));
      if (root.mode !== 'polling') return;
      if (value === undefined) {
        root.mode = 'watching'; // so goMissing takes over
        this.goMissing(root);
        return;
      }
      if (root.fingerprint !== undefined && root.fingerprint !== value) root.generation++;
      root.fingerprint = value;
      root.poll = setTimeout(() => void scan(), this.pollMs);
      root.poll.unref();
    };
    void scan();
  }
}

async function isFolder(abs: string): Promise<boolean> {
  try {
    return (await fs.promises.lstat(abs)).isDirectory();
  } catch {
    return false;
  }
}

/** Names, sizes and modification times of everything under `dir`, read asynchronously; undefined when `dir` is gone. */
export async function scanFingerprint(dir: string, skip: (name: string, abs: string) => boolean = () => false): Promise<string | undefined> {
  const hash = createHash('sha256');
  const walk = async (d: string, rel: string): Promise<boolean> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(d, { withFileTypes: true });
    } catch {
      return false;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = path.join(d, e.name);
      if (skip(e.name, abs)) continue;
      if (e.isDirectory()) {
        hash.update(`${rel}${e.name}/\n`);
        await walk(abs, `${rel}${e.name}/`);
      } else {
        try {
          const st = await fs.promises.stat(abs);
          hash.update(`${rel}${e.name}\0${st.size}\0${st.mtimeMs}\n`);
        } catch { /* removed while scanning */ }
      }
    }
    return true;
  };
  return (await walk(dir, '')) ? hash.digest('hex') : undefined;
}
