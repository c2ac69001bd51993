// A list that renders only the rows in view (plus a few either side), all of one height, so
// tens of thousands of log lines scroll smoothly. "Following" keeps the end in view as items
// arrive, and stops when the person scrolls up; scrolling back to the end resumes it.

export const ROW_HEIGHT = 20;
const OVERSCAN = 10;

export class VirtualList<T> {
  private readonly canvas: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private readonly drawn = new WeakMap<HTMLElement, T>();
  private items: readonly T[] = [];
  private followEnd = true;
  private lastScrollTop = 0;

  constructor(
    readonly viewport: HTMLElement,
    private readonly render: (row: HTMLElement, item: T) => void,
    private readonly onFollowChange: () => void,
  ) {
    this.canvas = document.createElement('div');
    this.canvas.className = 'logs-canvas';
    viewport.append(this.canvas);
    viewport.addEventListener('scroll', () => this.onScroll(), { passive: true });
    window.addEventListener('resize', () => this.fit());
    this.fit();
  }

  get following(): boolean {
    return this.followEnd;
  }

  /** Sizes the viewport to fill the window below it. */
  fit(): void {
    const top = this.viewport.getBoundingClientRect().top;
    this.viewport.style.height = `${Math.max(160, Math.floor(window.innerHeight - top - 12))}px`;
    this.draw();
  }

  setItems(items: readonly T[], keepFollowing = true): void {
    this.items = items;
    this.canvas.style.height = `${items.length * ROW_HEIGHT}px`;
    if (this.followEnd && keepFollowing) this.scrollToEnd();
    this.draw();
  }

  follow(on: boolean): void {
    this.followEnd = on;
    if (on) this.scrollToEnd();
    this.onFollowChange();
    this.draw();
  }

  private scrollToEnd(): void {
    const end = Math.max(0, this.items.length * ROW_HEIGHT - this.viewport.clientHeight);
    this.viewport.scrollTop = end;
    this.lastScrollTop = this.viewport.scrollTop;
  }

  private atEnd(): boolean {
    return this.viewport.scrollTop + this.viewport.clientHeight >= this.items.length * ROW_HEIGHT - ROW_HEIGHT;
  }

  private onScroll(): void {
    const top = this.viewport.scrollTop;
    const movedUp = top < this.lastScrollTop - 1;
    this.lastScrollTop = top;
    const follow = movedUp ? false : this.atEnd() ? true : this.followEnd;
    if (follow !== this.followEnd) {
      this.followEnd = follow;
      this.onFollowChange();
    }
    this.draw();
  }

  private draw(): void {
    const height = this.viewport.clientHeight || 400;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const count = Math.min(this.items.length - first, Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN);
    while (this.pool.length < count) {
      const row = document.createElement('div');
      row.setAttribute('role', 'listitem');
      row.style.height = `${ROW_HEIGHT}px`;
      this.canvas.append(row);
      this.pool.push(row);
    }
    for (let i = 0; i < this.pool.length; i++) {
      const row = this.pool[i];
      const index = first + i;
      if (i >= count) {
        if (!row.hidden) {
          // A spare row keeps nothing of what it showed (tests and screen readers see only rows in use).
          row.hidden = true;
          row.className = '';
          row.replaceChildren();
          row.removeAttribute('data-index');
          row.removeAttribute('aria-expanded');
          this.drawn.delete(row);
        }
        continue;
      }
      row.hidden = false;
      const item = this.items[index];
      row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
      if (this.drawn.get(row) !== item || row.dataset.index !== String(index)) {
        row.dataset.index = String(index);
        this.drawn.set(row, item);
        this.render(row, item);
      }
    }
  }
}
