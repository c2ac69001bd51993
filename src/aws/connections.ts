import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { ConnectionKind } from '../shared/target';
import type { ProfileInfo } from './profiles';

export type { ConnectionKind };

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Everything needed to build SDK clients for one connection. */
export interface ConnectionSpec {
  /** Stable id: "local", "profile:<name>", "custom:<name>". */
  id: string;
  kind: ConnectionKind;
  label: string;
  /** For kind "profile". */
  profile?: ProfileInfo;
  /** For kinds "custom" and "local". */
  endpoint?: string;
  /** Fixed region for "custom" and "local"; AWS profiles use the configured region list. */
  region?: string;
  /** For "local" (from its READY line) and custom endpoints. */
  staticCredentials?: StaticCredentials;
}

/** A custom endpoint as written in the `lambdaWorkbench.customEndpoints` setting. */
export interface CustomEndpointSetting {
  name: string;
  endpoint: string;
  region?: string;
  /** Optional profile whose credentials are sent to the endpoint. */
  profile?: string;
}

/**
 * AWS-compatible emulators accept any credentials but the SDK refuses to sign without some, so
 * custom endpoints without a profile sign with these placeholders.
 */
export const PLACEHOLDER_CREDENTIALS: StaticCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

export const LOCAL_CONNECTION_ID = 'local';

export function profileConnection(profile: ProfileInfo): ConnectionSpec {
  return { id: `profile:${profile.name}`, kind: 'profile', label: profile.name, profile };
}

/**
 * Validates one entry of the customEndpoints setting. Returns the connection, or a message
 * saying what is wrong with the entry (so a bad entry is shown, not silently dropped).
 */
export function customConnection(entry: unknown): ConnectionSpec | { invalid: string } {
  const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Partial<Record<keyof CustomEndpointSetting, unknown>>;
  if (typeof e.name !== 'string' || !e.name.trim()) return { invalid: 'A custom endpoint needs a "name".' };
  if (typeof e.endpoint !== 'string') return { invalid: `Custom endpoint "${e.name}" needs an "endpoint" URL.` };
  let url: URL;
  try {
    url = new URL(e.endpoint);
  } catch {
    return { invalid: `Custom endpoint "${e.name}": "${e.endpoint}" is not a URL (expected e.g. http://localhost:4566).` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { invalid: `Custom endpoint "${e.name}": only http and https URLs are supported.` };
  }
  const region = typeof e.region === 'string' && e.region.trim() ? e.region.trim() : 'us-east-1';
  const spec: ConnectionSpec = { id: `custom:${e.name}`, kind: 'custom', label: e.name, endpoint: e.endpoint.replace(/\/+$/, ''), region };
  if (typeof e.profile === 'string' && e.profile) spec.profile = { name: e.profile, sso: false };
  else spec.staticCredentials = PLACEHOLDER_CREDENTIALS;
  return spec;
}

/** The Local Lambda as the connection list shows it before (or without) a running process. */
export function idleLocalConnection(region = 'us-east-1'): ConnectionSpec {
  return { id: LOCAL_CONNECTION_ID, kind: 'local', label: 'Local Lambda', region };
}

export function localConnection(endpoint: string, region: string, credentials: StaticCredentials): ConnectionSpec {
  return { id: LOCAL_CONNECTION_ID, kind: 'local', label: 'Local Lambda', endpoint, region, staticCredentials: credentials };
}

/**
 * The credentials a connection signs with. Profiles go through the SDK's Node provider chain,
 * which handles static keys, SSO, credential_process and role assumption. Loaded lazily so the
 * SDK is not part of activation.
 */
export async function credentialsFor(spec: ConnectionSpec): Promise<AwsCredentialIdentity | AwsCredentialIdentityProvider> {
  if (spec.staticCredentials) return spec.staticCredentials;
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  return fromNodeProviderChain({ profile: spec.profile?.name });
}
