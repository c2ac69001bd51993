import { isFunctionTarget, type FunctionTarget } from '../shared/target';
import type { ConnectionPlace } from './connections';

/**
 * What a command can be given besides a plain FunctionTarget: a tree node (or anything else)
 * that says which function or which connection and region it stands for.
 */
export interface TargetCarrier {
  /** The function (and qualifier) this stands for, if it stands for one. */
  readonly functionTarget?: FunctionTarget;
  /** The connection and region this lies in, if any. */
  readonly place?: Partial<ConnectionPlace> & Pick<ConnectionPlace, 'connectionId' | 'connectionLabel' | 'connectionKind'>;
}

function carrier(arg: unknown): TargetCarrier | undefined {
  return typeof arg === 'object' && arg !== null ? (arg as TargetCarrier) : undefined;
}

/** The function (and qualifier) an argument stands for; undefined otherwise. */
export function toFunctionTarget(arg: unknown): FunctionTarget | undefined {
  if (isFunctionTarget(arg)) return arg;
  const target = carrier(arg)?.functionTarget;
  return isFunctionTarget(target) ? target : undefined;
}

/** The connection (and region, when it has one) an argument lies in; undefined otherwise. */
export function toPlace(arg: unknown): TargetCarrier['place'] {
  if (isFunctionTarget(arg)) return arg;
  const place = carrier(arg)?.place;
  return place && typeof place.connectionId === 'string' ? place : undefined;
}
