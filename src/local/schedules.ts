/**
 * The templates' `Schedule` and `ScheduleV2` events on the Local Lambda. None fires until the
 * user turns it on (firing is remembered in the data folder); "fire now" sends the event at
 * once. A firing invokes the function asynchronously, as EventBridge does, with the schedule's
 * Input or the Scheduled Event shape.
 */

import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ScheduleError, nextFire, parseSchedule, scheduledEvent, type Schedule, type ScheduleEntry } from '../shared/schedule';

export type { ScheduleEntry } from '../shared/schedule';
import type { ScheduleEvent } from '../shared/sam/apiEvents';
import { ApiError } from './http';
import { readJsonFile, writeJsonAtomic } from './persist';
import { ACCOUNT_ID, REGION } from './lambda/model';
import type { TemplateReport } from './lambda/templates';

export const SCHEDULE_STATE_FILE = 'schedules.json';
/** setTimeout holds at most 2^31 − 1 ms; a later firing is re-armed when that passes. */
const MAX_TIMER_MS = 2 ** 31 - 1;


/** Sends one event to a function asynchronously; returns the request id. */
export type AsyncSender = (functionName: string, payload: Buffer) => Promise<string>;

interface Loaded {
  event: ScheduleEvent;
  schedule: Schedule;
  file: string;
  firing: boolean;
  anchor: number;
  timer?: NodeJS.Timeout;
  next?: number;
  lastFired?: ScheduleEntry['lastFired'];
}

export class Schedules {
  private readonly entries = new Map<string, Loaded>();
  private readonly file: string;
  private closed = false;

  /**
   * `timeScale` (the async time scale, --time-scale) shortens rates for local work: rate(1 minute)
   * at 0.001 fires every 60 ms. Cron times stay the wall clock's.
   */
  constructor(dataDir: string, report: TemplateReport, private readonly send: AsyncSender, private readonly log: (line: string) => void,
    private readonly timeScale = 1) {
    this.file = path.join(dataDir, SCHEDULE_STATE_FILE);
    const stored = readJsonFile<{ formatVersion?: number; firing?: unknown }>(this.file);
    const firing = new Set(Array.isArray(stored?.firing) ? stored.firing.filter((x): x is string => typeof x === 'string') : []);
    for (const { file, events } of report.events) {
      for (const event of events.schedules) {
        const id = `${event.functionName}:${event.eventName}`;
        let schedule: Schedule;
        try {
          schedule = parseSchedule(event.expression);
        } catch (err) {
          report.errors.push({ file, line: event.line, message: `${event.functionLogicalId} event ${event.eventName}: ${event.expression.slice(0, 100)} — ${err instanceof ScheduleError ? err.message : String(err)}` });
          continue;
        }
        if (this.entries.has(id)) continue;
        const loaded: Loaded = { event, schedule, file, firing: firing.has(id), anchor: Date.now() };
        this.entries.set(id, loaded);
        if (loaded.firing) this.arm(id, loaded);
      }
    }
  }

  list(functionName?: string): ScheduleEntry[] {
    return [...this.entries.entries()].filter(([, e]) => functionName === undefined || e.event.functionName === functionName).map(([id, e]) => ({
      id, functionName: e.event.functionName, eventName: e.event.eventName, type: e.event.type, expression: e.event.expression,
      enabledInTemplate: e.event.enabled, firing: e.firing,
      ...(e.next !== undefined ? { nextFire: new Date(e.next).toISOString() } : {}),
      ...(e.lastFired ? { lastFired: e.lastFired } : {}),
      ...(e.event.input !== undefined ? { input: e.event.input } : {}),
      ...(e.event.description !== undefined ? { description: e.event.description } : {}),
      file: e.file, ...(e.event.line !== undefined ? { line: e.event.line } : {}),
    }));
  }

  private get(id: string): Loaded {
    const e = this.entries.get(id);
    if (!e) throw new ApiError(404, 'ResourceNotFoundException', `No schedule ${id.slice(0, 200)}: schedules are named <function>:<event> from the templates' Schedule and ScheduleV2 events.`);
    return e;
  }

  setFiring(id: string, firing: boolean): ScheduleEntry {
    const e = this.get(id);
    if (e.firing !== firing) {
      e.firing = firing;
      clearTimeout(e.timer);
      e.timer = undefined;
      e.next = undefined;
      if (firing) {
        e.anchor = Date.now();
        this.arm(id, e);
      }
      writeJsonAtomic(this.file, { formatVersion: 1, firing: [...this.entries.entries()].filter(([, x]) => x.firing).map(([k]) => k) });
    }
    return this.list().find((x) => x.id === id) as ScheduleEntry;
  }

  /** Sends the schedule's event now, whether or not it is firing. */
  async fire(id: string, manual = true): Promise<ScheduleEntry> {
    const e = this.get(id);
    const now = new Date();
    const ruleArn = `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${e.event.functionName}-${e.event.eventName}`.slice(0, 1600);
    const payload = e.event.input !== undefined ? e.event.input : JSON.stringify(scheduledEvent(ruleArn, REGION, ACCOUNT_ID, randomUUID(), now));
    const requestId = await this.send(e.event.functionName, Buffer.from(payload));
    e.lastFired = { time: now.toISOString(), requestId, manual };
    return this.list().find((x) => x.id === id) as ScheduleEntry;
  }

  private arm(id: string, e: Loaded): void {
    if (this.closed) return;
    const schedule = e.schedule.kind === 'rate' ? { ...e.schedule, everyMs: Math.max(1, e.schedule.everyMs * this.timeScale) } : e.schedule;
    const next = nextFire(schedule, Date.now(), e.anchor);
    e.next = next;
    if (next === undefined) return;
    const wait = Math.max(0, next - Date.now());
    e.timer = setTimeout(() => {
      e.timer = undefined;
      if (wait >= MAX_TIMER_MS) return this.arm(id, e);
      this.fire(id, false).catch((err: unknown) => this.log(`Schedule ${id} could not send its event: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => { if (e.firing) this.arm(id, e); });
    }, Math.min(wait, MAX_TIMER_MS));
    e.timer.unref();
  }

  close(): void {
    this.closed = true;
    for (const e of this.entries.values()) clearTimeout(e.timer);
  }
}
