// Routing: which receivers an alert goes to. A route matches when every filter it sets holds
// (severity at least, kind, district, category at any level, department); routes are tried in
// file order and a route with `continue: false` stops the search once it matched.
import type { Alert } from "./alert.js";
import type { RouteConfig } from "./config.js";
import { severityRank } from "./severity.js";

/** A category filter code matches the alert's code, any code on its path, or a prefix of its code. */
export function categoryMatches(filter: string, alert: Alert): boolean {
  if (alert.categoryCode === "") return false;
  return alert.categoryPath.includes(filter) || alert.categoryCode.startsWith(filter);
}

export function kindMatches(filter: string, kind: string): boolean {
  return kind === filter || kind.startsWith(`${filter}.`);
}

export function routeMatches(route: RouteConfig, alert: Alert): boolean {
  if (route.minSeverity !== undefined && severityRank(alert.severity) < severityRank(route.minSeverity)) return false;
  if (route.kinds !== undefined && !route.kinds.some((k) => kindMatches(k, alert.kind))) return false;
  if (route.districts !== undefined && !route.districts.includes(alert.districtCode)) return false;
  if (route.categories !== undefined && !route.categories.some((c) => categoryMatches(c, alert))) return false;
  if (route.departments !== undefined && !route.departments.includes(alert.departmentCode)) return false;
  return true;
}

export interface Routing {
  /** Names of the routes that matched. */
  readonly routes: readonly string[];
  /** Receivers to deliver to, each once, in route order. */
  readonly receivers: readonly string[];
}

export function routeAlert(routes: readonly RouteConfig[], alert: Alert): Routing {
  const matched: string[] = [];
  const receivers = new Set<string>();
  for (const route of routes) {
    if (!routeMatches(route, alert)) continue;
    matched.push(route.name);
    for (const r of route.receivers) receivers.add(r);
    if (!route.continue) break;
  }
  return { routes: matched, receivers: [...receivers] };
}
