import { RevisionConflictError, type FunctionConfiguration, type LambdaApi } from '../../aws/lambda';
import { WorkbenchError } from '../../aws/errors';
import { checkZippedSize, describePackageSize } from '../../workbench/packaging/limits';
import type { CodeLink } from '../../workbench/codeLinks';
import { packageFolder, type FolderPackage } from '../../workbench/packaging/packageFolder';
import { deployedByOthers, syncState } from './sync';

export type DeployApi = Pick<LambdaApi, 'getFunctionConfiguration' | 'updateFunctionCode' | 'waitForUpdate'>;

export interface DeployRequest {
  api: DeployApi;
  link: CodeLink;
  /** The person chose to replace code someone else deployed. */
  overwrite?: boolean;
  /** A package of the folder made just before (e.g. to show its size); made here when absent. */
  pkg?: FolderPackage;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface PackageSummary {
  sha256: string;
  zippedBytes: number;
  unzippedBytes: number;
  fileCount: number;
}

/** What to remember in the link after a deploy or a check. */
export type LinkPatch = Pick<CodeLink, 'knownRemoteSha256' | 'synced'>;

export type DeployResult =
  | { status: 'deployed'; configuration: FunctionConfiguration; pkg: PackageSummary; linkPatch: LinkPatch }
  | { status: 'unchanged'; configuration: FunctionConfiguration; pkg: PackageSummary; linkPatch: LinkPatch }
  /** Someone else changed the code since it was last seen here; nothing was sent (or Lambda refused it). */
  | { status: 'conflict'; configuration: FunctionConfiguration; pkg: PackageSummary; reason: 'codeChanged' | 'revisionChanged' };

function summary(pkg: FolderPackage): PackageSummary {
  return { sha256: pkg.sha256, zippedBytes: pkg.zippedBytes, unzippedBytes: pkg.unzippedBytes, fileCount: pkg.entries.length };
}

function syncedPatch(localSha256: string, remoteSha256: string | undefined): LinkPatch {
  return {
    knownRemoteSha256: remoteSha256,
    synced: remoteSha256 ? { localSha256, remoteSha256, at: new Date().toISOString() } : undefined,
  };
}

/**
 * Deploys a linked folder to the function's `$LATEST` (published versions are immutable):
 * packages it, checks the size limits before sending, reads the RevisionId, refuses to replace
 * code someone else deployed unless `overwrite`, sends UpdateFunctionCode with that RevisionId
 * and waits until LastUpdateStatus is Successful (throws FunctionUpdateFailedError on Failed).
 */
export async function deployFolder(request: DeployRequest): Promise<DeployResult> {
  const { api, link, signal } = request;
  const progress = request.onProgress ?? (() => undefined);
  const fn = link.functionName;

  progress('Packaging the folder…');
  const pkg = request.pkg ?? (await packageFolder(link.folder));
  checkZippedSize(pkg, link.folder);
  const size = summary(pkg);
  signal?.throwIfAborted();

  progress(`Reading ${fn}…`);
  const current = await api.getFunctionConfiguration(fn);
  if (current.PackageType === 'Image') {
    throw new WorkbenchError('service', `${fn} is deployed as a container image; its code cannot be replaced with a folder.`);
  }
  if (!request.overwrite && deployedByOthers(link, current.CodeSha256, pkg.sha256)) {
    return { status: 'conflict', configuration: current, pkg: size, reason: 'codeChanged' };
  }
  if (syncState(link, pkg.sha256, current.CodeSha256) === 'inSync') {
    const linkPatch = current.CodeSha256 === pkg.sha256 ? syncedPatch(pkg.sha256, current.CodeSha256) : { knownRemoteSha256: current.CodeSha256, synced: link.synced };
    return { status: 'unchanged', configuration: current, pkg: size, linkPatch };
  }
  signal?.throwIfAborted();

  progress(`Uploading ${describePackageSize(pkg)}…`);
  try {
    await api.updateFunctionCode(fn, pkg.zip, current.RevisionId);
  } catch (error) {
    if (error instanceof RevisionConflictError) {
      const latest = await api.getFunctionConfiguration(fn).catch(() => current);
      return { status: 'conflict', configuration: latest, pkg: size, reason: 'revisionChanged' };
    }
    throw error;
  }

  progress('Waiting for Lambda to finish the update…');
  const configuration = await api.waitForUpdate(fn, { signal });
  return { status: 'deployed', configuration, pkg: size, linkPatch: syncedPatch(pkg.sha256, configuration.CodeSha256) };
}
