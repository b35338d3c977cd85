// A request (诉求) as it reaches the hotline, before it becomes a ticket: who asks, through which
// channel, about which issue (问题: what and where, shared by every request on the same issue).
import type { z } from "zod";
import type { location as locationSchema, urgency as urgencySchema } from "../../contract/fields.js";
import type { CallerIdentity, Channel } from "./callers.js";
import type { CategoryLeaf } from "./categories.js";
import type { Community } from "./city.js";
import type { Rng } from "./random.js";
import { composeAddress, composeBody, composeTitle, type RequestType } from "./text.js";

export type Urgency = z.infer<typeof urgencySchema>;
type ContractLocation = z.infer<typeof locationSchema>;

/** What a later request needs to know about an earlier ticket on the same issue. */
export interface TicketHandle {
  readonly ticketId: string;
  /** Open (not closed, or reopened) at that moment, so a duplicate can be merged into it (并单). */
  isOpenAt(ms: number): boolean;
}

/** 问题: what is wrong and where; every request about it (repeats, other channels) shares it (frozen). */
export interface Issue {
  readonly leaf: CategoryLeaf;
  readonly community: Community;
  readonly requestType: RequestType;
  readonly location: ContractLocation;
  readonly title: string;
  readonly body: string;
}

/** 诉求 */
export interface Request {
  readonly atMs: number;
  readonly caller: CallerIdentity;
  readonly channel: Channel;
  readonly issue: Issue;
  readonly urgency: Urgency;
  /** How many times this caller raised the issue before (0 for a fresh one). */
  readonly repeats: number;
  /** An earlier ticket on the same issue this one may be merged into, and how likely that is. */
  readonly earlier: TicketHandle | undefined;
  readonly mergeChance: number;
  /** Call attempts so far (a caller who hung up in the queue may try again). */
  readonly attempt: number;
  /** Staged (repeat_chain): the first department keeps the ticket (no 退单) and declares it resolved without solving it. */
  readonly falseClosure?: true;
}

/** Mostly the leaf's own type; a few suggestions and praise, some complaints phrased as pleas for help. */
export function drawRequestType(rng: Rng, leaf: CategoryLeaf): RequestType {
  const roll = rng.next();
  if (leaf.outOfScope) return "help";
  if (roll < 0.03) return "suggestion";
  if (roll < 0.04) return "praise";
  if (leaf.requestType === "complaint" && roll < 0.14) return "help";
  return leaf.requestType;
}

export function drawUrgency(rng: Rng, leaf: CategoryLeaf): Urgency {
  const [normal, urgent] = leaf.urgency;
  const roll = rng.next();
  return roll < normal ? "normal" : roll < normal + urgent ? "urgent" : "emergency";
}

/** Coordinates are geocoded for most requests (WGS-84), a little off the community centre. */
function locate(rng: Rng, community: Community, address: string): ContractLocation {
  const street = community.street;
  const base: ContractLocation = { district: street.district.ref, street: street.ref, address };
  const withCommunity: ContractLocation = rng.chance(0.95) ? { ...base, community: community.ref } : base;
  if (!rng.chance(0.85)) return withCommunity;
  const lat = Math.round((community.lat + rng.between(-0.0015, 0.0015)) * 1e6) / 1e6;
  const lon = Math.round((community.lon + rng.between(-0.002, 0.002)) * 1e6) / 1e6;
  return { ...withCommunity, lat, lon };
}

export function newIssue(rng: Rng, leaf: CategoryLeaf, community: Community, requestType = drawRequestType(rng, leaf)): Issue {
  const address = composeAddress(rng, leaf, community);
  return {
    leaf,
    community,
    requestType,
    location: Object.freeze(locate(rng, community, address)),
    title: composeTitle(leaf, community, requestType),
    body: composeBody(rng, leaf, address, requestType),
  };
}

/** A first request about a new issue. */
export function freshRequest(rng: Rng, atMs: number, caller: CallerIdentity, channel: Channel, issue: Issue): Request {
  return { atMs, caller, channel, issue, urgency: drawUrgency(rng, issue.leaf), repeats: 0, earlier: undefined, mergeChance: 0, attempt: 1 };
}
