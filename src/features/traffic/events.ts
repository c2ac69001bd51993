import { Emitter } from '../../shared/events';

/** A function whose versions or aliases changed. */
export interface FunctionRef {
  connectionId: string;
  region: string;
  functionName: string;
}

const changed = new Emitter<FunctionRef>();

/**
 * Fires after this window published a version or changed an alias, so every view of the
 * function (tree, Aliases & Traffic tab) shows the live state.
 */
export const onDidChangeAliases = changed.event;

export function announceAliasChange(ref: FunctionRef): void {
  changed.fire({ connectionId: ref.connectionId, region: ref.region, functionName: ref.functionName });
}

export function sameFunction(a: FunctionRef, b: FunctionRef): boolean {
  return a.connectionId === b.connectionId && a.region === b.region && a.functionName === b.functionName;
}
