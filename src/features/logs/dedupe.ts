import type { LogEvent } from '../../aws/logs';

/**
 * Drops events already delivered, across Live Tail sessions and FilterLogEvents backfills.
 *
 * Live Tail events carry no eventId, so an event is identified by its stream, timestamp,
 * ingestion time and message (hashed, to keep the memory bounded). Both APIs report the stored
 * event's ingestion time (the Local Lambda does; for AWS this is the documented meaning of the
 * field in both, not verified by a recording). Identical lines written to the same stream in one
 * batch are real, distinct events: each read ("pass": one live session, one FilterLogEvents
 * query) counts how often it saw a key, and only occurrences beyond the most any pass has
 * delivered are new. Both maps keep at most `capacity` keys, oldest forgotten first.
 */
export class EventDeduper {
  private readonly delivered: BoundedCounter;

  constructor(readonly capacity = 50_000) {
    this.delivered = new BoundedCounter(capacity);
  }

  /** A new consistent read of the log (a live session, one query). */
  pass(): DedupePass {
    return new DedupePass(this.delivered, this.capacity);
  }

  get size(): number {
    return this.delivered.size;
  }
}

export class DedupePass {
  private readonly counts: BoundedCounter;

  constructor(
    private readonly delivered: BoundedCounter,
    capacity: number,
  ) {
    this.counts = new BoundedCounter(capacity);
  }

  /** True when the event has not been delivered before (and records that it now is). */
  admit(event: LogEvent): boolean {
    const key = eventKey(event);
    const n = this.counts.increment(key);
    if (n <= this.delivered.get(key)) return false;
    this.delivered.set(key, n);
    return true;
  }

  /** The events of a batch that are new, in order. */
  filter(events: readonly LogEvent[]): LogEvent[] {
    return events.filter((e) => this.admit(e));
  }
}

/**
 * Counts per key for at most `capacity` keys; adding one more forgets the key added longest
 * ago. A ring of keys records the order (deleting from the front of a Map instead gets slow as
 * the Map fills with holes).
 */
class BoundedCounter {
  private readonly counts = new Map<string, number>();
  private readonly order: string[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.counts.size;
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  increment(key: string): number {
    const n = this.get(key) + 1;
    this.set(key, n);
    return n;
  }

  set(key: string, value: number): void {
    if (!this.counts.has(key)) {
      if (this.order.length < this.capacity) {
        this.order.push(key);
      } else {
        this.counts.delete(this.order[this.next]);
        this.order[this.next] = key;
        this.next = (this.next + 1) % this.capacity;
      }
    }
    this.counts.set(key, value);
  }
}

export function eventKey(e: LogEvent): string {
  return `${e.timestamp}|${e.ingestionTime ?? ''}|${e.logStreamName}|${e.message.length}|${hash53(e.message)}`;
}

/** A fast 53-bit string hash (two 32-bit multiplicative hashes combined). */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
