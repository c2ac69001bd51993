import type { CodeLink } from '../../workbench/codeLinks';

export type SyncState = 'inSync' | 'changed';

/**
 * Whether the folder holds what is deployed: the same package bytes, or both sides unchanged
 * since the last download or deploy (a downloaded folder zips to other bytes than Lambda's zip).
 */
export function syncState(link: Pick<CodeLink, 'synced'>, localSha256: string, remoteSha256: string | undefined): SyncState {
  if (remoteSha256 !== undefined && localSha256 === remoteSha256) return 'inSync';
  const synced = link.synced;
  if (synced && synced.localSha256 === localSha256 && synced.remoteSha256 === remoteSha256) return 'inSync';
  return 'changed';
}

/** True when the deployed code is no longer the one last seen here, so a deploy would overwrite someone's work. */
export function deployedByOthers(link: Pick<CodeLink, 'knownRemoteSha256'>, remoteSha256: string | undefined, localSha256: string): boolean {
  if (!link.knownRemoteSha256 || remoteSha256 === undefined) return false;
  return remoteSha256 !== link.knownRemoteSha256 && remoteSha256 !== localSha256;
}
