import { readFileSync } from 'fs';

export interface MemoryReading {
  /** Resident set size now, kB, summed over the process and its descendants. */
  rssKb: number;
  /** Peak resident set size, kB, summed the same way. */
  hwmKb: number;
}

/** The number after `field:` in /proc/PID/status text (kB), or 0; a scan, no pattern built per call. */
function statusField(status: string, field: string): number {
  const at = status.indexOf(`\n${field}:`);
  if (at < 0) return 0;
  let i = at + field.length + 2;
  while (status.charCodeAt(i) === 32 || status.charCodeAt(i) === 9) i++;
  let n = 0;
  for (let c = status.charCodeAt(i); c >= 48 && c <= 57; c = status.charCodeAt(++i)) n = n * 10 + (c - 48);
  return n;
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
