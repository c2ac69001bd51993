import type { FunctionConfiguration, FunctionPage } from '../../aws/lambda';
import { MAX_PAGE_SIZE } from '../../aws/lambda';
import { toWorkbenchError, type WorkbenchError } from '../../aws/errors';
import { matchesFilter } from '../../shared/format';

/** Pages walked per "load" while a filter is set, so one click can't scan forever. */
export const MAX_PAGES_PER_LOAD = 40;

export type FetchFunctionPage = (marker: string | undefined, maxItems: number) => Promise<FunctionPage>;

/**
 * The functions of one region, loaded a page at a time.
 *
 * Filtering: ListFunctions has no name filter, so with a filter set the pager walks Lambda's
 * pages (50 functions each) and keeps the matches until it has a page's worth of matches, the
 * list ends, or MAX_PAGES_PER_LOAD pages were read. "Load more" continues from where it
 * stopped, so a filter finds functions that were never loaded unfiltered.
 */
export class FunctionPager {
  private readonly loaded: FunctionConfiguration[] = [];
  /** Matches fetched beyond the current page, shown on the next load. */
  private readonly buffer: FunctionConfiguration[] = [];
  /** Names already taken, so a function created or renamed while paging is not listed twice. */
  private readonly seen = new Set<string>();
  private marker?: string;
  private started = false;
  private loading?: Promise<void>;
  private lastError?: WorkbenchError;

  constructor(
    private readonly fetchPage: FetchFunctionPage,
    readonly pageSize: number,
    readonly filter: string | undefined,
  ) {}

  get items(): readonly FunctionConfiguration[] {
    return this.loaded;
  }
  get error(): WorkbenchError | undefined {
    return this.lastError;
  }
  get hasStarted(): boolean {
    return this.started;
  }
  /** More functions may exist beyond those loaded. */
  get hasMore(): boolean {
    return this.buffer.length > 0 || (this.started && this.marker !== undefined);
  }

  /** Loads the next page (concurrent calls share one load). */
  loadNext(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    this.lastError = undefined;
    let added = this.take(this.pageSize);
    for (let pages = 0; added < this.pageSize && pages < MAX_PAGES_PER_LOAD; pages++) {
      if (this.started && this.marker === undefined) return;
      const wanted = this.filter ? MAX_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, this.pageSize - added);
      let page: FunctionPage;
      try {
        page = await this.fetchPage(this.marker, wanted);
      } catch (error) {
        this.lastError = toWorkbenchError(error, {});
        return;
      }
      this.started = true;
      this.marker = page.nextMarker;
      for (const fn of page.functions) {
        const name = fn.FunctionName ?? '';
        if (this.seen.has(name) || !matchesFilter(name, this.filter)) continue;
        this.seen.add(name);
        this.buffer.push(fn);
      }
      added += this.take(this.pageSize - added);
    }
  }

  private take(count: number): number {
    const moved = this.buffer.splice(0, Math.max(0, count));
    this.loaded.push(...moved);
    return moved.length;
  }
}
