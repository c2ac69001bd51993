import type { TemplateReport } from '../lambda/templates';
import { RouteTable } from './routes';
import type { LoadedRoute } from './server';

/**
 * The templates' routes in one table. Every API is served at the root of one port, so two
 * routes with the same method and path — in one template's APIs or across templates — clash:
 * the first declared is served and the other reported with both places. Authorizers the Local
 * Lambda does not run (Cognito, JWT, unknown functions) are noted: their routes answer unguarded.
 */
export function routeTableOf(report: TemplateReport): RouteTable {
  const table = new RouteTable();
  const noted = new Set<string>();
  for (const { file, events } of report.events) {
    for (const r of events.routes) {
      const route: LoadedRoute = { ...r, file };
      const clash = table.add(route);
      if (clash) {
        const other = clash.existing as LoadedRoute;
        report.errors.push({ file, line: r.line, message: `${r.functionLogicalId} event ${r.eventName}: ${r.method} ${r.path} is already served for ${other.functionName} (${other.file}${other.line ? `:${other.line}` : ''}); the Local Lambda serves every API at the root of one port, so this route is not served` });
        continue;
      }
      const auth = r.authorizer;
      if (auth && auth.kind !== 'lambda' && auth.kind !== 'iam' && !noted.has(`${file}#${r.api.logicalId}#${auth.name}`)) {
        noted.add(`${file}#${r.api.logicalId}#${auth.name}`);
        report.notes.push({ file, line: r.api.line ?? r.line, message: `${r.api.logicalId}: the ${auth.kind === 'other' ? '' : `${auth.kind} `}authorizer ${auth.name} is not emulated; its routes answer without it` });
      }
    }
  }
  return table;
}
