import { MAX_UNZIPPED_BYTES, MAX_ZIPPED_DIRECT_UPLOAD_BYTES } from '../../shared/lambda/limits';
import { formatBytes } from '../../shared/units';

/** Lambda's code size limits (50 MB zipped direct upload, 250 MB unzipped) live in shared/lambda/limits. */
export { formatBytes, MAX_UNZIPPED_BYTES, MAX_ZIPPED_DIRECT_UPLOAD_BYTES };

/**
 * Downloads are bounded too. A zip is normally no larger than its content, but stored entries
 * add headers, so allow some room above the unzipped limit.
 */
export const MAX_DOWNLOAD_BYTES = MAX_UNZIPPED_BYTES + 16 * 1024 * 1024;

export interface PackageSize {
  zippedBytes: number;
  unzippedBytes: number;
}

/** "1.2 MB zipped of 50 MB · 3.4 MB unzipped of 250 MB", for progress and confirmations. */
export function describePackageSize(size: PackageSize): string {
  return `${formatBytes(size.zippedBytes)} zipped of ${formatBytes(MAX_ZIPPED_DIRECT_UPLOAD_BYTES)} · ` +
    `${formatBytes(size.unzippedBytes)} unzipped of ${formatBytes(MAX_UNZIPPED_BYTES)}`;
}

export class PackageTooLargeError extends Error {
  constructor(
    message: string,
    readonly size: Partial<PackageSize>,
  ) {
    super(message);
    this.name = 'PackageTooLargeError';
  }
}

/**
 * Throws PackageTooLargeError when the unzipped content is over the limit. Listing stops at the
 * first file past the limit, so the count given is "at least".
 */
export function checkUnzippedSize(unzippedBytes: number, folder: string, maxBytes = MAX_UNZIPPED_BYTES): void {
  if (unzippedBytes > maxBytes) {
    throw new PackageTooLargeError(
      `The files to package in ${folder} add up to more than Lambda's ${formatBytes(maxBytes)} unzipped limit ` +
        `(at least ${formatBytes(unzippedBytes)}). Nothing was sent. Leave out what the function does not need ` +
        'with a .lambdaignore file, or move dependencies to a layer.',
      { unzippedBytes },
    );
  }
}

/** Throws PackageTooLargeError when a zip is too large to send with UpdateFunctionCode. */
export function checkZippedSize(size: PackageSize, folder: string): void {
  checkUnzippedSize(size.unzippedBytes, folder);
  if (size.zippedBytes > MAX_ZIPPED_DIRECT_UPLOAD_BYTES) {
    throw new PackageTooLargeError(
      `The package of ${folder} is ${formatBytes(size.zippedBytes)} zipped, more than the ${formatBytes(MAX_ZIPPED_DIRECT_UPLOAD_BYTES)} ` +
        'Lambda accepts in a direct upload. Nothing was sent. Leave out files with a .lambdaignore file, or deploy through S3.',
      size,
    );
  }
}
