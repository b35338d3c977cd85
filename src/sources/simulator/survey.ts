// The callback survey (回访) and reopening (重办): what callers answer, drawn from the hidden truth
// with realistic noise (many unreachable, polite "satisfied" from some unsolved), and when an
// unsolved ticket comes back to the department.
import type { Channel } from "./callers.js";
import { DAY, HOUR, toOfficeHours } from "./clock.js";
import type { Rng } from "./random.js";
import type { Resolution, SurveyResult } from "./text.js";

export type CallbackMethod = "phone" | "sms" | "app" | "other";
export type ReopenBy = "caller" | "callback" | "supervisor" | "system";

export interface CallbackPlan {
  readonly atMs: number;
  readonly result: SurveyResult;
  /** What the caller said about whether it was solved, when asked. */
  readonly resolved: boolean | undefined;
  readonly method: CallbackMethod;
}

export interface ReopenPlan {
  readonly atMs: number;
  readonly by: ReopenBy;
}

/** Share of closed tickets the centre calls back (a sample, not all). */
const CALLBACK_SHARE = 0.6;
type Mix = readonly [satisfied: number, basically: number, dissatisfied: number];
const WHEN_SOLVED: Mix = [0.8, 0.16, 0.04];
const WHEN_ADMITTED_UNSOLVED: Mix = [0.12, 0.38, 0.5];
/** Unsolved but declared resolved or explained: some callers are polite, many are not. */
const WHEN_GLOSSED_OVER: Mix = [0.22, 0.28, 0.5];

function draw(mix: Mix, rng: Rng): SurveyResult {
  const roll = rng.next();
  return roll < mix[0] ? "satisfied" : roll < mix[0] + mix[1] ? "basically_satisfied" : "dissatisfied";
}

export function planCallback(rng: Rng, closedMs: number, solved: boolean, resolution: Resolution, anonymous: boolean): CallbackPlan | undefined {
  if (anonymous || resolution === "out_of_scope" || !rng.chance(CALLBACK_SHARE)) return undefined;
  const atMs = toOfficeHours(closedMs + rng.between(2 * HOUR, 3 * DAY), rng, 9, 20);
  const roll = rng.next();
  const method: CallbackMethod = roll < 0.85 ? "phone" : roll < 0.95 ? "sms" : "app";
  if (rng.chance(method === "phone" ? 0.19 : 0.35)) return { atMs, result: "unreachable", resolved: undefined, method };
  const admitted = resolution === "partially_resolved" || resolution === "unresolved";
  const result = draw(solved ? WHEN_SOLVED : admitted ? WHEN_ADMITTED_UNSOLVED : WHEN_GLOSSED_OVER, rng);
  const asked = method === "phone" && rng.chance(0.85);
  const resolved = asked ? (rng.chance(0.1) ? !solved : solved) : undefined;
  return { atMs, result, resolved, method };
}

/** Whether and when an unsolved ticket is reopened: after a bad callback, by the caller, or by a supervisor. */
export function planReopen(rng: Rng, closedMs: number, solved: boolean, callback: CallbackPlan | undefined): ReopenPlan | undefined {
  if (callback?.result === "dissatisfied" && rng.chance(solved ? 0.1 : 0.55)) {
    return { atMs: toOfficeHours(callback.atMs + rng.between(HOUR, DAY), rng), by: "callback" };
  }
  if (solved) return undefined;
  const roll = rng.next();
  if (roll < 0.08) return { atMs: closedMs + rng.between(DAY, 5 * DAY), by: "caller" };
  if (roll < 0.11) return { atMs: toOfficeHours(closedMs + rng.between(DAY, 4 * DAY), rng), by: "supervisor" };
  return undefined;
}

/** Channels whose tickets leaders read (领导留言板, media): supervised early more often. */
export const WATCHED_CHANNELS: ReadonlySet<Channel> = new Set(["leader_board", "media", "petition"]);
