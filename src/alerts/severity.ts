// Severity of an alert: a base per kind of result (overridable in the routing file, or "off"),
// raised — never lowered — by documented rules on the result's size. docs/alerts.md mirrors this.

export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/**
 * Alert kinds: `<result>.<kind>` for the results that have kinds, `spike` and `phrase` alone.
 * A route's `kinds` filter matches a kind exactly or by its prefix before the dot (`repeat`).
 */
export const ALERT_KINDS = [
  "spike",
  "hotspot.emerging",
  "hotspot.chronic",
  "repeat.collective",
  "repeat.after_closure",
  "repeat.same_caller",
  "repeat.multi_channel",
  "repeat.similar_text",
  "ticket_flag.supervised",
  "ticket_flag.reopened",
  "ticket_flag.ping_pong",
  "ticket_flag.overdue",
  "ticket_flag.repeated_extensions",
  "ticket_flag.multi_department",
  "caller_flag.frequent_caller",
  "caller_flag.identical_text",
  "caller_flag.out_of_scope",
  "phrase",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Base severity of each kind before the size rules; the routing file may override any of them. */
export const BASE_SEVERITY: Readonly<Record<AlertKind, Severity>> = {
  spike: "medium",
  "hotspot.emerging": "medium",
  "hotspot.chronic": "low",
  "repeat.collective": "high",
  "repeat.after_closure": "low",
  "repeat.same_caller": "info",
  "repeat.multi_channel": "info",
  "repeat.similar_text": "info",
  "ticket_flag.supervised": "medium",
  "ticket_flag.reopened": "medium",
  "ticket_flag.ping_pong": "medium",
  "ticket_flag.overdue": "low",
  "ticket_flag.repeated_extensions": "low",
  "ticket_flag.multi_department": "info",
  "caller_flag.frequent_caller": "low",
  "caller_flag.identical_text": "low",
  "caller_flag.out_of_scope": "low",
  phrase: "low",
};

/** The size of a result, as far as the severity rules look at it. */
export interface ResultSize {
  readonly observed: number;
  readonly expected: number;
  readonly callers: number;
}

/** The size rules: each can only raise the base severity. */
export function sizeSeverity(kind: AlertKind, size: ResultSize): Severity | undefined {
  const ratio = size.expected > 0 ? size.observed / size.expected : Number.POSITIVE_INFINITY;
  switch (kind) {
    case "spike":
      if (ratio >= 5 && size.observed >= 30) return "critical";
      if (ratio >= 3 && size.observed >= 10) return "high";
      return undefined;
    case "hotspot.emerging":
      return ratio >= 3 && size.observed >= 10 ? "high" : undefined;
    case "repeat.collective":
      return size.callers >= 10 ? "critical" : undefined;
    case "phrase":
      return size.observed >= 20 ? "medium" : undefined;
    default:
      return undefined;
  }
}

/** The severity of a result, or undefined when its kind is switched off. */
export function severityOf(kind: AlertKind, size: ResultSize, overrides: Readonly<Partial<Record<AlertKind, Severity | "off">>>): Severity | undefined {
  const base = overrides[kind] ?? BASE_SEVERITY[kind];
  if (base === "off") return undefined;
  const raised = sizeSeverity(kind, size);
  return raised === undefined ? base : maxSeverity(base, raised);
}
