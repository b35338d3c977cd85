// Silences (静默): who does not want to hear about what, until when. A silence matches an alert when
// every field it sets holds — kind (or its prefix before a dot), severity at most, district,
// category (at any level, as routes match it) and department — and the clock is before `until`.
// Silenced alerts are recorded and their deliveries logged as `silenced`; nothing is sent.
import type { Alert } from "./alert.js";
import { categoryMatches, kindMatches } from "./route.js";
import { severityRank, type Severity } from "./severity.js";

export interface Silence {
  readonly silenceId: string;
  /** Empty strings match anything. */
  readonly kind: string;
  readonly maxSeverity: Severity | "";
  readonly districtCode: string;
  readonly categoryCode: string;
  readonly departmentCode: string;
  readonly reason: string;
  /** The API token's name, or "routing file". */
  readonly createdBy: string;
  readonly createdAtMs: number;
  readonly untilMs: number;
}

export function silenceMatches(silence: Silence, alert: Alert, nowMs: number): boolean {
  if (nowMs >= silence.untilMs) return false;
  if (silence.kind !== "" && !kindMatches(silence.kind, alert.kind)) return false;
  if (silence.maxSeverity !== "" && severityRank(alert.severity) > severityRank(silence.maxSeverity)) return false;
  if (silence.districtCode !== "" && alert.districtCode !== silence.districtCode) return false;
  if (silence.categoryCode !== "" && !categoryMatches(silence.categoryCode, alert)) return false;
  if (silence.departmentCode !== "" && alert.departmentCode !== silence.departmentCode) return false;
  return true;
}

/** The first active silence that matches `alert`, if any. */
export function silencing(silences: readonly Silence[], alert: Alert, nowMs: number): Silence | undefined {
  return silences.find((s) => silenceMatches(s, alert, nowMs));
}
