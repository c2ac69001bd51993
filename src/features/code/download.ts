import { downloadCode, type FunctionConfiguration, type LambdaApi } from '../../aws/lambda';
import { WorkbenchError } from '../../aws/errors';
import { extractZip } from './extractZip';
import { MAX_DOWNLOAD_BYTES } from '../../workbench/packaging/limits';
import type { LinkPatch } from './deploy';
import { packageSha256 } from '../../workbench/packaging/packageFolder';

export interface DownloadResult {
  configuration: FunctionConfiguration;
  /** Relative paths written. */
  files: string[];
  zipBytes: number;
  /** Remember in the link: the folder now holds the deployed code. */
  linkPatch: LinkPatch;
}

/**
 * Downloads `$LATEST`'s code into `folder` (same-named files are replaced) and computes the
 * folder's package hash, so the link starts in sync.
 */
export async function downloadFunctionCode(
  api: Pick<LambdaApi, 'getFunction'>,
  functionName: string,
  folder: string,
  options: { onProgress?: (message: string) => void; signal?: AbortSignal } = {},
): Promise<DownloadResult> {
  const progress = options.onProgress ?? (() => undefined);
  progress(`Reading ${functionName}…`);
  const fn = await api.getFunction(functionName);
  const configuration = fn.Configuration ?? {};
  if (configuration.PackageType === 'Image' || fn.Code?.ImageUri) {
    throw new WorkbenchError('service', `${functionName} is deployed as a container image; there is no .zip package to download.`);
  }
  if (!fn.Code?.Location) throw new WorkbenchError('service', `Lambda gave no download link for the code of ${functionName}.`);
  progress('Downloading the package…');
  const zip = await downloadCode(fn.Code.Location, MAX_DOWNLOAD_BYTES, options.signal);
  progress('Unpacking…');
  const { files } = await extractZip(zip, folder);
  const local = await packageSha256(folder);
  const remote = configuration.CodeSha256;
  return {
    configuration,
    files,
    zipBytes: zip.length,
    linkPatch: { knownRemoteSha256: remote, synced: remote ? { localSha256: local.sha256, remoteSha256: remote, at: new Date().toISOString() } : undefined },
  };
}
