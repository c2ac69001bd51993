/**
 * What one invocation costs at AWS's published on-demand prices: US East (N. Virginia), first
 * duration tier, no free tier. Keep every price in LAMBDA_PRICES so an update is one edit.
 *
 * Prices (USD) of AWS's Lambda pricing page, whose rate table is rendered by script; the figures
 * below agree across several independent copies of it, checked 2026:
 *   requests                      $0.20 per 1 million
 *   duration, x86_64              $0.0000166667 per GB-second (first 6 billion GB-s a month)
 *   duration, arm64               $0.0000133334 per GB-second (first 7.5 billion GB-s a month)
 *   ephemeral storage over 512 MB $0.0000000309 per GB-second
 * GB means 1,024 MB. Billed Duration is rounded up to 1 ms and, for on-demand ZIP functions on
 * managed runtimes, includes the INIT phase since August 2025, so it is the figure to price.
 */

export type Architecture = 'x86_64' | 'arm64';

export const LAMBDA_PRICES = {
  region: 'us-east-1',
  checked: '2026',
  requestUsd: 0.2 / 1_000_000,
  durationUsdPerGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 } as Record<Architecture, number>,
  ephemeralStorageUsdPerGbSecond: 0.0000000309,
  /** /tmp up to this size is included. */
  freeEphemeralStorageMb: 512,
} as const;

export interface InvocationCostInput {
  billedDurationMs: number;
  memorySizeMb: number;
  architecture: Architecture;
  /** /tmp size; the default 512 MB costs nothing extra. */
  ephemeralStorageMb?: number;
}

export interface InvocationCost {
  usd: number;
  requestUsd: number;
  /** Duration charge for the configured memory. */
  computeUsd: number;
  /** Charge for /tmp above 512 MB; 0 otherwise. */
  storageUsd: number;
}

const MB_PER_GB = 1024;

export function estimateInvocationCost(input: InvocationCostInput): InvocationCost {
  const { billedDurationMs, memorySizeMb, architecture } = input;
  for (const [name, value] of Object.entries({ billedDurationMs, memorySizeMb })) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a number ≥ 0, got ${value}`);
  }
  const rate = LAMBDA_PRICES.durationUsdPerGbSecond[architecture];
  if (rate === undefined) throw new RangeError(`Unknown architecture "${architecture}" (expected x86_64 or arm64)`);
  const seconds = billedDurationMs / 1000;
  const computeUsd = (memorySizeMb / MB_PER_GB) * seconds * rate;
  const extraStorageMb = Math.max(0, (input.ephemeralStorageMb ?? LAMBDA_PRICES.freeEphemeralStorageMb) - LAMBDA_PRICES.freeEphemeralStorageMb);
  const storageUsd = (extraStorageMb / MB_PER_GB) * seconds * LAMBDA_PRICES.ephemeralStorageUsdPerGbSecond;
  const requestUsd = LAMBDA_PRICES.requestUsd;
  return { usd: requestUsd + computeUsd + storageUsd, requestUsd, computeUsd, storageUsd };
}

/**
 * Dollars for display, fit for amounts far below a cent: two significant digits without
 * exponent notation ("$0.0000021"), cents from $1 up ("$1.25"), and "$0" for nothing.
 */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '—';
  if (usd < 0) return `-${formatUsd(-usd)}`;
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  const decimals = Math.min(20, Math.max(2, 1 - Math.floor(Math.log10(usd))));
  const fixed = usd.toFixed(decimals);
  // Trailing zeros say nothing for sub-cent amounts ("0.0000100" → "0.00001"), but keep cents.
  const trimmed = fixed.replace(/(\.\d*?[1-9])0+$/, '$1').replace(/\.0+$/, '');
  return `$${/\.\d$/.test(trimmed) && usd >= 0.01 ? `${trimmed}0` : trimmed}`;
}
