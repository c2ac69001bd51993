/**
 * Workspace Trust: what runs or builds the opened folder's code waits until the person trusts
 * the folder. The AWS side (tree, invoke, logs, configuration, traffic) needs no trust: it only
 * talks to endpoints, it runs nothing from the folder.
 */

/** Shown where the Local Lambda would be, and by anything refused for lack of trust. */
export const RESTRICTED_LOCAL_MESSAGE = 'Restricted Mode: trust this folder to run its functions';

/** VS Code's own command that opens the Workspace Trust editor. */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

/** Something that would run or upload the folder's code was asked for in Restricted Mode. */
export class RestrictedModeError extends Error {
  constructor(what: string) {
    super(`${what} is off in Restricted Mode: trust this folder to allow it.`);
    this.name = 'RestrictedModeError';
  }
}

/** Throws a RestrictedModeError naming `what` unless the folder is trusted. */
export function requireTrust(isTrusted: boolean, what: string): void {
  if (!isTrusted) throw new RestrictedModeError(what);
}
