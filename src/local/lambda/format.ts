import { functionArn, type AliasRecord, type FunctionRecord, type VersionRecord } from './model';

/** The FunctionConfiguration document Lambda returns for $LATEST or a published version. */
export function configurationOf(fn: FunctionRecord, v: VersionRecord, arnQualifier?: string, runtimeWarnings: readonly string[] = []): Record<string, unknown> {
  const s = v.settings;
  const warnings = [...(fn.warnings ?? []), ...runtimeWarnings];
  const qualifier = arnQualifier ?? (v.version === '$LATEST' ? undefined : v.version);
  return {
    FunctionName: fn.name,
    FunctionArn: functionArn(fn.name, qualifier),
    Runtime: s.runtime,
    Role: s.role,
    Handler: s.handler,
    CodeSize: v.code.size,
    Description: v.version === '$LATEST' ? s.description : v.versionDescription ?? s.description,
    Timeout: s.timeout,
    MemorySize: s.memorySize,
    LastModified: v.lastModified,
    CodeSha256: v.code.sha256,
    Version: v.version,
    ...(Object.keys(s.environment).length ? { Environment: { Variables: { ...s.environment } } } : {}),
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: v.revisionId,
    ...(s.layers.length ? { Layers: s.layers.map((Arn) => ({ Arn, CodeSize: 0 })) } : {}),
    State: 'Active',
    ...(warnings.length ? { StateReason: stateReason(warnings) } : {}),
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: [...s.architectures],
    EphemeralStorage: { Size: s.ephemeralStorage },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}` },
  };
}

/** The longest StateReason written: the full list is in the Local Lambda's log. */
const STATE_REASON_MAX = 400;

/** A function's notes in one short text: the first, and how many more there are. */
export function stateReason(warnings: readonly string[]): string {
  const more = warnings.length > 1 ? ` (+${warnings.length - 1} more in the Local Lambda's log)` : '';
  const first = warnings[0];
  const room = STATE_REASON_MAX - more.length;
  return (first.length > room ? `${first.slice(0, room - 1)}…` : first) + more;
}

export function aliasOf(fn: FunctionRecord, a: AliasRecord): Record<string, unknown> {
  return {
    AliasArn: functionArn(fn.name, a.name),
    Name: a.name,
    FunctionVersion: a.functionVersion,
    Description: a.description,
    ...(Object.keys(a.weights).length ? { RoutingConfig: { AdditionalVersionWeights: { ...a.weights } } } : {}),
    RevisionId: a.revisionId,
  };
}
