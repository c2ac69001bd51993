import { readdirSync, readFileSync } from 'fs';

/**
 * Ends every process an execution environment started, including the ones that left its
 * process group (setsid, a double fork) and were adopted by init once their parent exited.
 *
 * On Linux the processes are found three ways at kill time: the runtime's process group, the
 * parent chains in /proc/<pid>/stat, and — for orphans whose chain is gone — the environment's
 * own AWS_LAMBDA_RUNTIME_API value in /proc/<pid>/environ, which holds the environment's secret
 * token and so names no other process. Elsewhere the process group is all there is.
 */

interface ProcStat {
  /** Z (zombie) and X (dead) processes are gone but for their parent's wait. */
  state: string;
  ppid: number;
  /** Start time in clock ticks since boot: tells a process from a later one with the same pid. */
  start: number;
}

const hasProc = process.platform === 'linux' && (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], ppid: Number(fields[1]), start: Number(fields[19]) };
}

function allPids(): number[] {
  try {
    return readdirSync('/proc').filter((name) => name.charCodeAt(0) >= 48 && name.charCodeAt(0) <= 57).map(Number);
  } catch {
    return [];
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch { /* gone already, or not ours */ }
}

export class ProcessReaper {
  private readonly marker: Buffer;
  private readonly innerMarker: Buffer;
  private rootStart?: number;

  /**
   * `rootPid` leads its own process group (spawned detached); `environMarker` is a NAME=value
   * pair only this environment's processes inherit.
   */
  constructor(private readonly rootPid: number, environMarker: string) {
    this.marker = Buffer.from(`${environMarker}\0`);
    this.innerMarker = Buffer.from(`\0${environMarker}\0`);
    if (hasProc) this.rootStart = readStat(rootPid)?.start;
  }

  /** The processes of this environment alive now (the runtime and everything it started). */
  members(): number[] {
    if (!hasProc) return [];
    const table = new Map<number, ProcStat>();
    for (const pid of allPids()) {
      if (pid === process.pid) continue;
      const stat = readStat(pid);
      if (stat && stat.state !== 'Z' && stat.state !== 'X') table.set(pid, stat);
    }
    const found = new Set<number>();
    const root = table.get(this.rootPid);
    if (root && (this.rootStart === undefined || root.start === this.rootStart)) found.add(this.rootPid);
    // Children of members are members; a few passes settle any order of the table.
    for (let changed = true; changed;) {
      changed = false;
      for (const [pid, stat] of table) {
        if (!found.has(pid) && found.has(stat.ppid)) {
          found.add(pid);
          changed = true;
        }
      }
    }
    for (const [pid, stat] of table) {
      // Only processes started after the runtime can be its descendants.
      if (found.has(pid) || (this.rootStart !== undefined && stat.start < this.rootStart)) continue;
      if (this.inheritedMarker(pid)) found.add(pid);
    }
    return [...found];
  }

  /** SIGKILLs the process group and every member, until no member is left (or a few rounds). */
  killAll(): void {
    if (process.platform === 'win32') return;
    kill(-this.rootPid, 'SIGKILL');
    if (!hasProc) return;
    for (let round = 0; round < 5; round++) {
      const members = this.members();
      if (!members.length) return;
      for (const pid of members) kill(pid, 'SIGKILL');
    }
  }

  private inheritedMarker(pid: number): boolean {
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      return false;
    }
    return environ.indexOf(this.marker) === 0 || environ.indexOf(this.innerMarker) >= 0;
  }
}
