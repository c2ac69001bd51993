import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LogEventInput, LogSink } from '../types';
import {
  CorruptStateError, FILE_MODE, insideRootAs, makeDir, parseStateJson, readStateText, removeTmpFiles, writeFileAtomic, writeJsonAtomic,
} from '../persist';

/**
 * CloudWatch-style log groups and streams, kept in memory and persisted under
 * `<dataDir>/logs/`:
 * - `index.json` (written atomically) lists groups, their streams and each group's event file;
 * - `g<N>.jsonl` holds a group's events, one JSON object a line, appended before write() returns
 *   (so an acknowledged PutLogEvents survives the process being killed; a line cut short by a
 *   crash is skipped at load). Names never become paths: files are numbered.
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

/** Read access to events sorted by (timestamp, seq), by position from the oldest. */
export interface EventSequence {
  readonly length: number;
  /** The event at position `i` (0 is the oldest), or undefined outside 0 … length - 1. */
  get(i: number): StoredLogEvent | undefined;
}

/**
 * A stream's events sorted by (timestamp, seq), in a ring buffer: appending the newest and
 * dropping the oldest (what a stream at its cap does on every write) cost O(1), however many
 * events it holds. An event that sorts before the newest is put in its place by moving the
 * events after it (batches come in order, so this is rare and short).
 */
export class StreamEvents implements EventSequence, Iterable<StoredLogEvent> {
  private buf: Array<StoredLogEvent | undefined> = new Array<StoredLogEvent | undefined>(16);
  private mask = 15;
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  get(i: number): StoredLogEvent | undefined {
    return i >= 0 && i < this.size ? this.buf[(this.head + i) & this.mask] : undefined;
  }

  /** Adds an event where it sorts: at the end when it is the newest (the usual case). */
  insert(event: StoredLogEvent): void {
    if (this.size === this.buf.length) this.grow();
    const last = this.get(this.size - 1);
    if (!last || compareEvents(last, event) <= 0) {
      this.buf[(this.head + this.size) & this.mask] = event;
      this.size++;
      return;
    }
    const at = firstIndexAfter(this, event.timestamp, event.seq);
    for (let i = this.size; i > at; i--) this.buf[(this.head + i) & this.mask] = this.buf[(this.head + i - 1) & this.mask];
    this.buf[(this.head + at) & this.mask] = event;
    this.size++;
  }

  /** Removes and returns the oldest event. */
  shift(): StoredLogEvent | undefined {
    if (this.size === 0) return undefined;
    const event = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return event;
  }

  map<T>(fn: (event: StoredLogEvent, index: number) => T): T[] {
    const out = new Array<T>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = fn(this.buf[(this.head + i) & this.mask]!, i);
    return out;
  }

  *[Symbol.iterator](): Iterator<StoredLogEvent> {
    for (let i = 0; i < this.size; i++) yield this.buf[(this.head + i) & this.mask]!;
  }

  private grow(): void {
    const next = new Array<StoredLogEvent | undefined>(this.buf.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.buf[(this.head + i) & this.mask];
    this.buf = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}

export interface LogStreamState {
  readonly name: string;
  readonly creationTime: number;
  /** Sorted by (timestamp, seq). */
  readonly events: StreamEvents;
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
  /** Open append descriptors of group files: a write is then one write(2), not an open, a write and a close. */
  private readonly fds = new Map<string, number>();
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
    // Only after a good load: a corrupt store is left exactly as it was found.
    removeTmpFiles(this.dir);
  }

  // ------------------------------------------------------------ writing

  /**
   * Stores a runtime's events, creating the group and stream when missing (as Lambda does).
   * Cheap: the events are appended to disk within flushDelayMs, in one write for everything
   * stored meanwhile (a new group or stream is saved at once). After close() (shutdown) writes
   * are ignored rather than thrown, so a runtime still printing while the program stops cannot
   * crash it.
   */
  write(logGroupName: string, logStreamName: string, events: LogEventInput[]): void {
    this.store(logGroupName, logStreamName, events);
    if (this.indexDirty) this.persistNow();
    else this.scheduleFlush();
  }

  /** As write(), but on disk before it returns: what PutLogEvents has answered for survives a crash. */
  writeDurable(logGroupName: string, logStreamName: string, events: LogEventInput[]): void {
    this.store(logGroupName, logStreamName, events);
    this.persistNow();
  }

  private store(logGroupName: string, logStreamName: string, events: LogEventInput[]): void {
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
      stream.events.insert(event);
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
    this.persistNow();
    return true;
  }

  /** Returns 'no-group' or 'exists' instead of creating. */
  createStream(groupName: string, streamName: string): 'created' | 'exists' | 'no-group' {
    const group = this.groups.get(groupName);
    if (!group) return 'no-group';
    if (group.streams.has(streamName)) return 'exists';
    this.ensureStream(groupName, streamName);
    this.persistNow();
    return 'created';
  }

  deleteGroup(name: string): boolean {
    const group = this.groups.get(name);
    if (!group) return false;
    this.groups.delete(name);
    this.pending.delete(group.file);
    this.fileLines.delete(group.file);
    this.closeFile(group.file);
    this.indexDirty = true;
    this.persistNow();
    try {
      fs.rmSync(this.groupPath(group.file), { force: true });
    } catch (err) {
      process.stderr.write(`Could not remove the events of log group ${name}: ${(err as Error).message}\n`);
    }
    return true;
  }

  deleteStream(groupName: string, streamName: string): boolean {
    const group = this.groups.get(groupName);
    if (!group?.streams.delete(streamName)) return false;
    // The stream's lines stay in the group file until compaction, which skips them.
    this.indexDirty = true;
    this.persistNow();
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

  /** Writes everything still buffered (after a failed write) and compacts files that need it. */
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
    for (const file of [...this.fds.keys()]) this.closeFile(file);
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
      stream = { name: streamName, creationTime: Date.now(), events: new StreamEvents(), storedBytes: 0 };
      group.streams.set(streamName, stream);
      this.indexDirty = true;
      this.scheduleFlush();
    }
    return stream;
  }

  /** Drops the oldest events past the cap: one per event written once a stream is full, each O(1). */
  private applyRetention(stream: LogStreamState): void {
    while (stream.events.length > this.maxEventsPerStream) stream.storedBytes -= eventSize(stream.events.shift()!.message);
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

  /** A group's event file: a numbered name from the index, kept inside the logs folder. */
  private groupPath(file: string): string {
    return insideRootAs('Log event file', this.dir, file);
  }

  /**
   * Writes the index (when groups or streams changed) and appends buffered lines, before the
   * caller answers. A failure (a full disk) is reported and retried later rather than thrown into
   * a runtime's output handler.
   */
  private persistNow(): void {
    if (this.closed) return;
    try {
      this.writeSync();
    } catch (err) {
      process.stderr.write(`Could not save logs: ${(err as Error).message}\n`);
      this.scheduleFlush();
    }
  }

  private writeSync(): void {
    if (this.indexDirty) {
      makeDir(this.dir);
      writeJsonAtomic(this.indexFile, this.indexSnapshot());
      this.indexDirty = false;
    }
    for (const [file, lines] of [...this.pending.entries()]) {
      if (lines.length === 0) continue;
      this.append(file, lines.join('\n') + '\n');
      this.pending.delete(file);
      this.fileLines.set(file, (this.fileLines.get(file) ?? 0) + lines.length);
    }
  }

  private async writePending(): Promise<void> {
    this.writeSync();
    for (const group of this.groups.values()) {
      let kept = 0;
      for (const s of group.streams.values()) kept += s.events.length;
      if ((this.fileLines.get(group.file) ?? 0) > 2 * kept + 1000) this.compact(group);
    }
  }

  /** Appends to a group's file through its kept descriptor (opened, and the folder made, on first use). */
  private append(file: string, text: string): void {
    let fd = this.fds.get(file);
    if (fd === undefined) {
      makeDir(this.dir);
      fd = fs.openSync(this.groupPath(file), 'a', FILE_MODE);
      this.fds.set(file, fd);
    }
    const data = Buffer.from(text, 'utf8');
    try {
      for (let at = 0; at < data.length;) at += fs.writeSync(fd, data, at);
    } catch (err) {
      // Opened afresh next time (the disk may have filled, or the file been removed).
      this.closeFile(file);
      throw err;
    }
  }

  private closeFile(file: string): void {
    const fd = this.fds.get(file);
    if (fd === undefined) return;
    this.fds.delete(file);
    try { fs.closeSync(fd); } catch { /* already gone */ }
  }

  /** Rewrites a group's file with only the events still kept (synchronously, so no append can fall between). */
  private compact(group: LogGroupState): void {
    // The rewrite replaces the file: appends go to the new one.
    this.closeFile(group.file);
    const events: EventLine[] = [];
    for (const s of group.streams.values()) {
      for (const e of s.events) events.push({ s: s.name, t: e.timestamp, i: e.ingestionTime, q: e.seq, m: e.message });
    }
    events.sort((a, b) => a.q - b.q);
    writeFileAtomic(this.groupPath(group.file), events.map((e) => JSON.stringify(e) + '\n').join(''));
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

  /**
   * Reads the index and every group's events, checking each field; throws CorruptStateError
   * (naming the file, the group or line, and the field) before anything is written.
   */
  private load(): void {
    const text = readStateText(this.indexFile);
    if (text === undefined) return;
    const parsed = parseStateJson(this.indexFile, text);
    const fail = (detail: string, record?: string, field?: string): never => {
      throw new CorruptStateError(this.indexFile, detail, { record, field });
    };
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('expected {"version":1,"nextFileId":…,"groups":[…]}');
    const index = parsed as Partial<IndexFile>;
    if (index.version !== 1) fail(`expected 1, found ${JSON.stringify(index.version) ?? 'nothing'}`, undefined, 'version');
    if (!Number.isSafeInteger(index.nextFileId) || index.nextFileId! < 1) fail(`expected a positive integer, found ${JSON.stringify(index.nextFileId) ?? 'nothing'}`, undefined, 'nextFileId');
    if (!Array.isArray(index.groups)) fail(`expected an array, found ${JSON.stringify(index.groups)?.slice(0, 40) ?? 'nothing'}`, undefined, 'groups');
    const files = new Set<string>();
    const groups: LogGroupState[] = [];
    index.groups!.forEach((g: unknown, i) => {
      const record = `groups[${i}]`;
      if (typeof g !== 'object' || g === null || Array.isArray(g)) fail('expected an object', record);
      const entry = g as Record<string, unknown>;
      if (typeof entry.name !== 'string' || !LOG_NAME.test(entry.name)) fail('expected a log group name (1–512 of a-z A-Z 0-9 _ - / . #)', record, 'name');
      const label = `log group ${JSON.stringify(entry.name)}`;
      if (this.groups.has(entry.name as string)) fail('the group appears twice', label, 'name');
      if (!isTime(entry.creationTime)) fail('expected a time in milliseconds', label, 'creationTime');
      const match = typeof entry.file === 'string' ? GROUP_FILE.exec(entry.file) : null;
      if (!match) fail('expected a file name like g1.jsonl', label, 'file');
      if (files.has(entry.file as string)) fail(`the file ${entry.file as string} belongs to another group too`, label, 'file');
      if (Number(match![1]) >= index.nextFileId!) fail(`the file number is not below nextFileId ${index.nextFileId}`, label, 'file');
      files.add(entry.file as string);
      if (!Array.isArray(entry.streams)) fail('expected an array', label, 'streams');
      const group: LogGroupState = { name: entry.name as string, creationTime: entry.creationTime as number, file: entry.file as string, streams: new Map() };
      (entry.streams as unknown[]).forEach((st, j) => {
        const field = `streams[${j}]`;
        if (typeof st !== 'object' || st === null || Array.isArray(st)) fail('expected an object', label, field);
        const stream = st as Record<string, unknown>;
        if (typeof stream.name !== 'string' || !STREAM_NAME.test(stream.name)) fail('expected a log stream name (1–512 characters, no ":" or "*")', label, `${field}.name`);
        if (group.streams.has(stream.name as string)) fail(`the stream ${JSON.stringify(stream.name)} appears twice`, label, `${field}.name`);
        if (!isTime(stream.creationTime)) fail('expected a time in milliseconds', label, `${field}.creationTime`);
        group.streams.set(stream.name as string, { name: stream.name as string, creationTime: stream.creationTime as number, events: new StreamEvents(), storedBytes: 0 });
      });
      this.groups.set(group.name, group);
      groups.push(group);
    });
    this.nextFileId = index.nextFileId!;
    for (const group of groups) this.loadEvents(group);
    for (const group of this.groups.values()) {
      for (const stream of group.streams.values()) this.applyRetention(stream);
    }
  }

  private loadEvents(group: LogGroupState): void {
    // The name was checked at load (g<N>.jsonl); a link in its place is refused, never followed.
    const file = path.join(this.dir, group.file);
    const text = readStateText(file);
    if (text === undefined) return;
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
        throw new CorruptStateError(file, 'not valid JSON', { record: `line ${n + 1}` });
      }
      const bad = eventLineProblem(line);
      if (bad) throw new CorruptStateError(file, bad[1], { record: `line ${n + 1}`, field: bad[0] });
      count++;
      let stream = group.streams.get(line.s);
      if (!stream) {
        // Written before the index recorded the stream: recover it.
        stream = { name: line.s, creationTime: line.i, events: new StreamEvents(), storedBytes: 0 };
        group.streams.set(line.s, stream);
        this.indexDirty = true;
      }
      const event: StoredLogEvent = { timestamp: line.t, message: line.m, ingestionTime: line.i, seq: line.q };
      stream.events.insert(event);
      stream.storedBytes += eventSize(line.m);
      stream.lastIngestionTime = Math.max(stream.lastIngestionTime ?? 0, line.i);
      if (line.q >= this.nextSeq) this.nextSeq = line.q + 1;
      if (stream.events.length > 2 * this.maxEventsPerStream) this.applyRetention(stream);
    }
    this.fileLines.set(group.file, count);
  }
}

const LOG_NAME = /^[\w\-/.#]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;
const GROUP_FILE = /^g([1-9]\d{0,15})\.jsonl$/;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** What is wrong with one stored event line: [field, problem], or undefined. */
function eventLineProblem(line: unknown): [string | undefined, string] | undefined {
  if (typeof line !== 'object' || line === null || Array.isArray(line)) return [undefined, 'expected a log event object'];
  const e = line as Record<string, unknown>;
  if (typeof e.s !== 'string' || !STREAM_NAME.test(e.s)) return ['s', 'expected a log stream name'];
  if (typeof e.t !== 'number' || !Number.isSafeInteger(e.t)) return ['t', 'expected a timestamp in milliseconds'];
  if (!isTime(e.i)) return ['i', 'expected an ingestion time in milliseconds'];
  if (!Number.isSafeInteger(e.q) || (e.q as number) < 1) return ['q', 'expected a positive sequence number'];
  if (typeof e.m !== 'string') return ['m', 'expected a message string'];
  return undefined;
}

/** Orders events by timestamp, then by ingestion sequence. */
export function compareEvents(a: { timestamp: number; seq: number }, b: { timestamp: number; seq: number }): number {
  return a.timestamp - b.timestamp || a.seq - b.seq;
}

/** Index of the first event ordered after (timestamp, seq). */
export function firstIndexAfter(events: EventSequence, timestamp: number, seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = events.get(mid)!;
    if (e.timestamp < timestamp || (e.timestamp === timestamp && e.seq <= seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Code-point order, as CloudWatch sorts names. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
