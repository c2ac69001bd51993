import type { FunctionUrlInfo } from './triggers';

/**
 * A curl command line that calls a function URL, to paste into a POSIX shell. An AWS_IAM URL is
 * signed by curl itself (`--aws-sigv4`, curl 7.75 or later) with the credentials taken from the
 * environment variables when the line runs: no secret is ever written into it. Pure.
 */

/** A word for a POSIX shell, inside single quotes (where nothing expands). */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface CurlOptions {
  /** The region the URL's function lives in (signed into the request). */
  region: string;
  /** The credentials are temporary (SSO, an assumed role): the session token is sent too. */
  sessionToken?: boolean;
}

export function curlCommand(url: FunctionUrlInfo, options: CurlOptions): string {
  const words = ['curl'];
  if (url.authType === 'AWS_IAM') {
    const provider = `aws:amz:${options.region}:lambda`;
    // A region is letters, digits and dashes; anything else (a hand-edited setting) is quoted so it cannot expand.
    words.push('--aws-sigv4', /^[a-z0-9-]+$/.test(options.region) ? `"${provider}"` : shellQuote(provider), '--user', '"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"');
    if (options.sessionToken) words.push('-H', '"x-amz-security-token: $AWS_SESSION_TOKEN"');
  }
  words.push(shellQuote(url.url));
  return words.join(' ');
}
