/**
 * The log lines a view shows, oldest first, at most `capacity` of them: adding beyond it drops
 * the oldest and counts them. Every item gets a sequence number (`seq`) that never repeats, so a
 * webview can be told "append these, and forget everything before seq N".
 */
export class LogBuffer<T extends { seq: number }> {
  private items: T[] = [];
  private nextSeq = 1;
  private droppedCount = 0;
  private max: number;

  constructor(capacity: number) {
    this.max = LogBuffer.checkCapacity(capacity);
  }

  /** A whole number ≥ 1; anything else means the default 10,000. */
  static checkCapacity(value: unknown): number {
    return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : 10_000;
  }

  get capacity(): number {
    return this.max;
  }

  set capacity(value: number) {
    this.max = LogBuffer.checkCapacity(value);
    this.trim();
  }

  get size(): number {
    return this.items.length;
  }

  /** Items dropped to stay within capacity since the last clear. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Sequence number of the oldest item kept (the next one when empty). */
  get firstSeq(): number {
    return this.items[0]?.seq ?? this.nextSeq;
  }

  /** Sequence number of the newest item (0 when nothing was ever added). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Adds items, giving each the next sequence number. */
  push(items: readonly T[]): void {
    for (const item of items) {
      item.seq = this.nextSeq++;
      this.items.push(item);
    }
    this.trim();
  }

  /** Items with seq greater than `seq`, oldest first. */
  after(seq: number): T[] {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid].seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return this.items.slice(lo);
  }

  all(): T[] {
    return this.items.slice();
  }

  clear(): void {
    this.items = [];
    this.droppedCount = 0;
  }

  private trim(): void {
    const over = this.items.length - this.max;
    if (over > 0) {
      this.items.splice(0, over);
      this.droppedCount += over;
    }
  }
}
