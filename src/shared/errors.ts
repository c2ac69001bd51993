/** The message of anything thrown: an Error's message, or the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The request clashed with something that exists (an alias or function of that name): Lambda
 * names it ResourceConflictException, some emulators ConflictException; both answer HTTP 409.
 */
export function isConflictError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return e.name === 'ResourceConflictException' || e.name === 'ConflictException' || e.$metadata?.httpStatusCode === 409;
}
