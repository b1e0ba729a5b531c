// The one price table. Source: the AWS Lambda and AWS Step Functions pricing pages
// (https://aws.amazon.com/lambda/pricing/, https://aws.amazon.com/step-functions/pricing/), first (lowest-volume)
// tier of on-demand duration, read on 2025-10-01. Prices are in USD. Free tiers are ignored on purpose: a
// tuning decision compares marginal costs.

export const PRICES_TAKEN_ON = "2025-10-01";
export const PRICES_SOURCE =
  "https://aws.amazon.com/lambda/pricing/ and https://aws.amazon.com/step-functions/pricing/";

export type Architecture = "x86_64" | "arm64";

export interface RegionPrices {
  /** USD per GB-second of duration, first tier, by architecture. */
  gbSecond: Record<Architecture, number>;
  /** USD per request (invocation). */
  request: number;
  /** USD per Step Functions standard-workflow state transition. */
  stateTransition: number;
}

const STANDARD: RegionPrices = {
  gbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 },
  request: 0.2 / 1_000_000,
  stateTransition: 0.025 / 1000,
};

const withTransition = (stateTransition: number): RegionPrices => ({ ...STANDARD, stateTransition });

export const REGION_PRICES: Readonly<Record<string, RegionPrices>> = {
  "us-east-1": STANDARD,
  "us-east-2": STANDARD,
  "us-west-2": STANDARD,
  "us-west-1": withTransition(0.0000279),
  "ca-central-1": STANDARD,
  "eu-west-1": STANDARD,
  "eu-west-2": STANDARD,
  "eu-west-3": withTransition(0.0000297),
  "eu-central-1": STANDARD,
  "eu-north-1": STANDARD,
  "ap-northeast-1": STANDARD,
  "ap-northeast-2": withTransition(0.0000271),
  "ap-southeast-1": STANDARD,
  "ap-southeast-2": STANDARD,
  "ap-south-1": withTransition(0.0000285),
  "sa-east-1": withTransition(0.0000375),
  "eu-south-1": {
    gbSecond: { x86_64: 0.0000195172, arm64: 0.0000156138 },
    request: 0.23 / 1_000_000,
    stateTransition: 0.00002625,
  },
  "af-south-1": {
    gbSecond: { x86_64: 0.0000221, arm64: 0.00001768 },
    request: 0.28 / 1_000_000,
    stateTransition: 0.00002975,
  },
  "ap-east-1": {
    gbSecond: { x86_64: 0.00002292, arm64: 0.0000183 },
    request: 0.28 / 1_000_000,
    stateTransition: 0.0000275,
  },
  "me-south-1": {
    gbSecond: { x86_64: 0.0000206667, arm64: 0.0000165334 },
    request: 0.25 / 1_000_000,
    stateTransition: 0.0000275,
  },
};

export const DEFAULT_REGION_PRICES = STANDARD;

export interface PriceLookup {
  prices: RegionPrices;
  /** Set when the region is not in the table and the default prices were used. */
  warning?: string;
}

export function pricesForRegion(region: string): PriceLookup {
  const prices = REGION_PRICES[region];
  if (prices) return { prices };
  return {
    prices: DEFAULT_REGION_PRICES,
    warning: `No prices for region ${region} in the table of ${PRICES_TAKEN_ON}; us-east-1 prices were used`,
  };
}

/**
 * USD for the duration part of one invocation: billed ms (rounded up to a whole ms, as Lambda bills) / 1000 ×
 * memory GB × price per GB-second. Memory GB = MB / 1024.
 */
export function durationCost(
  memoryMb: number,
  billedMs: number,
  prices: RegionPrices,
  architecture: Architecture,
): number {
  return (Math.ceil(billedMs) / 1000) * (memoryMb / 1024) * prices.gbSecond[architecture];
}

/** USD for one invocation: its duration cost + the price per request. */
export function costPerInvocation(
  memoryMb: number,
  billedMs: number,
  prices: RegionPrices,
  architecture: Architecture,
): number {
  return durationCost(memoryMb, billedMs, prices, architecture) + prices.request;
}
