/**
 * EventBridge schedule expressions: `rate(5 minutes)` and the six-field `cron(min hour
 * day-of-month month day-of-week year)` with `*`, `?`, lists, ranges, steps, names (JAN, MON), `L`
 * (last day of the month, or the last given weekday `5L`), `W` (nearest weekday) and `#` (nth
 * weekday); times are UTC. Pure: parsing says what is wrong, `nextFire` finds the next time.
 */

export type Schedule =
  | { kind: 'rate'; everyMs: number; text: string }
  | { kind: 'cron'; fields: CronFields; text: string };

interface DayOfMonth { any: boolean; days: Set<number>; last: boolean; nearestWeekday?: number }
interface DayOfWeek { any: boolean; days: Set<number>; lastOf?: number; nth?: { day: number; n: number } }

export interface CronFields {
  minutes: Set<number>;
  hours: Set<number>;
  dom: DayOfMonth;
  months: Set<number>;
  dow: DayOfWeek;
  /** Empty for any year. */
  years: Set<number>;
}

export class ScheduleError extends Error {}

const UNITS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function number(text: string, names: readonly string[] | undefined, nameBase: number, field: string, min: number, max: number): number {
  const upper = text.toUpperCase();
  const named = names?.indexOf(upper) ?? -1;
  const n = named >= 0 ? named + nameBase : /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(n) || n < min || n > max) throw new ScheduleError(`${field} "${text.slice(0, 20)}" must be ${min}–${max}${names ? ` or a name such as ${names[0]}` : ''}`);
  return n;
}

/** `*`, `a`, `a-b`, `a/s`, `a-b/s`, `*\/s`, comma-separated. */
function values(text: string, field: string, min: number, max: number, names?: readonly string[], nameBase = min): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    if (part === '') throw new ScheduleError(`${field} has an empty list item`);
    const [range, stepText] = part.split('/');
    if (part.split('/').length > 2) throw new ScheduleError(`${field} "${part.slice(0, 20)}" has more than one /`);
    const step = stepText === undefined ? 1 : number(stepText, undefined, 0, `${field} step`, 1, max);
    let from: number;
    let to: number;
    if (range === '*') {
      [from, to] = [min, max];
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      [from, to] = [number(a, names, nameBase, field, min, max), number(b, names, nameBase, field, min, max)];
      if (from > to) throw new ScheduleError(`${field} range ${range} runs backwards`);
    } else {
      from = number(range, names, nameBase, field, min, max);
      to = stepText === undefined ? from : max;
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

export function parseSchedule(expression: string): Schedule {
  const text = expression.trim();
  if (text.length > 256) throw new ScheduleError('the expression is longer than 256 characters');
  const rate = /^rate\((\d{1,6}) (minutes?|hours?|days?)\)$/.exec(text);
  if (rate) {
    const n = Number(rate[1]);
    if (n < 1) throw new ScheduleError('a rate must be at least 1');
    if ((n === 1) !== !rate[2].endsWith('s')) throw new ScheduleError(`say rate(1 ${rate[2].replace(/s$/, '')}) for one and rate(${n === 1 ? 2 : n} ${rate[2].replace(/s?$/, 's')}) for more`);
    return { kind: 'rate', everyMs: n * UNITS[rate[2]], text };
  }
  const cron = /^cron\(([^()]*)\)$/.exec(text);
  if (!cron) throw new ScheduleError('use rate(<n> minutes|hours|days) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)');
  const parts = cron[1].trim().split(/\s+/);
  if (parts.length !== 6) throw new ScheduleError(`cron takes 6 fields (minutes hours day-of-month month day-of-week year); this one has ${parts.length}`);
  const [min, hour, domText, month, dowText, year] = parts;
  if ((domText === '?') === (dowText === '?')) throw new ScheduleError('exactly one of day-of-month and day-of-week must be ?');
  const dom: DayOfMonth = { any: domText === '*' || domText === '?', days: new Set(), last: false };
  if (domText === '?' || domText === '*') { /* any */ } else if (domText === 'L') dom.last = true;
  else if (/^\d{1,2}W$/.test(domText)) dom.nearestWeekday = number(domText.slice(0, -1), undefined, 0, 'day-of-month', 1, 31);
  else dom.days = values(domText, 'day-of-month', 1, 31);
  if (domText === '?') dom.any = true;
  const dow: DayOfWeek = { any: dowText === '*' || dowText === '?', days: new Set() };
  if (dow.any) { /* any */ } else if (/^[^#]+#\d$/.test(dowText)) {
    const [d, n] = dowText.split('#');
    dow.nth = { day: number(d, DAYS, 1, 'day-of-week', 1, 7), n: number(n, undefined, 0, 'day-of-week #', 1, 5) };
  } else if (/^\w{1,3}L$/.test(dowText)) {
    dow.lastOf = number(dowText.slice(0, -1), DAYS, 1, 'day-of-week', 1, 7);
  } else {
    dow.days = values(dowText, 'day-of-week', 1, 7, DAYS, 1);
  }
  return {
    kind: 'cron', text,
    fields: {
      minutes: values(min, 'minutes', 0, 59),
      hours: values(hour, 'hours', 0, 23),
      dom,
      months: values(month, 'month', 1, 12, MONTHS, 1),
      dow,
      years: year === '*' ? new Set() : values(year, 'year', 1970, 2199),
    },
  };
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function dayMatches(f: CronFields, y: number, m: number, d: number): boolean {
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 1; // 1 = SUN
  const last = daysIn(y, m);
  if (!f.dom.any) {
    if (f.dom.last) return d === last;
    if (f.dom.nearestWeekday !== undefined) {
      let target = Math.min(f.dom.nearestWeekday, last);
      const wd = new Date(Date.UTC(y, m - 1, target)).getUTCDay();
      if (wd === 6) target = target === 1 ? 3 : target - 1;
      else if (wd === 0) target = target === last ? target - 2 : target + 1;
      return d === target;
    }
    return f.dom.days.has(d);
  }
  if (!f.dow.any) {
    if (f.dow.nth) return weekday === f.dow.nth.day && Math.ceil(d / 7) === f.dow.nth.n;
    if (f.dow.lastOf !== undefined) return weekday === f.dow.lastOf && d + 7 > last;
    return f.dow.days.has(weekday);
  }
  return true;
}

/** The first time after `after` (epoch ms) the schedule fires; for a rate, counted from `anchor`. Undefined when it never fires again. */
export function nextFire(schedule: Schedule, after: number, anchor = after): number | undefined {
  if (schedule.kind === 'rate') {
    const n = Math.floor((after - anchor) / schedule.everyMs) + 1;
    return anchor + Math.max(1, n) * schedule.everyMs;
  }
  const f = schedule.fields;
  const start = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
  for (let y = start.getUTCFullYear(); y <= start.getUTCFullYear() + 8 && y <= 2199; y++) {
    if (f.years.size && !f.years.has(y)) continue;
    for (let m = 1; m <= 12; m++) {
      if (!f.months.has(m)) continue;
      if (y === start.getUTCFullYear() && m < start.getUTCMonth() + 1) continue;
      for (let d = 1; d <= daysIn(y, m); d++) {
        if (!dayMatches(f, y, m, d)) continue;
        for (const h of [...f.hours].sort((a, b) => a - b)) {
          for (const min of [...f.minutes].sort((a, b) => a - b)) {
            const t = Date.UTC(y, m - 1, d, h, min);
            if (t >= start.getTime()) return t;
          }
        }
      }
    }
  }
  return undefined;
}

/** The event EventBridge sends a function for a scheduled rule. */
export function scheduledEvent(ruleArn: string, region: string, accountId: string, id: string, time: Date): Record<string, unknown> {
  return {
    version: '0', id, 'detail-type': 'Scheduled Event', source: 'aws.events', account: accountId,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'), region, resources: [ruleArn], detail: {},
  };
}

/** A schedule as the Local Lambda lists it (`GET /_local/schedules`). */
export interface ScheduleEntry {
  id: string;
  functionName: string;
  eventName: string;
  type: 'Schedule' | 'ScheduleV2';
  expression: string;
  /** The template's own State / Enabled (what AWS would do once deployed). */
  enabledInTemplate: boolean;
  /** Whether the Local Lambda fires it (off until turned on). */
  firing: boolean;
  nextFire?: string;
  lastFired?: { time: string; requestId: string; manual: boolean };
  input?: string;
  description?: string;
  file: string;
  line?: number;
}
