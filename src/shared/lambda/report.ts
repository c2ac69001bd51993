/**
 * Lambda's platform log lines: `START`, `END` and `REPORT`, in the text format
 * (`REPORT RequestId: <id>\tDuration: 12.34 ms\t…`) and in the JSON log format
 * (`{"type":"platform.report","record":{"requestId":…,"metrics":{…}}}`), written by the Local
 * Lambda and read by the extension: the invoke result reads the REPORT line of a log tail, the
 * log views group lines by request. Also the log stream names and the timeout text.
 */

// ---- writing (the text format, as the Local Lambda writes it) ------------------------------

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

/** A REPORT line's figures, named as the JSON log format's `platform.report` metrics name them. */
export interface ReportFigures {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  initDurationMs?: number;
}

/** Durations with two decimals, memory in whole MB, each field followed by a tab. */
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

// ---- reading (text and JSON formats, from AWS or the Local Lambda) -------------------------

export interface ReportInfo {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** Present only when the call started a new execution environment. */
  initDurationMs?: number;
  /** SnapStart functions report a restore instead of an init. */
  restoreDurationMs?: number;
  /** e.g. "timeout" or "error" when the invocation did not succeed (newer runtimes add it). */
  status?: string;
  /** e.g. "Runtime.ExitError", alongside an error status. */
  errorType?: string;
  /** A new execution environment served the call: an Init or Restore Duration is reported. */
  coldStart: boolean;
}

export interface StartInfo {
  requestId: string;
  /** "$LATEST" or a published version number. */
  version: string;
}

export type PlatformLine =
  | { kind: 'start'; requestId: string; version: string }
  | { kind: 'end'; requestId: string }
  | { kind: 'report'; requestId: string; report: ReportInfo };

/** Labels of the REPORT fields, longest first so "Billed Duration" wins over "Duration". */
const REPORT_LABELS = [
  'Billed Restore Duration', 'Restore Duration', 'Billed Duration', 'Init Duration', 'Max Memory Used', 'Memory Size',
  'Duration', 'Status', 'Error Type',
];
const FIELD_SPLIT = new RegExp(`\\s*\\b(${REPORT_LABELS.join('|')}):\\s*`);

const TEXT_START = /^\s*START RequestId: (\S+)(?:\s+Version: (\S+))?/;
const TEXT_END = /^\s*END RequestId: (\S+)/;
const TEXT_REPORT = /^\s*REPORT RequestId: (\S+)(.*)$/;

function number(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number.parseFloat(value);
  return Number.isFinite(n) ? n : undefined;
}

function parseTextReport(requestId: string, rest: string): ReportInfo | undefined {
  const parts = rest.split(FIELD_SPLIT);
  const fields = new Map<string, string>();
  for (let i = 1; i + 1 < parts.length; i += 2) fields.set(parts[i], parts[i + 1].trim());
  return buildReport(requestId, {
    durationMs: number(fields.get('Duration')),
    billedDurationMs: number(fields.get('Billed Duration')),
    memorySizeMb: number(fields.get('Memory Size')),
    maxMemoryUsedMb: number(fields.get('Max Memory Used')),
    initDurationMs: number(fields.get('Init Duration')),
    restoreDurationMs: number(fields.get('Restore Duration')),
    status: fields.get('Status') || undefined,
    errorType: fields.get('Error Type') || undefined,
  });
}

interface ReportFields {
  durationMs?: number;
  billedDurationMs?: number;
  memorySizeMb?: number;
  maxMemoryUsedMb?: number;
  initDurationMs?: number;
  restoreDurationMs?: number;
  status?: string;
  errorType?: string;
}

/** A report needs its four figures; a line missing one is not treated as a report. */
function buildReport(requestId: string, f: ReportFields): ReportInfo | undefined {
  if (f.durationMs === undefined || f.billedDurationMs === undefined || f.memorySizeMb === undefined || f.maxMemoryUsedMb === undefined) {
    return undefined;
  }
  const report: ReportInfo = {
    requestId,
    durationMs: f.durationMs,
    billedDurationMs: f.billedDurationMs,
    memorySizeMb: f.memorySizeMb,
    maxMemoryUsedMb: f.maxMemoryUsedMb,
    coldStart: f.initDurationMs !== undefined || f.restoreDurationMs !== undefined,
  };
  if (f.initDurationMs !== undefined) report.initDurationMs = f.initDurationMs;
  if (f.restoreDurationMs !== undefined) report.restoreDurationMs = f.restoreDurationMs;
  if (f.status !== undefined) report.status = f.status;
  if (f.errorType !== undefined) report.errorType = f.errorType;
  return report;
}

/** The JSON log format's platform events (`platform.start`, `platform.runtimeDone`, `platform.report`). */
function parseJsonLine(line: string): PlatformLine | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.includes('"platform.')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  const event = value as { type?: unknown; record?: Record<string, unknown> };
  const record = event.record;
  if (typeof record !== 'object' || record === null || typeof record.requestId !== 'string') return undefined;
  const requestId = record.requestId;
  switch (event.type) {
    case 'platform.start':
      return { kind: 'start', requestId, version: typeof record.version === 'string' ? record.version : '$LATEST' };
    case 'platform.report': {
      const m = (record.metrics ?? {}) as Record<string, unknown>;
      const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
      const report = buildReport(requestId, {
        durationMs: num(m.durationMs),
        billedDurationMs: num(m.billedDurationMs),
        memorySizeMb: num(m.memorySizeMB),
        maxMemoryUsedMb: num(m.maxMemoryUsedMB),
        initDurationMs: num(m.initDurationMs),
        restoreDurationMs: num(m.restoreDurationMs),
        status: typeof record.status === 'string' && record.status !== 'success' ? record.status : undefined,
        errorType: typeof record.errorType === 'string' ? record.errorType : undefined,
      });
      return report ? { kind: 'report', requestId, report } : undefined;
    }
    default:
      return undefined;
  }
}

/** Recognises one START, END or REPORT line (text or JSON format); anything else is undefined. */
export function parsePlatformLine(line: string): PlatformLine | undefined {
  let m = TEXT_REPORT.exec(line);
  if (m) {
    const report = parseTextReport(m[1], m[2]);
    return report ? { kind: 'report', requestId: m[1], report } : undefined;
  }
  if ((m = TEXT_START.exec(line))) return { kind: 'start', requestId: m[1], version: m[2] ?? '$LATEST' };
  if ((m = TEXT_END.exec(line))) return { kind: 'end', requestId: m[1] };
  return parseJsonLine(line);
}

/** `START RequestId: x Version: $LATEST` → { requestId, version }. */
export function parseStartLine(line: string): StartInfo | undefined {
  const parsed = parsePlatformLine(line);
  return parsed?.kind === 'start' ? { requestId: parsed.requestId, version: parsed.version } : undefined;
}

/** `END RequestId: x` → the request id. */
export function parseEndLine(line: string): string | undefined {
  const parsed = parsePlatformLine(line);
  return parsed?.kind === 'end' ? parsed.requestId : undefined;
}

/** Every REPORT in a log text, in order. */
export function parseReports(text: string): ReportInfo[] {
  const reports: ReportInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    const parsed = parsePlatformLine(line);
    if (parsed?.kind === 'report') reports.push(parsed.report);
  }
  return reports;
}

/** The REPORT of an invocation's log tail: the last one in the text, or undefined when there is none. */
export function parseReport(logText: string): ReportInfo | undefined {
  const reports = parseReports(logText);
  return reports[reports.length - 1];
}
