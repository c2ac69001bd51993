import { isFunctionTarget, type FunctionTarget } from '../../shared/target';
import type { MementoLike } from '../../shared/memento';
import { Emitter } from '../../shared/events';
import { StorageKeys } from '../../workbench/ids';

/**
 * Which deployed function a handler in a source file belongs to, remembered per workspace once
 * the person has chosen it (the code alone cannot say which account and region run it).
 */

export interface HandlerMapping {
  /** The source file's URI, as a string. */
  file: string;
  exportName: string;
  target: FunctionTarget;
}

const STORE_KEY = StorageKeys.handlerFunctions;
/** Bounded so the workspace state cannot grow without end. */
const MAX_MAPPINGS = 500;

function isMapping(value: unknown): value is HandlerMapping {
  const v = value as Partial<HandlerMapping> | null;
  return typeof v === 'object' && v !== null && typeof v.file === 'string' && typeof v.exportName === 'string' && isFunctionTarget(v.target);
}

export class HandlerMappings {
  private readonly changed = new Emitter<string>();
  /** Fires with the file whose mapping changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly store: MementoLike) {}

  private all(): HandlerMapping[] {
    const value = this.store.get<unknown>(STORE_KEY);
    return Array.isArray(value) ? value.filter(isMapping) : [];
  }

  forFile(file: string): HandlerMapping[] {
    return this.all().filter((m) => m.file === file);
  }

  get(file: string, exportName: string): HandlerMapping | undefined {
    return this.all().find((m) => m.file === file && m.exportName === exportName);
  }

  async set(mapping: HandlerMapping): Promise<void> {
    const rest = this.all().filter((m) => !(m.file === mapping.file && m.exportName === mapping.exportName));
    await this.store.update(STORE_KEY, [mapping, ...rest].slice(0, MAX_MAPPINGS));
    this.changed.fire(mapping.file);
  }

  /** Forgets one handler of a file, or all of them. Returns how many were forgotten. */
  async forget(file: string, exportName?: string): Promise<number> {
    const all = this.all();
    const kept = all.filter((m) => !(m.file === file && (exportName === undefined || m.exportName === exportName)));
    if (kept.length === all.length) return 0;
    await this.store.update(STORE_KEY, kept);
    this.changed.fire(file);
    return all.length - kept.length;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
