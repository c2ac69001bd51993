/** Lambda-style log line formatting: stream names, START/END/REPORT lines. */

/** `YYYY/MM/DD/[<version>]<environment id>`, dated by the environment's creation (UTC). */
export function logStreamName(created: Date, version: string, environmentId: string): string {
  const y = created.getUTCFullYear();
  const m = String(created.getUTCMonth() + 1).padStart(2, '0');
  const d = String(created.getUTCDate()).padStart(2, '0');
  return `${y}/${m}/${d}/[${version}]${environmentId}`;
}

export function startLine(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

/** Billing rounds the duration up to the next whole millisecond. */
export function billedDuration(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

export interface ReportFigures {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  initDurationMs?: number;
}

export function reportLine(r: ReportFigures): string {
  let line =
    `REPORT RequestId: ${r.requestId}\tDuration: ${r.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${r.billedDurationMs} ms\tMemory Size: ${r.memorySizeMB} MB\t` +
    `Max Memory Used: ${r.maxMemoryUsedMB} MB\t`;
  if (r.initDurationMs !== undefined) {
    line += `Init Duration: ${r.initDurationMs.toFixed(2)} ms\t`;
  }
  return line;
}

/** "Task timed out after 3.00 seconds" — the wording of the log line and the error message. */
export function timedOutText(timeoutSeconds: number): string {
  return `Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}
