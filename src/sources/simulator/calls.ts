// The call centre (话务中心): a call is offered to a queue, answered after a wait that grows with
// the load against the agents on shift, or abandoned when the caller runs out of patience; an
// answered call ends after its talk time, with or without a ticket (consultations answered on
// the spot produce none).
import { callDraft, type Planned } from "./agenda.js";
import type { CallerIdentity } from "./callers.js";
import type { CategoryLeaf } from "./categories.js";
import type { SizeProfile } from "./city.js";
import { HOURLY_SHARE, SECOND, localHour, roundToSecond } from "./clock.js";
import type { Rng } from "./random.js";

/** IVR queues (技能组): the general line, the enterprise line (营商环境), elderly-friendly, foreign language. */
export type CallQueue = "general" | "enterprise" | "elderly" | "english";

/** What happened to one call, before it is written as events. */
export interface CallOutcome {
  readonly queue: CallQueue;
  readonly offeredMs: number;
  readonly answered: boolean;
  readonly waitSeconds: number;
  readonly talkSeconds: number;
  readonly agentGroup: string | undefined;
  /** When the call ends (hang-up in the queue, or after the conversation). */
  readonly endedMs: number;
}

const MEAN_SHARE = 1 / 24;
/** Staff on shift follow the daily curve only partly: peaks run hot, nights run cool. */
const STAFF_SHARE: readonly number[] = HOURLY_SHARE.map((share) => 0.75 * share + 0.25 * MEAN_SHARE);
/** Callers' patience in the queue, mean seconds (exponential). */
const PATIENCE_SECONDS = 240;
const ENTERPRISE_CODE = "13.";

export function queueFor(leaf: CategoryLeaf | undefined, rng: Rng): CallQueue {
  if (leaf?.code.startsWith(ENTERPRISE_CODE)) return "enterprise";
  const roll = rng.next();
  return roll < 0.06 ? "elderly" : roll < 0.07 ? "english" : "general";
}

export class CallCentre {
  constructor(private readonly profile: SizeProfile) {}

  /**
   * 话务负荷: the share of agent capacity in use at that hour, given how busy the day is
   * (`load` 1 = an average day; Mondays and bursts run higher).
   */
  occupancy(atMs: number, load: number): number {
    const hour = Math.floor(localHour(atMs));
    const ratio = (HOURLY_SHARE[hour] ?? MEAN_SHARE) / (STAFF_SHARE[hour] ?? MEAN_SHARE);
    return Math.min(0.97, 0.55 * load * ratio);
  }

  /** One call: queue wait against patience, then the conversation. */
  handle(atMs: number, queue: CallQueue, withTicket: boolean, load: number, rng: Rng): CallOutcome {
    const offeredMs = roundToSecond(atMs);
    const rho = this.occupancy(offeredMs, load);
    const ring = rng.between(2, 8);
    const queued = rng.chance(rho ** 3) ? rng.exponential(12 / (1 - rho)) : 0;
    const patience = rng.exponential(PATIENCE_SECONDS);
    if (queued > patience) {
      const waitSeconds = Math.round(ring + patience);
      return { queue, offeredMs, answered: false, waitSeconds, talkSeconds: 0, agentGroup: undefined, endedMs: offeredMs + waitSeconds * SECOND };
    }
    const waitSeconds = Math.round(ring + queued);
    const talkSeconds = Math.max(20, Math.round(withTicket ? rng.logNormal(210, 0.45) : rng.logNormal(120, 0.5)));
    const agentGroup = this.agentGroup(offeredMs + waitSeconds * SECOND, queue, rng);
    return { queue, offeredMs, answered: true, waitSeconds, talkSeconds, agentGroup, endedMs: offeredMs + (waitSeconds + talkSeconds) * SECOND };
  }

  /** 班组: specialist desks for special queues, otherwise a group of the shift on duty. */
  private agentGroup(atMs: number, queue: CallQueue, rng: Rng): string {
    if (queue === "enterprise") return "企业服务专席";
    if (queue === "elderly") return "适老化专席";
    if (queue === "english") return "外语专席";
    const hour = localHour(atMs);
    const groups = this.profile.agentGroupsPerShift;
    if (hour >= 7 && hour < 15) return `早班${rng.intBetween(1, groups)}组`;
    if (hour >= 15 && hour < 23) return `中班${rng.intBetween(1, groups)}组`;
    return `夜班${rng.intBetween(1, Math.max(1, Math.ceil(groups / 2)))}组`;
  }
}

/** When the agent registers the ticket: during the conversation, shortly before it ends. */
export function ticketCreatedAt(call: CallOutcome, rng: Rng): number {
  const talkStart = call.offeredMs + call.waitSeconds * SECOND;
  return roundToSecond(Math.max(talkStart, call.endedMs - rng.between(5, 60) * SECOND));
}

/** The call's events: offered, answered or abandoned, ended (with the ticket it produced). */
export function callEvents(callId: string, call: CallOutcome, caller: CallerIdentity, ticketId: string | undefined, rng: Rng): Planned[] {
  const { queue, waitSeconds } = call;
  // 3% withhold their number (隐藏号码): the ACD then knows no caller.
  const offered = rng.chance(0.03) ? { queue } : { queue, caller: { phone: caller.phone } };
  const steps: Planned[] = [{ atMs: call.offeredMs, draft: callDraft("call.offered", callId, offered) }];
  const pickedUpMs = call.offeredMs + waitSeconds * SECOND;
  if (!call.answered || call.agentGroup === undefined) {
    steps.push({ atMs: pickedUpMs, draft: callDraft("call.abandoned", callId, { queue, wait_seconds: waitSeconds }) });
    steps.push({ atMs: call.endedMs, draft: callDraft("call.ended", callId, { queue, wait_seconds: waitSeconds, talk_seconds: 0 }) });
    return steps;
  }
  const agent_group = call.agentGroup;
  steps.push({ atMs: pickedUpMs, draft: callDraft("call.answered", callId, { queue, agent_group, wait_seconds: waitSeconds }) });
  const produced = ticketId === undefined ? {} : { ticket_id: ticketId };
  const ended = { queue, agent_group, wait_seconds: waitSeconds, talk_seconds: call.talkSeconds, ...produced };
  steps.push({ atMs: call.endedMs, draft: callDraft("call.ended", callId, ended) });
  return steps;
}
