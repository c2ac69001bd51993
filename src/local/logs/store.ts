import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LogEventInput, LogSink } from '../types';
import { CorruptStateError, readJsonFile, writeJsonAtomic } from '../persist';

/**
 * CloudWatch-style log groups and streams, kept in memory and persisted under
 * `<dataDir>/logs/`:
 * - `index.json` (written atomically) lists groups, their streams and each group's event file;
 * - `<file>.jsonl` holds a group's events, one JSON object a line, appended in batches.
 * Each stream keeps its newest `maxEventsPerStream` events; a group's file is rewritten
 * (compacted) once it holds many more lines than the events still kept.
 */

export interface StoredLogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
  /** Store-wide ingestion sequence number: orders events with equal timestamps and forms the eventId. */
  seq: number;
}

export interface LogStreamState {
  readonly name: string;
  readonly creationTime: number;
  /** Sorted by (timestamp, seq). */
  events: StoredLogEvent[];
  lastIngestionTime?: number;
  storedBytes: number;
}

export interface LogGroupState {
  readonly name: string;
  readonly creationTime: number;
  readonly file: string;
  readonly streams: Map<string, LogStreamState>;
}

export interface LogStoreOptions {
  /** Events kept per stream; older ones are dropped. Default 10,000. */
  maxEventsPerStream?: number;
  /** Delay before buffered appends are written, in ms. Default 100. */
  flushDelayMs?: number;
  /** Upper bound on events FilterLogEvents examines per call before answering with a nextToken. Default 200,000. */
  filterScanBudget?: number;
}

/** Receives events as they are stored (live tail). */
export type LogListener = (logGroupName: string, logStreamName: string, events: readonly StoredLogEvent[]) => void;

interface IndexFile {
  version: 1;
  nextFileId: number;
  groups: { name: string; creationTime: number; file: string; streams: { name: string; creationTime: number }[] }[];
}

interface EventLine { s: string; t: number; i: number; q: number; m: string }

/** AWS counts each event as its UTF-8 message size plus 26 bytes. */
export function eventSize(message: string): number {
  return Buffer.byteLength(message, 'utf8') + 26;
}

export class LogStore implements LogSink {
  readonly maxEventsPerStream: number;
  readonly filterScanBudget: number;
  private readonly dir: string;
  private readonly indexFile: string;
  private readonly flushDelayMs: number;
  private readonly groups = new Map<string, LogGroupState>();
  private readonly listeners = new Set<LogListener>();
  /** Lines waiting to be appended, by group file. */
  private readonly pending = new Map<string, string[]>();
  /** Lines in each group file (kept and dropped), to decide when to compact. */
  private readonly fileLines = new Map<string, number>();
  private nextSeq = 1;
  private nextFileId = 1;
  private indexDirty = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(dataDir: string, options: LogStoreOptions = {}) {
    this.dir = path.join(dataDir, 'logs');
    this.indexFile = path.join(this.dir, 'index.json');
    this.maxEventsPerStream = options.maxEventsPerStream ?? 10_000;
    this.flushDelayMs = options.flushDelayMs ?? 100;
    this.filterScanBudget = options.filterScanBudget ?? 200_000;
    this.load();
  }

  // ------------------------------------------------------------ writing

  /**
   * Stores events, creating the group and stream when missing (as Lambda does). Cheap: disk
   * writes are batched. After close() (shutdown) writes are ignored rather than thrown, so a
   * runtime still printing while the program stops cannot crash it.
   */
  write(logGroupName: string, logStreamName: string, events: LogEventInput[]): void {
    if (this.closed) return;
    if (events.length === 0) {
      this.ensureStream(logGroupName, logStreamName);
      return;
    }
    const group = this.ensureGroup(logGroupName);
    const stream = this.ensureStream(logGroupName, logStreamName);
    const ingestionTime = Date.now();
    const stored: StoredLogEvent[] = [];
    const lines = this.pendingFor(group.file);
    for (const e of events) {
      const event: StoredLogEvent = { timestamp: e.timestamp, message: e.message, ingestionTime, seq: this.nextSeq++ };
      stored.push(event);
      insertSorted(stream.events, event);
      stream.storedBytes += eventSize(e.message);
      const line: EventLine = { s: logStreamName, t: event.timestamp, i: ingestionTime, q: event.seq, m: event.message };
      lines.push(JSON.stringify(line));
    }
    stream.lastIngestionTime = ingestionTime;
    this.applyRetention(stream);
    this.scheduleFlush();
    for (const listener of this.listeners) {
      try {
        listener(logGroupName, logStreamName, stored);
      } catch {
        // A failing listener must not break the writer.
      }
    }
  }

  /** Returns false when the group already exists. */
  createGroup(name: string): boolean {
    if (this.groups.has(name)) return false;
    this.ensureGroup(name);
    return true;
  }

  /** Returns 'no-group' or 'exists' instead of creating. */
  createStream(groupName: string, streamName: string): 'created' | 'exists' | 'no-group' {
    const group = this.groups.get(groupName);
    if (!group) return 'no-group';
    if (group.streams.has(streamName)) return 'exists';
    this.ensureStream(groupName, streamName);
    return 'created';
  }

  deleteGroup(name: string): boolean {
    const group = this.groups.get(name);
    if (!group) return false;
    this.groups.delete(name);
    this.pending.delete(group.file);
    this.fileLines.delete(group.file);
    this.indexDirty = true;
    const file = path.join(this.dir, group.file);
    this.flushing = this.flushing.then(() => fs.promises.rm(file, { force: true })).catch(() => undefined);
    this.scheduleFlush();
    return true;
  }

  deleteStream(groupName: string, streamName: string): boolean {
    const group = this.groups.get(groupName);
    if (!group?.streams.delete(streamName)) return false;
    // The stream's lines stay in the group file until compaction, which skips them.
    this.indexDirty = true;
    this.scheduleFlush();
    return true;
  }

  // ------------------------------------------------------------ reading

  getGroup(name: string): LogGroupState | undefined {
    return this.groups.get(name);
  }

  /** All groups sorted by name. */
  listGroups(): LogGroupState[] {
    return [...this.groups.values()].sort((a, b) => compareStrings(a.name, b.name));
  }

  groupStoredBytes(group: LogGroupState): number {
    let total = 0;
    for (const s of group.streams.values()) total += s.storedBytes;
    return total;
  }

  /** Calls `listener` for every batch stored from now on; returns the function that stops it. */
  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Writes everything buffered to disk. */
  async flush(): Promise<void> {
    if (this.flushTimer) { clearTimeout(this.flushTimer); this.flushTimer = undefined; }
    this.flushing = this.flushing.then(() => this.writePending());
    await this.flushing;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    this.listeners.clear();
  }

  // ------------------------------------------------------------ internals

  private ensureGroup(name: string): LogGroupState {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, creationTime: Date.now(), file: `g${this.nextFileId++}.jsonl`, streams: new Map() };
      this.groups.set(name, group);
      this.indexDirty = true;
      this.scheduleFlush();
    }
    return group;
  }

  private ensureStream(groupName: string, streamName: string): LogStreamState {
    const group = this.ensureGroup(groupName);
    let stream = group.streams.get(streamName);
    if (!stream) {
      stream = { name: streamName, creationTime: Date.now(), events: [], storedBytes: 0 };
      group.streams.set(streamName, stream);
      this.indexDirty = true;
      this.scheduleFlush();
    }
    return stream;
  }

  private applyRetention(stream: LogStreamState): void {
    const excess = stream.events.length - this.maxEventsPerStream;
    if (excess <= 0) return;
    for (const dropped of stream.events.splice(0, excess)) stream.storedBytes -= eventSize(dropped.message);
  }

  private pendingFor(file: string): string[] {
    let lines = this.pending.get(file);
    if (!lines) { lines = []; this.pending.set(file, lines); }
    return lines;
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushing = this.flushing.then(() => this.writePending()).catch((err: Error) => {
        process.stderr.write(`Could not save logs: ${err.message}\n`);
      });
    }, this.flushDelayMs);
  }

  private async writePending(): Promise<void> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    if (this.indexDirty) {
      this.indexDirty = false;
      writeJsonAtomic(this.indexFile, this.indexSnapshot());
    }
    const batches = [...this.pending.entries()];
    this.pending.clear();
    for (const [file, lines] of batches) {
      if (lines.length === 0) continue;
      await fs.promises.appendFile(path.join(this.dir, file), lines.join('\n') + '\n', 'utf8');
      this.fileLines.set(file, (this.fileLines.get(file) ?? 0) + lines.length);
    }
    for (const group of this.groups.values()) {
      let kept = 0;
      for (const s of group.streams.values()) kept += s.events.length;
      if ((this.fileLines.get(group.file) ?? 0) > 2 * kept + 1000) await this.compact(group);
    }
  }

  /** Rewrites a group's file with only the events still kept. */
  private async compact(group: LogGroupState): Promise<void> {
    const events: EventLine[] = [];
    for (const s of group.streams.values()) {
      for (const e of s.events) events.push({ s: s.name, t: e.timestamp, i: e.ingestionTime, q: e.seq, m: e.message });
    }
    events.sort((a, b) => a.q - b.q);
    const file = path.join(this.dir, group.file);
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.promises.writeFile(tmp, events.map((e) => JSON.stringify(e) + '\n').join(''), 'utf8');
    await fs.promises.rename(tmp, file);
    this.fileLines.set(group.file, events.length);
  }

  private indexSnapshot(): IndexFile {
    return {
      version: 1,
      nextFileId: this.nextFileId,
      groups: [...this.groups.values()].map((g) => ({
        name: g.name,
        creationTime: g.creationTime,
        file: g.file,
        streams: [...g.streams.values()].map((s) => ({ name: s.name, creationTime: s.creationTime })),
      })),
    };
  }

  private load(): void {
    const index = readJsonFile<IndexFile>(this.indexFile);
    if (index === undefined) return;
    if (typeof index !== 'object' || index === null || !Array.isArray(index.groups) || typeof index.nextFileId !== 'number') {
      throw new CorruptStateError(this.indexFile, 'expected {"version":1,"nextFileId":…,"groups":[…]}');
    }
    this.nextFileId = index.nextFileId;
    for (const g of index.groups) {
      if (typeof g?.name !== 'string' || typeof g.file !== 'string' || !/^[\w.-]+$/.test(g.file) || !Array.isArray(g.streams)) {
        throw new CorruptStateError(this.indexFile, `a group entry is malformed: ${JSON.stringify(g).slice(0, 200)}`);
      }
      const group: LogGroupState = { name: g.name, creationTime: Number(g.creationTime) || 0, file: g.file, streams: new Map() };
      for (const s of g.streams) {
        if (typeof s?.name !== 'string') throw new CorruptStateError(this.indexFile, `a stream entry of group ${g.name} is malformed`);
        group.streams.set(s.name, { name: s.name, creationTime: Number(s.creationTime) || 0, events: [], storedBytes: 0 });
      }
      this.groups.set(group.name, group);
      this.loadEvents(group);
    }
    for (const group of this.groups.values()) {
      for (const stream of group.streams.values()) this.applyRetention(stream);
    }
  }

  private loadEvents(group: LogGroupState): void {
    const file = path.join(this.dir, group.file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const lines = text.split('\n');
    // A last line without its newline is an append cut short by a crash: it is skipped.
    const complete = lines.length - 1;
    let count = 0;
    for (let n = 0; n < complete; n++) {
      const raw = lines[n];
      if (raw === '') continue;
      let line: EventLine;
      try {
        line = JSON.parse(raw) as EventLine;
      } catch {
        throw new CorruptStateError(file, `line ${n + 1} is not valid JSON`);
      }
      if (typeof line.s !== 'string' || typeof line.t !== 'number' || typeof line.m !== 'string' || typeof line.q !== 'number') {
        throw new CorruptStateError(file, `line ${n + 1} is not a log event`);
      }
      count++;
      let stream = group.streams.get(line.s);
      if (!stream) {
        // Written before the index recorded the stream: recover it.
        stream = { name: line.s, creationTime: line.i, events: [], storedBytes: 0 };
        group.streams.set(line.s, stream);
        this.indexDirty = true;
      }
      const event: StoredLogEvent = { timestamp: line.t, message: line.m, ingestionTime: line.i, seq: line.q };
      insertSorted(stream.events, event);
      stream.storedBytes += eventSize(line.m);
      stream.lastIngestionTime = Math.max(stream.lastIngestionTime ?? 0, line.i);
      if (line.q >= this.nextSeq) this.nextSeq = line.q + 1;
      if (stream.events.length > 2 * this.maxEventsPerStream) this.applyRetention(stream);
    }
    this.fileLines.set(group.file, count);
  }
}

/** Orders events by timestamp, then by ingestion sequence. */
export function compareEvents(a: { timestamp: number; seq: number }, b: { timestamp: number; seq: number }): number {
  return a.timestamp - b.timestamp || a.seq - b.seq;
}

function insertSorted(events: StoredLogEvent[], event: StoredLogEvent): void {
  const last = events[events.length - 1];
  if (!last || compareEvents(last, event) <= 0) {
    events.push(event);
    return;
  }
  events.splice(firstIndexAfter(events, event.timestamp, event.seq), 0, event);
}

/** Index of the first event ordered after (timestamp, seq). */
export function firstIndexAfter(events: readonly StoredLogEvent[], timestamp: number, seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEvents(events[mid], { timestamp, seq }) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Code-point order, as CloudWatch sorts names. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
