// The callers (诉求人): a population whose phone and ID-card numbers are derived from an index
// (nothing stored per person), a few very frequent callers, and how people come back about the
// same issue: chasing an open ticket, trying another channel, or again after a closure that did
// not solve anything (办结≠解决).
import type { z } from "zod";
import type { caller as callerSchema, channel as channelSchema } from "../../contract/fields.js";
import type { CategoryLeaf } from "./categories.js";
import type { City, Community } from "./city.js";
import { DAY, HOUR, MINUTE } from "./clock.js";
import { mix32, Rng, weightedKey } from "./random.js";

export type Channel = z.infer<typeof channelSchema>;
export type ContractCaller = z.infer<typeof callerSchema>;

/** One person, as the systems know them. */
export interface CallerIdentity {
  readonly index: number;
  /** Digits as the call centre's ANI shows them: `13812345678`, or `01062345678` for a landline. */
  readonly phone: string;
  readonly landline: boolean;
  /** 18-digit resident ID (身份证号) with a valid check digit (derived on first use). */
  readonly idNumber: string;
}

class Identity implements CallerIdentity {
  constructor(
    readonly index: number,
    readonly phone: string,
    readonly landline: boolean,
    private readonly hash: number,
    private readonly population: CallerPopulation,
  ) {}

  get idNumber(): string {
    return this.population.idNumberOf(this.hash);
  }
}

const MOBILE_PREFIXES = [
  "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156",
  "157", "158", "159", "166", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "199",
];
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";
/** Where migrants' ID cards come from (河北, 河南, 山东, 四川, 江苏), besides the city itself. */
const OTHER_REGIONS = ["130102", "410105", "370102", "510104", "320102"];

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** 身份证 check digit (ISO 7064 MOD 11-2). */
export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK[sum % 11] ?? "X";
}

export class CallerPopulation {
  private readonly salt: number;

  constructor(
    seed: number,
    readonly size: number,
    readonly frequentCount: number,
    private readonly regions: readonly string[],
  ) {
    this.salt = mix32(seed, 0x5ca11e5);
  }

  /** A caller who is not one of the frequent callers. */
  randomIndex(rng: Rng): number {
    return this.frequentCount + rng.int(this.size - this.frequentCount);
  }

  identity(index: number): CallerIdentity {
    const hash = mix32(this.salt, index);
    // index → 8 digits is a bijection (7919 is coprime with 10), so mobile numbers never collide.
    const prefixCount = MOBILE_PREFIXES.length;
    const body = (Math.floor(index / prefixCount) * 7919 + (this.salt % 100_000_000)) % 100_000_000;
    const landline = hash % 12 === 0;
    const phone = landline
      ? `010${6 + (hash % 2) * 2}${pad(body % 10_000_000, 7)}`
      : `${MOBILE_PREFIXES[index % prefixCount] ?? "138"}${pad(body, 8)}`;
    return new Identity(index, phone, landline, hash, this);
  }

  /** The ID number of the person with this hash (derived on demand: few requests carry one). */
  idNumberOf(hash: number): string {
    const regions = hash % 5 === 0 ? OTHER_REGIONS : this.regions;
    const region = regions[hash % regions.length] ?? "379901";
    const h2 = mix32(hash, 7);
    const born = Date.UTC(1940, 0, 1) + (h2 % 23_725) * DAY; // 1940–2004
    const date = new Date(born).toISOString();
    const first17 = `${region}${date.slice(0, 4)}${date.slice(5, 7)}${date.slice(8, 10)}${pad(mix32(h2, 3) % 1000, 3)}`;
    return first17 + idCheckDigit(first17);
  }
}

/** The phone as a person writes it in a form: mostly plain, sometimes with spaces, dashes or +86. */
export function writtenPhone(identity: CallerIdentity, rng: Rng): string {
  const p = identity.phone;
  if (identity.landline) return rng.chance(0.7) ? `${p.slice(0, 3)}-${p.slice(3)}` : p;
  const roll = rng.next();
  if (roll < 0.86) return p;
  if (roll < 0.93) return `${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}`;
  if (roll < 0.97) return `${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}`;
  return `+86 ${p}`;
}

const REAL_NAME_CHANNELS: ReadonlySet<Channel> = new Set(["app", "wechat", "leader_board", "petition"]);
const ANONYMOUS_CHANNELS: ReadonlySet<Channel> = new Set(["web", "mayor_mailbox", "leader_board", "media", "other"]);

/** The `caller` of a ticket.created: raw phone (and ID where the channel is real-name), or anonymous. */
export function contractCaller(identity: CallerIdentity, channel: Channel, rng: Rng): ContractCaller {
  if (ANONYMOUS_CHANNELS.has(channel) && rng.chance(0.06)) return { anonymous: true };
  const phone = channel === "phone" ? identity.phone : writtenPhone(identity, rng);
  const withId = channel === "petition" ? rng.chance(0.9) : REAL_NAME_CHANNELS.has(channel) ? rng.chance(0.45) : rng.chance(0.03);
  return withId ? { phone, id_number: identity.idNumber } : { phone };
}

/** How requests reach the hotline: phone first, then the online channels. */
export const CHANNEL_MIX: Readonly<Record<Channel, number>> = {
  phone: 0.6,
  web: 0.07,
  app: 0.12,
  wechat: 0.11,
  sms: 0.01,
  mayor_mailbox: 0.03,
  leader_board: 0.03,
  petition: 0.01,
  media: 0.005,
  other: 0.015,
};

/** How the many callers of one burst (群体诉求) reach the hotline: mostly by phone. */
export const BURST_CHANNEL_MIX = { phone: 0.75, app: 0.12, wechat: 0.1, web: 0.03 } as const;

/** 高频来电: a person who calls many times a week, often with the same words. */
export interface FrequentCaller {
  readonly identity: CallerIdentity;
  readonly perDay: number;
  readonly community: Community;
  readonly favourites: readonly CategoryLeaf[];
  /** The text they repeat word for word, if they do. */
  readonly stockText: string | undefined;
}

export function frequentCallers(seed: number, population: CallerPopulation, city: City, leaves: readonly CategoryLeaf[]): FrequentCaller[] {
  const rng = Rng.stream(seed, "frequent-callers");
  const outOfScope = leaves.filter((l) => l.outOfScope);
  return Array.from({ length: population.frequentCount }, (_, index) => {
    const favourites = [rng.pick(leaves), rng.pick(leaves), ...outOfScope];
    const community = rng.pick(city.communities);
    const complaint = `${community.name}${rng.pick(favourites).issue}，我已经反映过很多次了，必须给我一个说法！`;
    const stockText = rng.chance(0.7) ? complaint : undefined;
    return { identity: population.identity(index), perDay: rng.between(1.5, 8), community, favourites, stockText };
  });
}

/** Why a caller comes back about an issue already filed. */
export type ReturnReason = "chase" | "other_channel" | "after_close";

export interface ReturnVisit {
  readonly reason: ReturnReason;
  readonly atMs: number;
  readonly channel: Channel;
}

/** Where a caller goes when they try again somewhere else. */
const SECOND_CHANNELS = { phone: 3, web: 2, app: 3, wechat: 3, mayor_mailbox: 1, leader_board: 1 } as const;

export function otherChannel(current: Channel, rng: Rng): Channel {
  const choice: Channel = weightedKey(rng, SECOND_CHANNELS);
  return choice === current ? (current === "phone" ? "app" : "phone") : choice;
}

/**
 * When a new ticket is filed: does its caller come back before it is closed? (重复来电 to chase it,
 * or the same request through another channel: 多头受理.) `patience` shrinks with slow departments.
 */
export function returnsWhileOpen(createdMs: number, channel: Channel, slowness: number, rng: Rng): ReturnVisit[] {
  const visits: ReturnVisit[] = [];
  if (rng.chance(0.035)) {
    const atMs = createdMs + rng.between(10 * MINUTE, 8 * HOUR);
    visits.push({ reason: "other_channel", atMs, channel: otherChannel(channel, rng) });
  }
  if (rng.chance(Math.min(0.3, 0.05 * slowness))) {
    const channelAgain = rng.chance(0.75) ? channel : otherChannel(channel, rng);
    visits.push({ reason: "chase", atMs: createdMs + rng.between(0.5 * DAY, 6 * DAY), channel: channelAgain });
  }
  return visits;
}

/** After the last closing: an unsolved problem brings the caller back within two weeks, a solved one rarely. */
export function returnAfterClose(closedMs: number, solved: boolean, repeats: number, channel: Channel, rng: Rng): ReturnVisit | undefined {
  const p = solved ? 0.02 : Math.max(0.1, 0.38 - 0.08 * repeats);
  if (!rng.chance(p)) return undefined;
  const channelAgain = rng.chance(0.7) ? channel : otherChannel(channel, rng);
  return { reason: "after_close", atMs: closedMs + rng.between(0.5 * DAY, 14 * DAY), channel: channelAgain };
}
