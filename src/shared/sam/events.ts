import { arnResourceName } from '../lambda/arn';
import { IntrinsicError, evaluate, isIntrinsic, type EvaluationContext } from './cloudformation';
import type { SamFunction } from './template';

/**
 * The event sources a SAM function declares under `Events`: what calls it once deployed (API
 * routes, schedules, queues, buckets…). Read from the function the template reader gave, with
 * the template's evaluation context, so parameters and Refs resolve as everywhere else. Pure.
 */

export interface SamEvent {
  /** The event's key under Events. */
  name: string;
  /** Its Type: Api, HttpApi, Schedule, ScheduleV2, SQS, S3, … */
  type: string;
  /** Api / HttpApi: the method (upper case; ANY when the route takes every method). */
  method?: string;
  /** Api / HttpApi: the route's path. */
  path?: string;
  /** Schedule / ScheduleV2: the rate or cron expression. */
  schedule?: string;
  /** Whether the schedule is turned off in the template. */
  disabled?: boolean;
  /** What the source is, as far as it can be known without deploying: a queue, bucket, topic or stream name, a logical id. */
  source?: string;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** At most this many events are read per function, so a huge template stays cheap to show. */
const MAX_EVENTS = 200;

/** The property whose value names each type's source. */
const SOURCE_PROPERTY: Record<string, string> = {
  SQS: 'Queue',
  S3: 'Bucket',
  SNS: 'Topic',
  Kinesis: 'Stream',
  DynamoDB: 'Stream',
  MSK: 'Stream',
  MQ: 'Broker',
  DocumentDB: 'Cluster',
  IoTRule: 'Sql',
  CloudWatchLogs: 'LogGroupName',
  Cognito: 'UserPool',
  SelfManagedKafka: 'Topics',
  EventBridgeRule: 'EventBusName',
  CloudWatchEvent: 'EventBusName',
  AlexaSkill: 'SkillId',
};

/**
 * A value as text: evaluated when the template alone says what it is; else the resource an
 * intrinsic names (`!Ref Queue`, `!GetAtt Queue.Arn` → "Queue"); undefined when neither.
 */
function text(value: unknown, ctx: EvaluationContext): string | undefined {
  if (value === undefined || value === null) return undefined;
  let evaluated: unknown;
  try {
    evaluated = evaluate(value, ctx);
  } catch (error) {
    if (!(error instanceof IntrinsicError)) throw error;
    return namedByIntrinsic(value);
  }
  if (typeof evaluated === 'string') return evaluated;
  if (typeof evaluated === 'number' || typeof evaluated === 'boolean') return String(evaluated);
  if (Array.isArray(evaluated) && evaluated.every((v) => typeof v === 'string')) return evaluated.join(', ');
  return undefined;
}

function namedByIntrinsic(value: unknown): string | undefined {
  if (!isIntrinsic(value)) return undefined;
  const ref = value.Ref;
  if (typeof ref === 'string') return ref;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** The events of one function, in the order the template declares them. */
export function functionEvents(fn: Pick<SamFunction, 'properties'>, ctx: EvaluationContext): SamEvent[] {
  const events: SamEvent[] = [];
  for (const [name, declaration] of Object.entries(record(fn.properties.Events)).slice(0, MAX_EVENTS)) {
    const { Type: rawType, Properties: rawProperties } = record(declaration);
    const type = typeof rawType === 'string' && rawType ? rawType : 'Unknown';
    const props = record(rawProperties);
    const event: SamEvent = { name, type };
    if (type === 'Api' || type === 'HttpApi') {
      const method = text(props.Method, ctx);
      const path = text(props.Path, ctx);
      // An HttpApi event without Method and Path is the API's default route, which takes everything.
      event.method = method ? method.toUpperCase() : 'ANY';
      event.path = path ?? (type === 'HttpApi' ? '$default' : undefined);
    } else if (type === 'Schedule' || type === 'ScheduleV2') {
      event.schedule = text(type === 'Schedule' ? props.Schedule : props.ScheduleExpression, ctx);
      const enabled = type === 'Schedule' ? props.Enabled : undefined;
      const state = text(props.State, ctx);
      if (enabled === false || state === 'DISABLED') event.disabled = true;
    } else {
      const property = SOURCE_PROPERTY[type];
      const source = property ? text(props[property], ctx) : undefined;
      if (source) event.source = source.startsWith('arn:') ? arnResourceName(source) : source;
    }
    events.push(event);
  }
  return events;
}

/** One line saying what the event is, e.g. "GET /hello", "rate(5 minutes)", "SQS · orders". */
export function describeSamEvent(event: SamEvent): string {
  if (event.type === 'Api' || event.type === 'HttpApi') return [event.method, event.path].filter(Boolean).join(' ');
  if (event.type === 'Schedule' || event.type === 'ScheduleV2') return `${event.schedule ?? 'schedule not known locally'}${event.disabled ? ' (disabled)' : ''}`;
  return event.source ?? event.type;
}
