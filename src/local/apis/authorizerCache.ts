/**
 * Lambda authorizer answers kept for their TTL, as API Gateway keeps them: per authorizer and
 * identity (the token, or the identity sources' values), so a second request with the same
 * identity is decided without running the authorizer. A REST answer is a policy, judged again
 * against each request's method ARN: a policy cached on one route that names only that route
 * denies the next one, as on AWS. An edit of the authorizer's code (its revision) starts afresh,
 * as a deployment does. Function errors are never kept.
 */

import type { ApiAuthorizer } from '../../shared/sam/apiEvents';

/** Answers kept at once, and their bytes (an authorizer answer is a policy and a context: small). */
const MAX_ENTRIES = 1000;
const MAX_TOTAL_BYTES = 8 * 1024 * 1024;
/** An answer larger than this is used but not kept. */
const MAX_ENTRY_BYTES = 64 * 1024;

interface Entry {
  payload: Buffer;
  expiresAt: number;
  storedAt: number;
}

export interface CachedAnswer {
  payload: Buffer;
  /** When the authorizer gave this answer (ms since the epoch). */
  storedAt: number;
}

/**
 * The cache key of a request for `auth`, or undefined when its answers are not kept: TTL 0, or
 * a REQUEST authorizer without identity sources (API Gateway caches those only by identity).
 */
export function authorizerCacheKey(
  auth: ApiAuthorizer, scope: string, revision: string,
  headers: Readonly<Record<string, string | string[] | undefined>>, query: URLSearchParams,
): string | undefined {
  if (!auth.resultTtlSeconds) return undefined;
  if (auth.identityHeaders.length === 0 && auth.identityQueryStrings.length === 0) return undefined;
  const parts = [scope, auth.name, revision];
  for (const h of auth.identityHeaders) {
    const v = headers[h];
    parts.push(`h:${Array.isArray(v) ? v.join(',') : v ?? ''}`);
  }
  for (const q of auth.identityQueryStrings) parts.push(`q:${query.get(q) ?? ''}`);
  return parts.join('\u0000');
}

export class AuthorizerCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remove(key, entry);
      return undefined;
    }
    return { payload: entry.payload, storedAt: entry.storedAt };
  }

  set(key: string, payload: Buffer, ttlSeconds: number): void {
    if (ttlSeconds <= 0 || payload.length > MAX_ENTRY_BYTES) return;
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    const at = this.now();
    this.entries.set(key, { payload, storedAt: at, expiresAt: at + ttlSeconds * 1000 });
    this.bytes += payload.length + key.length;
    // The oldest answers go first once either bound is passed.
    for (const [k, e] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && this.bytes <= MAX_TOTAL_BYTES) break;
      this.remove(k, e);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.payload.length + key.length;
  }
}
