/**
 * The routes of the templates' APIs, served together: one table that finds the route for a method
 * and path as API Gateway does — literal segments before `{parameters}` before a greedy
 * `{proxy+}`, an exact method before ANY, and an HTTP API's `$default` when nothing else matches.
 * Matching walks the segments; no regular expression sees the request path.
 */

import type { ApiRoute } from '../../shared/sam/apiEvents';

interface Segment {
  kind: 'literal' | 'param' | 'greedy';
  /** The literal text, or the parameter's name. */
  text: string;
}

interface Entry {
  route: ApiRoute;
  segments: Segment[];
}

export interface RouteMatch {
  route: ApiRoute;
  pathParameters: Record<string, string>;
}

export interface RouteConflict {
  route: ApiRoute;
  /** The route already in the table that answers the same method and path. */
  existing: ApiRoute;
}

const RANK = { literal: 3, param: 2, greedy: 1 } as const;

function parse(path: string): Segment[] {
  if (path === '/' || path === '') return [];
  return path.slice(1).split('/').map((s) => {
    if (s.startsWith('{') && s.endsWith('+}')) return { kind: 'greedy', text: s.slice(1, -2) };
    if (s.startsWith('{') && s.endsWith('}')) return { kind: 'param', text: s.slice(1, -1) };
    return { kind: 'literal', text: s };
  });
}

/** The same route shape: `/a/{x}` and `/a/{y}` answer the same requests. */
const shapeOf = (segments: readonly Segment[]) => segments.map((s) => (s.kind === 'literal' ? `=${s.text}` : s.kind)).join('/');

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export class RouteTable {
  private readonly entries: Entry[] = [];
  private readonly fallbacks: ApiRoute[] = [];
  private readonly shapes = new Map<string, ApiRoute>();

  /** Adds a route; a second route for the same method and path shape is refused with the one it clashes with. */
  add(route: ApiRoute): RouteConflict | undefined {
    const key = route.path === '$default' ? '$default' : `${route.method} ${shapeOf(parse(route.path))}`;
    const existing = this.shapes.get(key);
    if (existing) return { route, existing };
    this.shapes.set(key, route);
    if (route.path === '$default') this.fallbacks.push(route);
    else this.entries.push({ route, segments: parse(route.path) });
    return undefined;
  }

  get routes(): ApiRoute[] {
    return [...this.entries.map((e) => e.route), ...this.fallbacks];
  }

  /** The route for a request, with its path parameters (decoded); undefined when none matches. */
  match(method: string, rawPath: string): RouteMatch | undefined {
    const parts = rawPath === '/' ? [] : rawPath.replace(/^\//, '').split('/');
    let best: { entry: Entry; params: Record<string, string>; score: number[] } | undefined;
    for (const entry of this.entries) {
      if (entry.route.method !== method && entry.route.method !== 'ANY') continue;
      const params = this.fit(entry.segments, parts);
      if (!params) continue;
      const score = [...entry.segments.map((s) => RANK[s.kind]), entry.route.method === 'ANY' ? 0 : 1];
      if (!best || compare(score, best.score) > 0) best = { entry, params, score };
    }
    if (best) return { route: best.entry.route, pathParameters: best.params };
    const fallback = this.fallbacks[0];
    return fallback ? { route: fallback, pathParameters: {} } : undefined;
  }

  private fit(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined {
    const params: Record<string, string> = {};
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i];
      if (s.kind === 'greedy') {
        const rest = parts.slice(i);
        if (rest.length === 0 || rest.every((p) => p === '')) return undefined;
        params[s.text] = rest.map(decodeSegment).join('/');
        return params;
      }
      const part = parts[i];
      if (part === undefined || part === '') return undefined;
      if (s.kind === 'literal') {
        if (s.text !== part && s.text !== decodeSegment(part)) return undefined;
      } else {
        params[s.text] = decodeSegment(part);
      }
    }
    // A trailing slash is the same path to API Gateway.
    const extra = parts.slice(segments.length);
    return extra.length === 0 || (extra.length === 1 && extra[0] === '') ? params : undefined;
  }
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
