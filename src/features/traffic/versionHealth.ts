/**
 * Counts invocations and failures per function version from a function's log events: the START
 * line names the version a request ran on, the REPORT line ends it, and error lines between them
 * (in the same log stream, where one environment runs one request at a time) mark it failed.
 * Results of invocations made by the caller itself can be added too; each request counts once.
 * Pure: the caller reads the logs.
 */
import { parsePlatformLine } from '../../shared/lambda/report';
import type { HealthCounts } from './routing';

export interface HealthLogEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
  eventId?: string;
}

/**
 * Lines that mean the invocation failed, in Lambda's text and JSON log formats: an unhandled
 * error or crash reported by the Node.js runtime, Python's `[ERROR]` line, a timeout, a runtime
 * exit. A plain `console.error` in the handler is not a failure.
 */
const FAILURE_PATTERNS = [
  /\tERROR\t(Invoke Error|Uncaught Exception|Unhandled Promise Rejection)\b/,
  /^\s*\[ERROR\]\s/,
  /Task timed out after [\d.]+ seconds/,
  /\bRuntime\.(ExitError|Unknown|HandlerNotFound|ImportModuleError|UserCodeSyntaxError)\b/,
  /"level"\s*:\s*"ERROR"[^]*"errorType"\s*:/,
];

export function isFailureLine(message: string): boolean {
  return FAILURE_PATTERNS.some((p) => p.test(message));
}

/** `2024/01/02/[3]abc…` → "3"; undefined when the stream name has no version. */
export function versionOfStream(logStreamName: string): string | undefined {
  return /\[([^\]]+)\]/.exec(logStreamName)?.[1];
}

interface OpenRequest {
  requestId: string;
  version: string;
  failed: boolean;
}

/** How far back duplicates are remembered; callers re-read overlapping windows shorter than this. */
const DEDUPE_WINDOW_MS = 15 * 60_000;
const MAX_REMEMBERED_REQUESTS = 20_000;

export class VersionHealth {
  private readonly counts = new Map<string, HealthCounts>();
  private readonly seenEvents = new Map<string, number>();
  private readonly open = new Map<string, OpenRequest>();
  /** Open request of each stream: lines between START and REPORT belong to it. */
  private readonly streamRequest = new Map<string, string>();
  /** Requests already counted, oldest first, so a request seen in the logs and in an own result counts once. */
  private readonly counted = new Set<string>();
  private newest = 0;

  /** Invocations and failures of a version seen so far. */
  countsFor(version: string): HealthCounts {
    const c = this.counts.get(version);
    return c ? { ...c } : { invocations: 0, errors: 0 };
  }

  /** Adds log events (any order, repeats ignored). */
  addLogEvents(events: readonly HealthLogEvent[]): void {
    const fresh = events.filter((e) => {
      const key = e.eventId ?? `${e.logStreamName}|${e.timestamp}|${e.message}`;
      if (this.seenEvents.has(key)) return false;
      this.seenEvents.set(key, e.timestamp);
      return true;
    });
    // Stable sort: lines of one stream with the same millisecond keep their order.
    fresh.sort((a, b) => a.timestamp - b.timestamp);
    for (const event of fresh) {
      this.newest = Math.max(this.newest, event.timestamp);
      this.addLine(event);
    }
    this.forgetOldEvents();
  }

  /** The result of an invocation the caller made itself (its request id and whether it failed). */
  addOwnResult(requestId: string | undefined, version: string, failed: boolean): void {
    if (requestId) {
      if (this.counted.has(requestId)) return;
      this.markCounted(requestId);
      this.open.delete(requestId);
    }
    this.count(version, failed);
  }

  private addLine(event: HealthLogEvent): void {
    const line = parsePlatformLine(event.message);
    const stream = event.logStreamName;
    if (line?.kind === 'start') {
      this.open.set(line.requestId, { requestId: line.requestId, version: line.version, failed: false });
      this.streamRequest.set(stream, line.requestId);
      return;
    }
    if (line?.kind === 'end') return;
    if (line?.kind === 'report') {
      const request = this.open.get(line.requestId);
      this.open.delete(line.requestId);
      if (this.streamRequest.get(stream) === line.requestId) this.streamRequest.delete(stream);
      if (this.counted.has(line.requestId)) return;
      const version = request?.version ?? versionOfStream(stream);
      if (!version) return;
      const failed = (request?.failed ?? false) || line.report.status !== undefined || line.report.errorType !== undefined;
      this.markCounted(line.requestId);
      this.count(version, failed);
      return;
    }
    if (isFailureLine(event.message)) {
      const requestId = this.streamRequest.get(stream);
      const request = requestId ? this.open.get(requestId) : undefined;
      if (request) request.failed = true;
    }
  }

  private count(version: string, failed: boolean): void {
    const c = this.counts.get(version) ?? { invocations: 0, errors: 0 };
    c.invocations++;
    if (failed) c.errors++;
    this.counts.set(version, c);
  }

  private markCounted(requestId: string): void {
    this.counted.add(requestId);
    if (this.counted.size > MAX_REMEMBERED_REQUESTS) {
      const oldest = this.counted.values().next().value;
      if (oldest !== undefined) this.counted.delete(oldest);
    }
  }

  private forgetOldEvents(): void {
    const cutoff = this.newest - DEDUPE_WINDOW_MS;
    for (const [key, timestamp] of this.seenEvents) if (timestamp < cutoff) this.seenEvents.delete(key);
    if (this.open.size > MAX_REMEMBERED_REQUESTS) {
      // Requests that never reported (lost lines): drop the oldest.
      for (const id of [...this.open.keys()].slice(0, this.open.size - MAX_REMEMBERED_REQUESTS)) this.open.delete(id);
    }
  }
}
