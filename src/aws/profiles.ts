/** A named profile from the shared AWS config/credentials files. */
export interface ProfileInfo {
  name: string;
  /** Signs in through IAM Identity Center (sso_session or the legacy sso_start_url). */
  sso: boolean;
  /** The profile's own `region`, if it sets one. */
  region?: string;
}

/** Section keys in the config file that are not profiles (e.g. "sso-session.corp"). */
const NON_PROFILE_PREFIXES = ['sso-session.', 'services.'];

/**
 * Lists profiles from ~/.aws/config and ~/.aws/credentials (or the files named by
 * AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE), sorted with "default" first.
 * Missing files simply yield no profiles.
 */
export async function listProfiles(): Promise<ProfileInfo[]> {
  // Loaded on first use, like the SDK clients, so activation stays light.
  const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  const byName = new Map<string, ProfileInfo>();
  for (const [name, section] of Object.entries(configFile)) {
    if (NON_PROFILE_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    byName.set(name, {
      name,
      sso: Boolean(section.sso_session || section.sso_start_url),
      region: section.region || undefined,
    });
  }
  for (const name of Object.keys(credentialsFile)) {
    if (!byName.has(name)) byName.set(name, { name, sso: false });
  }
  return [...byName.values()].sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name)));
}
