import { readFileSync } from 'fs';

export interface MemoryReading {
  /** Resident set size now, kB, summed over the process and its descendants. */
  rssKb: number;
  /** Peak resident set size, kB, summed the same way. */
  hwmKb: number;
}

function statusField(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

function childPids(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text ? text.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

/**
 * Reads VmRSS/VmHWM from /proc for a process tree. Returns undefined where /proc is not
 * available (macOS, Windows) or the process is gone.
 */
export function readMemory(pid: number, depth = 0): MemoryReading | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const reading = { rssKb: statusField(status, 'VmRSS'), hwmKb: statusField(status, 'VmHWM') };
  if (depth < 4) {
    for (const child of childPids(pid)) {
      const sub = readMemory(child, depth + 1);
      if (sub) {
        reading.rssKb += sub.rssKb;
        reading.hwmKb += sub.hwmKb;
      }
    }
  }
  return reading;
}
