/**
 * Alias changes a person asks for (shift traffic, promote, roll back, create, edit), turned into
 * the routing Lambda gets, checked before sending, described before/after for the confirmation,
 * and applied with one CreateAlias/UpdateAlias guarded by the RevisionId that was shown.
 * Shared by the commands and the Aliases & Traffic tab. No VS Code.
 */
import type { AliasConfiguration, FunctionConfiguration, LambdaApi } from '../../aws/lambda';
import {
  aliasNameProblem,
  describeChange,
  describeRouting,
  parsePercent,
  percentToWeight,
  promote,
  rollBack,
  routingOf,
  routingProblem,
  routingRequest,
  sameRouting,
  shiftTraffic,
  LATEST,
  type Routing,
} from './routing';

export type AliasChange =
  /** Sends `percent` of the alias's traffic to `version` (0 clears, 100 promotes). */
  | { kind: 'shift'; alias: string; version: string; percent: number }
  | { kind: 'promote'; alias: string }
  /** `to`: where the alias pointed before its last move, for rolling back a Promote (no split left). */
  | { kind: 'rollBack'; alias: string; to?: string }
  | { kind: 'create'; alias: string; primary: string; extraVersion?: string; percent?: number; description?: string }
  | { kind: 'edit'; alias: string; primary: string; extraVersion?: string; percent?: number; description?: string };

export interface ResolvedChange {
  aliasName: string;
  /** Undefined when the alias is being created. */
  before?: Routing;
  after: Routing;
  /** Description to set; undefined leaves it as it is. */
  description?: string;
  /** "live: 1 (100%) → 1 (90%) · 2 (10%)", or "new alias beta → 3 (100%)". */
  summary: string;
  /** Set when nothing would change. */
  noChange?: boolean;
}

export class AliasChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AliasChangeError';
  }
}

const DESCRIPTION_MAX = 256;

function percentOf(value: number | undefined): number {
  const parsed = parsePercent(value ?? 0);
  if ('error' in parsed) throw new AliasChangeError(parsed.error);
  return parsed.percent;
}

function routingFor(primary: string, extraVersion: string | undefined, percent: number | undefined): Routing {
  if (!extraVersion) return { primary };
  const p = percentOf(percent);
  if (p >= 100) throw new AliasChangeError(`To send 100 % to version ${extraVersion}, point the alias at it instead (or use Promote).`);
  // 0 % means no second version; otherwise keep it as asked, so routingProblem sees e.g. a version paired with itself.
  return p <= 0 ? { primary } : { primary, extra: { version: extraVersion, weight: percentToWeight(p) } };
}

/**
 * What a change does to an alias as it is now (`current` undefined: the alias does not exist).
 * Throws AliasChangeError with a message a person understands when it breaks Lambda's rules.
 */
export function resolveChange(change: AliasChange, current: AliasConfiguration | undefined): ResolvedChange {
  const name = change.alias;
  if (change.kind === 'create') {
    const problem = aliasNameProblem(name);
    if (problem) throw new AliasChangeError(problem);
    if (current) throw new AliasChangeError(`An alias named ${name} already exists.`);
  } else if (!current) {
    throw new AliasChangeError(`Alias ${name} does not exist (any more). Refresh and try again.`);
  }
  const before = current ? routingOf(current) : undefined;
  let after: Routing;
  switch (change.kind) {
    case 'shift':
      if (before!.primary === LATEST) throw new AliasChangeError(`Alias ${name} points to $LATEST, which cannot share traffic. Point it at a published version first.`);
      after = shiftTraffic({ primary: before!.primary }, change.version, percentOf(change.percent));
      break;
    case 'promote': {
      const promoted = promote(before!);
      if (!promoted) throw new AliasChangeError(`Alias ${name} sends all traffic to version ${before!.primary}; there is no second version to promote.`);
      after = promoted;
      break;
    }
    case 'rollBack': {
      const back = rollBack(before!) ?? (change.to && change.to !== before!.primary ? { primary: change.to } : undefined);
      if (!back) throw new AliasChangeError(`Alias ${name} sends all traffic to version ${before!.primary} already; there is nothing to roll back.`);
      after = back;
      break;
    }
    case 'create':
    case 'edit':
      after = routingFor(change.primary, change.extraVersion, change.percent);
      break;
  }
  const problem = routingProblem(after);
  if (problem) throw new AliasChangeError(problem);
  const description = 'description' in change ? change.description : undefined;
  if (description !== undefined && description.length > DESCRIPTION_MAX) throw new AliasChangeError(`A description has at most ${DESCRIPTION_MAX} characters.`);
  const summary = before ? describeChange(name, before, after) : `new alias ${name} → ${describeRouting(after)}`;
  const sameDescription = description === undefined || description === (current?.Description ?? '');
  return { aliasName: name, before, after, description, summary, noChange: before !== undefined && sameRouting(before, after) && sameDescription };
}

/** Reads the alias (undefined when it does not exist). */
export async function readAlias(api: LambdaApi, functionName: string, aliasName: string): Promise<AliasConfiguration | undefined> {
  try {
    return await api.getAlias(functionName, aliasName);
  } catch (error) {
    if ((error as { kind?: string }).kind === 'notFound') return undefined;
    throw error;
  }
}

export interface Preview {
  resolved: ResolvedChange;
  /** The alias's RevisionId the preview was computed from; apply with it. */
  revisionId?: string;
}

/** Reads the alias and says what the change would do, for the confirmation. */
export async function previewChange(api: LambdaApi, functionName: string, change: AliasChange): Promise<Preview> {
  const current = await readAlias(api, functionName, change.alias);
  return { resolved: resolveChange(change, current), revisionId: current?.RevisionId };
}

/**
 * Applies a change in one call. Edits carry `revisionId` (from the preview the person
 * confirmed): if the alias changed since, Lambda refuses with AliasConflictError and nothing is
 * overwritten.
 */
export async function applyChange(api: LambdaApi, functionName: string, preview: Preview): Promise<AliasConfiguration> {
  const { resolved, revisionId } = preview;
  if (!resolved.before) {
    return api.createAlias(functionName, resolved.aliasName, routingRequest(resolved.after), resolved.description || undefined);
  }
  return api.updateAlias(functionName, resolved.aliasName, { routing: routingRequest(resolved.after), description: resolved.description, revisionId });
}

/**
 * Publishes `$LATEST`, guarded by the RevisionId and CodeSha256 read just before, so what is
 * published is what was read. Says whether Lambda gave back an existing version (nothing changed
 * since it was published).
 */
export async function publishLatest(api: LambdaApi, functionName: string, description: string): Promise<{ version: FunctionConfiguration; existing: boolean }> {
  if (description.length > DESCRIPTION_MAX) throw new AliasChangeError(`A description has at most ${DESCRIPTION_MAX} characters.`);
  const [before, latest] = await Promise.all([api.listVersions(functionName), api.getFunctionConfiguration(functionName)]);
  const version = await api.publishVersion(functionName, { description, revisionId: latest.RevisionId, codeSha256: latest.CodeSha256 });
  return { version, existing: before.some((v) => v.Version === version.Version) };
}

/** Published version numbers, newest first. */
export function publishedVersions(versions: FunctionConfiguration[]): string[] {
  return versions
    .map((v) => v.Version ?? '')
    .filter((v) => /^[0-9]+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
}
