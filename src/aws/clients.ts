import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { credentialsFor, type ConnectionSpec } from './connections';

/**
 * SDK clients are created on first use with a dynamic import, so activating the extension does
 * not load the SDK (the bundler puts it in its own chunk).
 */

/** Custom and local endpoints fail fast; AWS itself gets the SDK's normal retries. */
function commonConfig(spec: ConnectionSpec, region: string) {
  const nearby = spec.kind !== 'profile';
  return {
    region,
    endpoint: spec.endpoint,
    maxAttempts: nearby ? 2 : 3,
    requestHandler: { connectionTimeout: nearby ? 3_000 : 10_000, requestTimeout: 60_000 },
  };
}

export async function createLambdaClient(spec: ConnectionSpec, region: string): Promise<LambdaClient> {
  const [{ LambdaClient }, credentials] = await Promise.all([import('@aws-sdk/client-lambda'), credentialsFor(spec)]);
  return new LambdaClient({ ...commonConfig(spec, region), credentials });
}

/** `maxAttempts: 1` for callers that retry on their own schedule (the log tail). */
export async function createLogsClient(spec: ConnectionSpec, region: string, overrides: { maxAttempts?: number } = {}): Promise<CloudWatchLogsClient> {
  const [{ CloudWatchLogsClient }, credentials] = await Promise.all([import('@aws-sdk/client-cloudwatch-logs'), credentialsFor(spec)]);
  // StartLiveTail prefixes the host with "stream-", which a custom or local endpoint doesn't have.
  return new CloudWatchLogsClient({ ...commonConfig(spec, region), ...overrides, credentials, disableHostPrefix: spec.kind !== 'profile' });
}

export async function createCloudWatchClient(spec: ConnectionSpec, region: string): Promise<CloudWatchClient> {
  const [{ CloudWatchClient }, credentials] = await Promise.all([import('@aws-sdk/client-cloudwatch'), credentialsFor(spec)]);
  return new CloudWatchClient({ ...commonConfig(spec, region), credentials });
}
