import * as os from 'node:os';

/**
 * How many invocations and environments the Local Lambda takes on at once, and how long a
 * request may wait for a free environment. The defaults below are what the README describes.
 */

/** AWS's default concurrency quota for an account in a Region (GetAccountSettings ConcurrentExecutions). */
export const ACCOUNT_CONCURRENCY = 1000;
/** Requests waiting for a free environment at once (each holds its payload, up to 6 MB). */
export const DEFAULT_QUEUE_LENGTH = 256;
/** How long a request waits for a free environment before it is answered with a throttle. */
export const DEFAULT_QUEUE_WAIT_MS = 10_000;
/** Idle environments are stopped after this (AWS keeps them for minutes too). */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

/** Ceilings the command-line flags accept. */
export const LIMITS = {
  maxConcurrency: 1000,
  maxEnvironments: 256,
  queueLength: 10_000,
  queueWaitSeconds: 900,
  idleTimeoutSeconds: 24 * 60 * 60,
} as const;

/**
 * Environments running at once when no flag says otherwise: twice the CPUs the process may use,
 * at least 2 and at most 16. One environment serves one invocation at a time, and a warm
 * invocation is mostly CPU (the server's share and the runtime's), so past about two per CPU
 * more processes add memory, not throughput; two per CPU still lets one wait on I/O (a
 * database, a sleep) while another computes.
 */
export function defaultEnvironmentCap(cpus: number = os.availableParallelism()): number {
  return Math.max(2, Math.min(16, 2 * Math.max(1, Math.floor(cpus))));
}

/** Megabytes of memory the machine has free now (MemAvailable on Linux). */
export function freeMemoryMb(): number {
  return Math.floor(os.freemem() / (1024 * 1024));
}

/**
 * Whether one more environment of `memoryMb` fits: within the cap on environments and, with the
 * MemorySize of the ones running, within the memory budget (the free memory when the Local
 * Lambda started). The first environment always fits, so a function larger than the budget
 * still runs, one at a time.
 */
export function fitsAnother(running: { count: number; memoryMb: number }, memoryMb: number, cap: number, budgetMb: number): boolean {
  if (running.count === 0) return true;
  return running.count < cap && running.memoryMb + memoryMb <= budgetMb;
}
