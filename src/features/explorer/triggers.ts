import type { EventSourceMappingConfiguration, FunctionEventInvokeConfig, GetFunctionUrlConfigResponse } from '../../aws/lambda';
import { errorMessage } from '../../shared/errors';
import { arnResourceName } from '../../shared/lambda/arn';
import { describeSamEvent, type SamEvent } from '../../shared/sam/events';
import type { ScheduleEntry } from '../../shared/schedule';
import { escapeMarkdown, markdownCode } from './tooltips';

/**
 * What calls a function, as rows of the tree's Triggers node: its URL, its asynchronous
 * invocation settings, its event source mappings, the services its resource policy lets in and
 * the events its SAM template declares. Pure: each read's outcome in, rows out.
 */

export type TriggerKind = 'url' | 'async' | 'mapping' | 'permission' | 'templateEvent' | 'schedule' | 'none' | 'needsPermission' | 'failed';

export interface FunctionUrlInfo {
  url: string;
  authType: 'NONE' | 'AWS_IAM';
}

export interface TriggerItem {
  kind: TriggerKind;
  label: string;
  description?: string;
  /** Markdown, with everything from the endpoint escaped. */
  tooltip?: string;
  iconId: string;
  /** Tells apart rows of one kind under the same node. */
  key: string;
  /** For a URL row. */
  url?: FunctionUrlInfo;
  /** For a Local Lambda schedule row: its id and whether it fires. */
  schedule?: { id: string; firing: boolean };
}

/** A read that either gave a value or failed on its own. */
export type TriggerRead<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function settleRead<T>(read: Promise<T>): Promise<TriggerRead<T>> {
  try {
    return { ok: true, value: await read };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Each read's outcome; a read left out (undefined) is not made for this connection or qualifier. */
export interface TriggerReads {
  url?: TriggerRead<GetFunctionUrlConfigResponse | undefined>;
  async?: TriggerRead<FunctionEventInvokeConfig | undefined>;
  mappings?: TriggerRead<EventSourceMappingConfiguration[]>;
  policy?: TriggerRead<string | undefined>;
  templateEvents?: TriggerRead<SamEvent[]>;
  /** The Local Lambda's schedules (which fire, and when next). */
  schedules?: TriggerRead<ScheduleEntry[]>;
}

/** The IAM action each read needs, named when the credentials lack it. */
export const TRIGGER_ACTIONS: Record<keyof TriggerReads, { action?: string; what: string }> = {
  url: { action: 'lambda:GetFunctionUrlConfig', what: 'Function URL' },
  async: { action: 'lambda:GetFunctionEventInvokeConfig', what: 'Asynchronous invocation' },
  mappings: { action: 'lambda:ListEventSourceMappings', what: 'Event source mappings' },
  policy: { action: 'lambda:GetPolicy', what: 'Resource-based policy' },
  templateEvents: { what: 'Template events' },
  schedules: { what: 'Schedules' },
};

const line = (key: string, value: string | undefined) => (value ? `${key}: ${markdownCode(value)}` : undefined);
const lines = (...parts: Array<string | undefined>) => parts.filter(Boolean).join('  \n');

export function urlTrigger(config: GetFunctionUrlConfigResponse): TriggerItem | undefined {
  if (!config.FunctionUrl) return undefined;
  const authType = config.AuthType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE';
  const invokeMode = config.InvokeMode ?? 'BUFFERED';
  const cors = config.Cors;
  const corsLines = cors
    ? [
        '**CORS**',
        line('Origins', cors.AllowOrigins?.join(', ') || 'none'),
        line('Methods', cors.AllowMethods?.join(', ') || 'none'),
        line('Headers', cors.AllowHeaders?.join(', ')),
        line('Expose headers', cors.ExposeHeaders?.join(', ')),
        cors.MaxAge !== undefined ? line('Max age', `${cors.MaxAge} s`) : undefined,
        cors.AllowCredentials ? 'Credentials allowed' : undefined,
      ]
    : ['CORS: not configured'];
  return {
    kind: 'url',
    key: 'url',
    label: config.FunctionUrl,
    description: `${authType} · ${invokeMode}`,
    iconId: 'globe',
    url: { url: config.FunctionUrl, authType },
    tooltip: lines(
      '**Function URL**',
      markdownCode(config.FunctionUrl),
      line('Auth type', authType),
      line('Invoke mode', invokeMode),
      authType === 'AWS_IAM' ? 'Requests must be signed with SigV4 (service `lambda`).' : 'Anyone with the URL can call it.',
      ...corsLines,
    ),
  };
}

/** How long an age in seconds reads best. */
function formatAge(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export function asyncTrigger(config: FunctionEventInvokeConfig): TriggerItem | undefined {
  const retries = config.MaximumRetryAttempts;
  const maxAge = config.MaximumEventAgeInSeconds;
  const onSuccess = config.DestinationConfig?.OnSuccess?.Destination;
  const onFailure = config.DestinationConfig?.OnFailure?.Destination;
  if (retries === undefined && maxAge === undefined && !onSuccess && !onFailure) return undefined;
  const parts = [
    retries !== undefined ? `${retries} ${retries === 1 ? 'retry' : 'retries'}` : undefined,
    maxAge !== undefined ? `max age ${formatAge(maxAge)}` : undefined,
    onSuccess ? `success → ${arnResourceName(onSuccess)}` : undefined,
    onFailure ? `failure → ${arnResourceName(onFailure)}` : undefined,
  ].filter(Boolean);
  return {
    kind: 'async',
    key: 'async',
    label: 'Async invocation',
    description: parts.join(' · '),
    iconId: 'history',
    tooltip: lines(
      '**Asynchronous invocation**',
      line('Retry attempts', retries !== undefined ? String(retries) : 'default (2)'),
      line('Maximum event age', maxAge !== undefined ? formatAge(maxAge) : 'default (6 h)'),
      line('On success', onSuccess),
      line('On failure', onFailure),
    ),
  };
}

export function mappingTrigger(mapping: EventSourceMappingConfiguration): TriggerItem {
  const source = mapping.EventSourceArn
    ?? mapping.SelfManagedEventSource?.Endpoints?.KAFKA_BOOTSTRAP_SERVERS?.join(',')
    ?? 'unknown source';
  const service = mapping.EventSourceArn?.split(':')[2];
  const name = mapping.EventSourceArn ? arnResourceName(mapping.EventSourceArn) : source;
  const parts = [mapping.State ?? 'unknown state'];
  if (mapping.BatchSize !== undefined) parts.push(`batch ${mapping.BatchSize}`);
  return {
    kind: 'mapping',
    key: `mapping/${mapping.UUID ?? source}`,
    label: name,
    description: parts.join(' · '),
    iconId: 'inbox',
    tooltip: lines(
      `**Event source mapping**${service ? ` (${escapeMarkdown(service)})` : ''}`,
      line('Source', source),
      line('State', mapping.State),
      mapping.StateTransitionReason ? escapeMarkdown(mapping.StateTransitionReason) : undefined,
      mapping.BatchSize !== undefined ? line('Batch size', String(mapping.BatchSize)) : undefined,
      mapping.MaximumBatchingWindowInSeconds ? line('Batching window', `${mapping.MaximumBatchingWindowInSeconds} s`) : undefined,
      line('UUID', mapping.UUID),
    ),
  };
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');

/** The value of a condition key (any operator: ArnLike, ArnEquals, StringEquals…), keys compared without case as IAM does. */
function conditionValue(condition: unknown, key: string): string | undefined {
  const wanted = key.toLowerCase();
  for (const operator of Object.values(record(condition))) {
    for (const [name, value] of Object.entries(record(operator))) {
      if (name.toLowerCase() === wanted) return strings(value)[0];
    }
  }
  return undefined;
}

/**
 * The services (and accounts) a resource-based policy lets invoke the function: one row per
 * principal of each Allow statement, with the source its SourceArn condition names.
 * A policy that is not JSON gives no rows (the caller shows the failure).
 */
export function policyTriggers(policyJson: string): TriggerItem[] {
  const policy = record(JSON.parse(policyJson));
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  const items: TriggerItem[] = [];
  statements.forEach((raw, index) => {
    const statement = record(raw);
    if (statement.Effect !== 'Allow') return;
    const sid = typeof statement.Sid === 'string' ? statement.Sid : `statement ${index + 1}`;
    const sourceArn = conditionValue(statement.Condition, 'AWS:SourceArn');
    const sourceAccount = conditionValue(statement.Condition, 'AWS:SourceAccount');
    const urlAuthType = conditionValue(statement.Condition, 'lambda:FunctionUrlAuthType');
    const principal = statement.Principal;
    const principals: Array<{ label: string; iconId: string }> = [];
    if (principal === '*') principals.push({ label: urlAuthType ? 'Anyone (function URL)' : 'Anyone', iconId: 'globe' });
    else {
      for (const service of strings(record(principal).Service)) principals.push({ label: service, iconId: 'cloud' });
      for (const account of strings(record(principal).AWS)) principals.push({ label: account === '*' ? 'Any AWS account' : arnResourceName(account), iconId: 'account' });
    }
    const actions = strings(statement.Action).join(', ');
    for (const [n, p] of principals.entries()) {
      items.push({
        kind: 'permission',
        key: `permission/${index}/${n}`,
        label: p.label,
        description: sourceArn ? arnResourceName(sourceArn) : sourceAccount ? `account ${sourceAccount}` : undefined,
        iconId: p.iconId,
        tooltip: lines(
          `**Allowed by the resource-based policy** (${escapeMarkdown(sid)})`,
          line('Principal', p.label),
          line('Action', actions || undefined),
          line('Source ARN', sourceArn),
          line('Source account', sourceAccount),
          line('Function URL auth type', urlAuthType),
        ),
      });
    }
  });
  return items;
}

export function templateEventTrigger(event: SamEvent): TriggerItem {
  return {
    kind: 'templateEvent',
    key: `templateEvent/${event.name}`,
    label: describeSamEvent(event),
    description: `${event.type} · ${event.name}`,
    iconId: event.type === 'Schedule' || event.type === 'ScheduleV2' ? 'watch' : event.type === 'Api' || event.type === 'HttpApi' ? 'globe' : 'symbol-event',
    tooltip: lines(
      `**${escapeMarkdown(event.name)}** from the SAM template (${escapeMarkdown(event.type)})`,
      line('Method', event.method),
      line('Path', event.path),
      line('Schedule', event.schedule),
      event.disabled ? 'Disabled in the template' : undefined,
      event.line !== undefined ? `Line ${event.line} of the template` : undefined,
      event.type === 'Api' || event.type === 'HttpApi'
        ? 'The Local Lambda serves this route on its API port (`apiEndpoint` in its READY line).'
        : event.type === 'Schedule' || event.type === 'ScheduleV2'
          ? 'Declared in the template; turn its firing on to have the Local Lambda call the function on this schedule.'
          : 'Declared in the template; the Local Lambda does not call the function for it.',
    ),
  };
}

const clockTime = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
};

/** A Local Lambda schedule: its expression, whether it fires here, when next and when last. */
export function scheduleTrigger(entry: ScheduleEntry): TriggerItem {
  return {
    kind: 'schedule',
    key: `schedule/${entry.eventName}`,
    label: entry.expression,
    description: entry.firing ? `${entry.eventName} · firing${entry.nextFire ? ` · next ${clockTime(entry.nextFire)}` : ''}` : `${entry.eventName} · off`,
    iconId: entry.firing ? 'watch' : 'debug-pause',
    tooltip: lines(
      `**${escapeMarkdown(entry.eventName)}** (${escapeMarkdown(entry.type)}) from the SAM template`,
      line('Schedule', entry.expression),
      entry.description ? escapeMarkdown(entry.description) : undefined,
      line('Input', entry.input),
      entry.firing ? `Fires on the Local Lambda${entry.nextFire ? `; next at ${escapeMarkdown(entry.nextFire)}` : ''}.` : 'Not firing on the Local Lambda: turn it on, or Fire Now to send its event once.',
      entry.enabledInTemplate ? undefined : 'Disabled in the template (it would not fire once deployed).',
      entry.lastFired ? `Last sent ${escapeMarkdown(entry.lastFired.time)}${entry.lastFired.manual ? ' (Fire Now)' : ''}, request ${markdownCode(entry.lastFired.requestId)}` : undefined,
    ),
    schedule: { id: entry.id, firing: entry.firing },
  };
}

/** Whether an error says the credentials may not make the call (a WorkbenchError of kind accessDenied, or an SDK AccessDenied). */
function isAccessDenied(error: unknown): boolean {
  const e = error as { kind?: string; name?: string };
  return e?.kind === 'accessDenied' || e?.name === 'AccessDeniedException';
}

function failedRow(read: keyof TriggerReads, error: unknown): TriggerItem {
  const { action, what } = TRIGGER_ACTIONS[read];
  const message = errorMessage(error);
  if (action && isAccessDenied(error)) {
    return {
      kind: 'needsPermission',
      key: `needsPermission/${read}`,
      label: `${what}: needs ${action}`,
      description: 'not allowed',
      iconId: 'lock',
      tooltip: lines(`These credentials may not read the ${escapeMarkdown(what.toLowerCase())}. Grant ${markdownCode(action)} to see it.`, escapeMarkdown(message)),
    };
  }
  return {
    kind: 'failed',
    key: `failed/${read}`,
    label: `${what}: could not be read`,
    description: message.split('\n')[0],
    iconId: 'warning',
    tooltip: escapeMarkdown(message),
  };
}

/**
 * The rows of a Triggers node: what each read found, a row saying what to grant (or what went
 * wrong) for each read that failed, and "No triggers" when every read succeeded and found nothing.
 */
export function triggerItems(reads: TriggerReads): TriggerItem[] {
  const items: TriggerItem[] = [];
  const failures: TriggerItem[] = [];
  const each = <T>(name: keyof TriggerReads, read: TriggerRead<T> | undefined, rows: (value: T) => Array<TriggerItem | undefined>) => {
    if (!read) return;
    if (!read.ok) {
      failures.push(failedRow(name, read.error));
      return;
    }
    try {
      for (const row of rows(read.value)) if (row) items.push(row);
    } catch (error) {
      failures.push(failedRow(name, error));
    }
  };
  each('url', reads.url, (url) => [url && urlTrigger(url)]);
  each('async', reads.async, (config) => [config && asyncTrigger(config)]);
  each('mappings', reads.mappings, (mappings) => mappings.map(mappingTrigger));
  each('policy', reads.policy, (policy) => (policy ? policyTriggers(policy) : []));
  // With the Local Lambda's own list of schedules, its rows stand for the template's schedules.
  const scheduled = reads.schedules?.ok ? new Set(reads.schedules.value.map((e) => e.eventName)) : new Set<string>();
  each('templateEvents', reads.templateEvents, (events) => events.filter((e) => !scheduled.has(e.name)).map(templateEventTrigger));
  each('schedules', reads.schedules, (entries) => entries.map(scheduleTrigger));
  if (items.length === 0 && failures.length === 0) {
    items.push({ kind: 'none', key: 'none', label: 'No triggers', iconId: 'info', tooltip: 'No function URL, asynchronous invocation settings, event source mappings or permitted services.' });
  }
  return [...items, ...failures];
}
