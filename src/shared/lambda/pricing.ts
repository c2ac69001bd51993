/**
 * What Lambda usage costs at AWS's published on-demand prices, and the price table itself, kept
 * as data so an update is one edit. Pure: used by the Invoke result (one call), the Monitor tab
 * (a range of metrics) and anything else that shows a price.
 *
 * Source: AWS Lambda pricing page (https://aws.amazon.com/lambda/pricing/), whose rate table is
 * rendered by script per region; the figures below agree with AWS's own worked examples on that
 * page, with the tiered-pricing announcement (AWS Compute Blog, "Introducing tiered pricing for
 * AWS Lambda": x86 tiers at 6 B and 15 B GB-s, arm64 at 7.5 B and 18.75 B GB-s, 10 % and 20 %
 * off) and with the public price list's AWSLambda offer (usage types Request, Lambda-GB-Second,
 * Lambda-GB-Second-ARM). Checked December 2026.
 *
 * Rules the model follows:
 * - GB means 1,024 MB; duration is priced per GB-second of configured memory.
 * - Duration tiers apply to a month's aggregate duration per architecture and region across the
 *   account; an estimate for one function prices that function's monthly rate alone.
 * - The free tier (1 M requests and 400,000 GB-s a month, x86 and arm64 together) belongs to
 *   the whole account, every region together, so it is reported apart and never silently
 *   subtracted.
 * - /tmp above 512 MB costs per GB-second too.
 */

export type Architecture = 'x86_64' | 'arm64';

/** One step of the duration price: usage up to `upToGbSeconds` a month (Infinity for the last). */
export interface DurationTier {
  upToGbSeconds: number;
  usdPerGbSecond: number;
}

export interface RegionPrices {
  requestUsdPerMillion: number;
  duration: Record<Architecture, DurationTier[]>;
  ephemeralStorageUsdPerGbSecond: number;
}

/** A region's prices and how far the table vouches for them. */
export interface PricesFor {
  region: string;
  prices: RegionPrices;
  /** 'listed': the table has this region. 'fallback': not in the table; us-east-1's prices used. */
  basis: 'listed' | 'fallback';
  /** What a reader should know about these figures (empty when nothing). */
  notes: string[];
}

const BILLION = 1_000_000_000;

/** Tier boundaries (GB-s a month) and discounts, the same in every region. */
const TIER_LIMITS: Record<Architecture, [number, number]> = {
  x86_64: [6 * BILLION, 15 * BILLION],
  arm64: [7.5 * BILLION, 18.75 * BILLION],
};

function tiers(architecture: Architecture, rates: [number, number, number]): DurationTier[] {
  const [first, second] = TIER_LIMITS[architecture];
  return [
    { upToGbSeconds: first, usdPerGbSecond: rates[0] },
    { upToGbSeconds: second, usdPerGbSecond: rates[1] },
    { upToGbSeconds: Infinity, usdPerGbSecond: rates[2] },
  ];
}

/** Later tiers at 10 % and 20 % off the first, rounded as AWS's list rounds them (10 decimals). */
function discounted(first: number): [number, number, number] {
  const round = (v: number): number => Math.round(v * 1e10) / 1e10;
  return [first, round(first * 0.9), round(first * 0.8)];
}

const US_EAST_1: RegionPrices = {
  requestUsdPerMillion: 0.2,
  duration: {
    // AWS lists these exact figures for us-east-1's tiers (the rounding differs from discounted()).
    x86_64: tiers('x86_64', [0.0000166667, 0.000015, 0.0000133334]),
    arm64: tiers('arm64', [0.0000133334, 0.0000120001, 0.0000106667]),
  },
  ephemeralStorageUsdPerGbSecond: 0.0000000309,
};

/** First-tier duration prices of regions that differ from us-east-1 (x86_64, arm64). */
const HIGHER_DURATION: Record<string, [number, number]> = {
  'af-south-1': [0.0000221, 0.00001768],
  'ap-east-1': [0.00002292, 0.0000183],
  'eu-south-1': [0.0000195172, 0.0000156138],
  'me-south-1': [0.0000206667, 0.0000165334],
  'me-central-1': [0.0000206667, 0.0000165334],
};

/** Commercial regions priced as us-east-1. */
const STANDARD_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1',
  'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'sa-east-1',
];

/**
 * The price table. Regions in HIGHER_DURATION have their own duration prices; the table does
 * not hold verified request prices for them, so their request price is us-east-1's and a note
 * says so.
 */
export const PRICE_TABLE = {
  source: 'https://aws.amazon.com/lambda/pricing/',
  checked: '2026-12',
  currency: 'USD',
  freeTier: { requests: 1_000_000, gbSeconds: 400_000 },
  /** Ephemeral storage included with every function. */
  freeEphemeralStorageMb: 512,
  /** AWS's pricing calculator's month. */
  hoursPerMonth: 730,
  regions: {
    ...Object.fromEntries(STANDARD_REGIONS.map((r) => [r, US_EAST_1])),
    ...Object.fromEntries(Object.entries(HIGHER_DURATION).map(([r, [x86, arm]]) => [r, {
      ...US_EAST_1,
      duration: { x86_64: tiers('x86_64', discounted(x86)), arm64: tiers('arm64', discounted(arm)) },
    } satisfies RegionPrices])),
  } as Record<string, RegionPrices>,
} as const;

export function pricesFor(region: string): PricesFor {
  const listed = Object.hasOwn(PRICE_TABLE.regions, region) ? PRICE_TABLE.regions[region] : undefined;
  if (listed) {
    const notes = Object.hasOwn(HIGHER_DURATION, region)
      ? [`The request price for ${region} is not in the price table; us-east-1's $0.20 per million is used.`]
      : [];
    return { region, prices: listed, basis: 'listed', notes };
  }
  return {
    region,
    prices: US_EAST_1,
    basis: 'fallback',
    notes: [`No prices for ${region || 'this region'} in the price table; us-east-1's prices are used.`],
  };
}

function nonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a number ≥ 0, got ${value}`);
}

function durationTiers(prices: RegionPrices, architecture: Architecture): DurationTier[] {
  const list = Object.hasOwn(prices.duration, architecture) ? prices.duration[architecture] : undefined;
  if (!list) throw new RangeError(`Unknown architecture "${architecture}" (expected x86_64 or arm64)`);
  return list;
}

/** The duration charge of `gbSeconds` in one month, through the tiers. */
export function tieredDurationUsd(gbSeconds: number, tierList: DurationTier[]): number {
  nonNegative('gbSeconds', gbSeconds);
  let usd = 0;
  let below = 0;
  for (const tier of tierList) {
    if (gbSeconds <= below) break;
    usd += (Math.min(gbSeconds, tier.upToGbSeconds) - below) * tier.usdPerGbSecond;
    below = tier.upToGbSeconds;
  }
  return usd;
}

const MB_PER_GB = 1024;

export interface UsageInput {
  region: string;
  architecture: Architecture;
  memorySizeMb: number;
  /** /tmp size; the included 512 MB costs nothing. */
  ephemeralStorageMb?: number;
  /** Requests in the range (Invocations, Sum). */
  invocations: number;
  /** Milliseconds of duration in the range (Duration, Sum). */
  durationMs: number;
  /** The range's length; the monthly figure scales the range to a 730-hour month. */
  rangeMs: number;
}

export interface CostLines {
  requests: number;
  gbSeconds: number;
  requestUsd: number;
  durationUsd: number;
  storageUsd: number;
  totalUsd: number;
}

export interface CostEstimate {
  /** What the range's usage costs, at the rate its monthly volume is priced at. */
  range: CostLines;
  /** The range's rate kept up for a 730-hour month, through the duration tiers. */
  month: CostLines;
  /**
   * What the account's free tier would take off the monthly figure if this function were the
   * account's only usage: up to 1 M requests and 400,000 GB-s at this region's first-tier price.
   */
  monthFreeTierUsd: number;
  region: string;
  architecture: Architecture;
  notes: string[];
}

function costLines(requests: number, gbSeconds: number, storageGbSeconds: number, prices: RegionPrices, tierList: DurationTier[]): CostLines {
  const requestUsd = (requests / 1_000_000) * prices.requestUsdPerMillion;
  const durationUsd = tieredDurationUsd(gbSeconds, tierList);
  const storageUsd = storageGbSeconds * prices.ephemeralStorageUsdPerGbSecond;
  return { requests, gbSeconds, requestUsd, durationUsd, storageUsd, totalUsd: requestUsd + durationUsd + storageUsd };
}

/** Cost of a range of usage, and per month at the same rate, free tier apart. */
export function estimateCost(input: UsageInput): CostEstimate {
  nonNegative('memorySizeMb', input.memorySizeMb);
  nonNegative('invocations', input.invocations);
  nonNegative('durationMs', input.durationMs);
  if (!Number.isFinite(input.rangeMs) || input.rangeMs <= 0) throw new RangeError(`rangeMs must be a number > 0, got ${input.rangeMs}`);
  const { prices, notes } = pricesFor(input.region);
  const tierList = durationTiers(prices, input.architecture);
  const seconds = input.durationMs / 1000;
  const gbSeconds = (input.memorySizeMb / MB_PER_GB) * seconds;
  const extraStorageMb = Math.max(0, (input.ephemeralStorageMb ?? PRICE_TABLE.freeEphemeralStorageMb) - PRICE_TABLE.freeEphemeralStorageMb);
  const storageGbSeconds = (extraStorageMb / MB_PER_GB) * seconds;

  const scale = (PRICE_TABLE.hoursPerMonth * 3_600_000) / input.rangeMs;
  const month = costLines(input.invocations * scale, gbSeconds * scale, storageGbSeconds * scale, prices, tierList);
  // The range is priced at the month's average duration rate, so a range and its month agree.
  const averageRate = month.gbSeconds > 0 ? month.durationUsd / month.gbSeconds : tierList[0].usdPerGbSecond;
  const range: CostLines = {
    requests: input.invocations,
    gbSeconds,
    requestUsd: month.requestUsd / scale,
    durationUsd: gbSeconds * averageRate,
    storageUsd: month.storageUsd / scale,
    totalUsd: 0,
  };
  range.totalUsd = range.requestUsd + range.durationUsd + range.storageUsd;

  const freeRequests = Math.min(month.requests, PRICE_TABLE.freeTier.requests);
  const freeGbSeconds = Math.min(month.gbSeconds, PRICE_TABLE.freeTier.gbSeconds);
  const monthFreeTierUsd = (freeRequests / 1_000_000) * prices.requestUsdPerMillion + freeGbSeconds * tierList[0].usdPerGbSecond;
  return { range, month, monthFreeTierUsd, region: input.region, architecture: input.architecture, notes };
}

/** What one invocation costs: its request and its billed duration, first tier, no free tier. */
export function invocationCost(input: { region: string; architecture: Architecture; memorySizeMb: number; billedDurationMs: number; ephemeralStorageMb?: number }): { usd: number; requestUsd: number; computeUsd: number; storageUsd: number } {
  nonNegative('billedDurationMs', input.billedDurationMs);
  nonNegative('memorySizeMb', input.memorySizeMb);
  const { prices } = pricesFor(input.region);
  const rate = durationTiers(prices, input.architecture)[0].usdPerGbSecond;
  const seconds = input.billedDurationMs / 1000;
  const computeUsd = (input.memorySizeMb / MB_PER_GB) * seconds * rate;
  const extraStorageMb = Math.max(0, (input.ephemeralStorageMb ?? PRICE_TABLE.freeEphemeralStorageMb) - PRICE_TABLE.freeEphemeralStorageMb);
  const storageUsd = (extraStorageMb / MB_PER_GB) * seconds * prices.ephemeralStorageUsdPerGbSecond;
  const requestUsd = prices.requestUsdPerMillion / 1_000_000;
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
