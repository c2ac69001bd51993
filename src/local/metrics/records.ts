/**
 * What every invocation leaves behind for the CloudWatch metrics API: when it started, which
 * qualifier it was called by and which version ran, how long it took, whether it failed or was
 * throttled, and how many invocations were running when it started.
 *
 * Kept in memory only (a restart starts empty), in one ring per function holding the newest
 * RECORD_LIMITS.perFunction records, none older than RECORD_LIMITS.maxAgeMs.
 */

export const RECORD_LIMITS = {
  /** Records kept per function; the oldest go first. */
  perFunction: 100_000,
  /** CloudWatch keeps 1-minute data for 15 days; nothing older is answered. */
  maxAgeMs: 15 * 24 * 60 * 60 * 1000,
  /** Functions with records at once; the one recorded longest ago goes first. */
  functions: 5_000,
  /** Distinct (qualifier, executed version, throttled) combinations remembered per function for ListMetrics. */
  shapesPerFunction: 1_000,
};

/** One kind of record a function has had, and when last: what ListMetrics lists. */
export interface RecordShape {
  functionName: string;
  qualifier?: string;
  executedVersion: string;
  throttled: boolean;
  lastAt: number;
}

export type Outcome = 'ok' | 'error' | 'throttle';

/** The invocations running at once when one started, counted for each dimension set it belongs to. */
export interface Concurrency {
  account: number;
  function: number;
  resource: number;
  /** The executed version within the function (and within the resource, for an alias call). */
  version: number;
}

export interface InvocationRecord {
  /** Increases by one with every record; paging reads only records up to the one it started with. */
  seq: number;
  /** Epoch ms at the invocation's start. */
  at: number;
  functionName: string;
  /** The alias or version the caller named; undefined for an unqualified call. */
  qualifier?: string;
  /** The version that ran: `$LATEST` or a number. */
  executedVersion: string;
  outcome: Outcome;
  /** The REPORT line's Duration (ms, two decimals); 0 for a throttle. */
  durationMs: number;
  /** Undefined for a throttle (it never ran). */
  concurrency?: Concurrency;
}

/** An invocation counted in by begin(), to be passed to end(). */
export interface Running {
  at: number;
  functionName: string;
  qualifier?: string;
  executedVersion: string;
  concurrency: Concurrency;
  keys: string[];
}

/** A fixed-size ring: push and dropOldest are O(1); iteration runs oldest to newest. */
class Ring<T> {
  private readonly items: Array<T | undefined> = [];
  private head = 0;
  private count = 0;
  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.count === this.capacity) {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
      return;
    }
    // Slots fill in order, so this writes at most one past the end of the array.
    this.items[(this.head + this.count) % this.capacity] = item;
    this.count++;
  }

  oldest(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  dropOldest(): void {
    if (this.count === 0) return;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
  }

  forEach(visit: (item: T) => void): void {
    for (let i = 0; i < this.count; i++) visit(this.items[(this.head + i) % this.capacity] as T);
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) % this.capacity] as T;
  }
}

/** An alias is any qualifier that is neither `$LATEST` nor a version number. */
export function isAlias(qualifier: string | undefined): qualifier is string {
  return qualifier !== undefined && qualifier !== '$LATEST' && !/^\d{1,10}$/.test(qualifier);
}

/** The qualifier in an invoked function ARN (`arn:aws:lambda:region:account:function:name[:qualifier]`). */
export function qualifierOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 8 && parts[7] !== '' ? parts[7] : undefined;
}

export class InvocationRecords {
  private readonly rings = new Map<string, Ring<InvocationRecord>>();
  private readonly shapesByFunction = new Map<string, Map<string, RecordShape>>();
  private readonly running = new Map<string, number>();
  private seq = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The sequence number of the newest record (0 before any). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Counts an invocation in as it starts to run; its concurrency is taken now. */
  begin(functionName: string, qualifier: string | undefined, executedVersion: string): Running {
    const at = this.now();
    const resource = qualifier !== undefined ? `R\0${functionName}\0${qualifier}` : undefined;
    const version = isAlias(qualifier) ? `V\0${functionName}\0${qualifier}\0${executedVersion}` : `V\0${functionName}\0\0${executedVersion}`;
    const keys = ['A', `F\0${functionName}`, version, ...(resource ? [resource] : [])];
    for (const key of keys) this.running.set(key, (this.running.get(key) ?? 0) + 1);
    const count = (key: string | undefined) => (key === undefined ? 0 : this.running.get(key) ?? 0);
    return {
      at, functionName, qualifier, executedVersion, keys,
      concurrency: { account: count('A'), function: count(`F\0${functionName}`), resource: count(resource), version: count(version) },
    };
  }

  /** Counts a begun invocation out and records it; `outcome` 'throttle' for one refused while it waited for an environment. */
  end(run: Running, outcome: Outcome, durationMs: number): void {
    this.abandon(run);
    this.append({
      seq: 0, at: run.at, functionName: run.functionName, qualifier: run.qualifier, executedVersion: run.executedVersion, outcome,
      durationMs: outcome === 'throttle' ? 0 : Math.round(durationMs * 100) / 100, concurrency: outcome === 'throttle' ? undefined : run.concurrency,
    });
  }

  /** Counts a begun invocation out without recording it (it ended in a system failure, not an outcome). */
  abandon(run: Running): void {
    for (const key of run.keys) {
      const left = (this.running.get(key) ?? 1) - 1;
      if (left > 0) this.running.set(key, left);
      else this.running.delete(key);
    }
  }

  /** Records an invocation refused before it ran (429 TooManyRequestsException). */
  throttled(functionName: string, qualifier: string | undefined, executedVersion: string): void {
    this.append({ seq: 0, at: this.now(), functionName, qualifier, executedVersion, outcome: 'throttle', durationMs: 0 });
  }

  /** Records an invocation that failed before it could run (its build or init failed): an error of that duration. */
  failedToStart(functionName: string, qualifier: string | undefined, executedVersion: string, durationMs: number): void {
    this.end(this.begin(functionName, qualifier, executedVersion), 'error', durationMs);
  }

  private append(record: InvocationRecord): void {
    record.seq = ++this.seq;
    let ring = this.rings.get(record.functionName);
    if (ring) {
      // Most recently recorded functions stay at the end of the map's order.
      this.rings.delete(record.functionName);
    } else {
      ring = new Ring(RECORD_LIMITS.perFunction);
      if (this.rings.size >= RECORD_LIMITS.functions) {
        const first = this.rings.keys().next();
        if (!first.done) {
          this.rings.delete(first.value);
          this.shapesByFunction.delete(first.value);
        }
      }
    }
    this.rings.set(record.functionName, ring);
    ring.push(record);
    this.noteShape(record);
    const cutoff = this.now() - RECORD_LIMITS.maxAgeMs;
    for (let oldest = ring.oldest(); oldest && oldest.at < cutoff; oldest = ring.oldest()) ring.dropOldest();
  }

  private noteShape(record: InvocationRecord): void {
    let shapes = this.shapesByFunction.get(record.functionName);
    if (!shapes) this.shapesByFunction.set(record.functionName, shapes = new Map());
    const throttled = record.outcome === 'throttle';
    const key = `${record.qualifier ?? ''}\0${record.executedVersion}\0${throttled ? 1 : 0}`;
    const known = shapes.get(key);
    if (known) {
      known.lastAt = Math.max(known.lastAt, record.at);
      return;
    }
    if (shapes.size >= RECORD_LIMITS.shapesPerFunction) {
      const first = shapes.keys().next();
      if (!first.done) shapes.delete(first.value);
    }
    shapes.set(key, { functionName: record.functionName, qualifier: record.qualifier, executedVersion: record.executedVersion, throttled, lastAt: record.at });
  }

  /** The kinds of records seen since `fromMs`, across functions (for ListMetrics; no scan of the records). */
  shapes(fromMs: number): RecordShape[] {
    const out: RecordShape[] = [];
    for (const shapes of this.shapesByFunction.values()) for (const shape of shapes.values()) if (shape.lastAt >= fromMs) out.push({ ...shape });
    return out;
  }

  /** Names of the functions with records. */
  functionNames(): string[] {
    return [...this.rings.keys()];
  }

  /** Calls `visit` with each record read() would give, without a generator's cost per record. */
  forEach(functionName: string | undefined, fromMs: number, toMs: number, upToSeq: number, visit: (record: InvocationRecord) => void): void {
    const cutoff = Math.max(fromMs, this.now() - RECORD_LIMITS.maxAgeMs);
    const rings = functionName === undefined ? [...this.rings.values()] : [this.rings.get(functionName)].filter((r) => r !== undefined);
    for (const ring of rings) {
      ring.forEach((record) => {
        if (record.at >= cutoff && record.at < toMs && record.seq <= upToSeq) visit(record);
      });
    }
  }

  /**
   * The records of one function (or of all, for undefined) that started in [fromMs, toMs) and
   * were recorded no later than `upToSeq`, oldest first within each function.
   */
  *read(functionName: string | undefined, fromMs: number, toMs: number, upToSeq = Infinity): IterableIterator<InvocationRecord> {
    const cutoff = Math.max(fromMs, this.now() - RECORD_LIMITS.maxAgeMs);
    const rings = functionName === undefined ? [...this.rings.values()] : [this.rings.get(functionName)].filter((r) => r !== undefined);
    for (const ring of rings) {
      for (const record of ring) {
        if (record.at >= cutoff && record.at < toMs && record.seq <= upToSeq) yield record;
      }
    }
  }
}
