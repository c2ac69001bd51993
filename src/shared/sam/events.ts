import { readTemplateEvents } from './apiEvents';
import type { SamTemplate } from './template';

/**
 * A function's events as rows to show (the tree's Triggers): what the shared reader of template
 * events (apiEvents.ts, the one the Local Lambda serves routes and fires schedules from) finds
 * for one function, in the order the template declares them. Pure.
 */

export interface SamEvent {
  /** The event's key under Events. */
  name: string;
  /** Its Type: Api, HttpApi, Schedule, ScheduleV2, SQS, S3, … */
  type: string;
  /** Api / HttpApi: the method (upper case; ANY when the route takes every method). */
  method?: string;
  /** Api / HttpApi: the route's path (`$default` for an HTTP API's catch-all). */
  path?: string;
  /** Schedule / ScheduleV2: the rate or cron expression. */
  schedule?: string;
  /** The schedule is turned off in the template. */
  disabled?: boolean;
  /** 1-based line of the event in the template. */
  line?: number;
}

/** The events the template declares for the function named `functionName`. */
export function functionEvents(template: SamTemplate, functionName: string): SamEvent[] {
  const read = readTemplateEvents(template);
  const at = (line: number | undefined) => (line === undefined ? {} : { line });
  const events: SamEvent[] = [
    ...read.routes.filter((r) => r.functionName === functionName)
      .map((r) => ({ name: r.eventName, type: r.api.kind === 'REST' ? 'Api' : 'HttpApi', method: r.method, path: r.path, ...at(r.line) })),
    ...read.schedules.filter((s) => s.functionName === functionName)
      .map((s) => ({ name: s.eventName, type: s.type, schedule: s.expression, ...(s.enabled ? {} : { disabled: true }), ...at(s.line) })),
    ...read.others.filter((o) => o.functionName === functionName).map((o) => ({ name: o.eventName, type: o.type, ...at(o.line) })),
  ];
  // Sorting is stable: events without a line keep their place among themselves.
  return events.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

/** One line saying what the event is, e.g. "GET /hello", "rate(5 minutes)", "SQS". */
export function describeSamEvent(event: SamEvent): string {
  if (event.type === 'Api' || event.type === 'HttpApi') return [event.method, event.path].filter(Boolean).join(' ');
  if (event.type === 'Schedule' || event.type === 'ScheduleV2') return `${event.schedule ?? 'schedule not known locally'}${event.disabled ? ' (disabled)' : ''}`;
  return event.type;
}
