// How departments handle a ticket, drawn from their hidden behaviour: delays within office hours,
// whether they bounce it (退单) and to whom it goes next, whether closing really solves it, and
// what they declare (办结≠解决).
import type { CategoryLeaf, SlaTerms } from "./categories.js";
import { HOUR, MINUTE, toOfficeHours } from "./clock.js";
import type { Department } from "./departments.js";
import type { Rng } from "./random.js";
import type { Urgency } from "./request.js";
import type { Resolution } from "./text.js";

/** Hops beyond which the centre rules (裁定) and the department must take the ticket. */
export const MAX_HOP = 5;

/** When work on a step lands: emergencies any time, urgent ones 07–22, the rest 08–20. */
export function onDuty(ms: number, urgency: Urgency, rng: Rng): number {
  if (urgency === "emergency") return ms;
  return urgency === "urgent" ? toOfficeHours(ms, rng, 7, 22) : toOfficeHours(ms, rng);
}

/** The centre's dispatchers (派单员) work around the clock, slower at night. */
export function dispatchDelay(atMs: number, urgency: Urgency, hour: number, rng: Rng): number {
  const night = hour < 7 || hour >= 22 ? 3 : 1;
  const median = urgency === "emergency" ? 4 * MINUTE : 25 * MINUTE * night;
  return atMs + rng.logNormal(median, 0.6);
}

export function returnsTicket(department: Department, hop: number, routeLength: number, rng: Rng): boolean {
  if (hop >= MAX_HOP || routeLength < 2) return false;
  return rng.chance(department.behaviour.returnRate * 0.55 ** (hop - 1));
}

export function returnDelay(department: Department, rng: Rng): number {
  return rng.logNormal(3 * HOUR * department.behaviour.speed, 0.9);
}

/**
 * Who gets a returned ticket: the next department on the route not tried yet; once all were tried,
 * or now and then anyway, the one that returned it before (ping-pong, 推诿).
 */
export function nextDepartment(route: readonly Department[], tried: readonly Department[], current: Department, rng: Rng): Department {
  const previous = tried.length >= 2 ? tried[tried.length - 2] : undefined;
  const fresh = route.find((d) => !tried.includes(d));
  if (fresh !== undefined && (previous === undefined || !rng.chance(0.25))) return fresh;
  if (previous !== undefined && previous !== current) return previous;
  return route.find((d) => d !== current) ?? current;
}

export function acceptDelay(department: Department, terms: SlaTerms, rng: Rng): number {
  return rng.logNormal(terms.acceptMs * 0.25 * department.behaviour.speed, 0.9);
}

export function respondDelay(department: Department, terms: SlaTerms, rng: Rng): number {
  return rng.logNormal(terms.respondMs * 0.2 * department.behaviour.speed, 0.8);
}

export function handlingTime(department: Department, terms: SlaTerms, rng: Rng): number {
  return rng.logNormal(terms.closeMs * 0.3 * department.behaviour.speed, 0.8);
}

export type ResponseMethod = "phone" | "sms" | "onsite" | "online" | "other";

export function responseMethod(urgency: Urgency, rng: Rng): ResponseMethod {
  const roll = rng.next();
  if (urgency === "emergency") return roll < 0.5 ? "onsite" : "phone";
  return roll < 0.7 ? "phone" : roll < 0.8 ? "sms" : roll < 0.95 ? "onsite" : "online";
}

/** The hidden truth at closing: is the problem really solved? Reopened tickets get a harder look. */
export function reallySolves(department: Department, leaf: CategoryLeaf, round: number, rng: Rng): boolean {
  const p = department.behaviour.resolveRate * (1 - leaf.difficulty * 0.6);
  return rng.chance(round === 0 ? p : 1 - (1 - p) * 0.5);
}

/** What the department declares; when it did not solve it, it may still say "resolved". */
export function declaredResolution(department: Department, leaf: CategoryLeaf, solved: boolean, consultation: boolean, rng: Rng): Resolution {
  if (leaf.outOfScope) return "out_of_scope";
  if (solved) return consultation || rng.chance(0.08) ? "explained" : "resolved";
  if (rng.chance(department.behaviour.falseClosureRate)) return "resolved";
  const roll = rng.next();
  return roll < 0.4 ? "partially_resolved" : roll < 0.65 ? "unresolved" : "explained";
}

export type SupervisionLevel = "reminder" | "supervision" | "escalation";

const SUPERVISORS: Readonly<Record<SupervisionLevel, (district: string) => string>> = {
  reminder: () => "市12345热线服务中心",
  supervision: (district) => `${district}人民政府督查室`,
  escalation: () => "市政府督查室（市领导批示）",
};

export function supervisor(level: SupervisionLevel, districtName: string): string {
  return SUPERVISORS[level](districtName);
}
