// Labelled incidents (标注事件): what a benchmark stages on top of the city's everyday flow, and the
// labels that say what each actually produced, so detectors can be scored against known truth.
import type { Channel } from "./callers.js";

/** 突增: extra tickets of one category (at any level of the tree) in one district or city-wide. */
export interface SpikeIncident {
  readonly kind: "spike";
  readonly id: string;
  /** A leaf (`02.05.03`) or a parent (`02.05`, `02`): a parent's extra tickets spread over its leaves by weight. */
  readonly categoryCode: string;
  /** A district code, or null for city-wide (spread over the communities by their weight). */
  readonly districtCode: string | null;
  readonly startMs: number;
  readonly durationMs: number;
  /** Extra ticket.created per hour on top of the normal flow. */
  readonly extraPerHour: number;
  /**
   * `flat` (the default): extraPerHour every hour of the window, so it adds extraPerHour × hours.
   * `rhythm`: shaped like the daily rhythm (busy mornings, quiet nights), averaging extraPerHour over a whole day.
   */
  readonly shape?: "flat" | "rhythm";
}

/** 新发热点: a category concentrating in one community for a while, at one spot (coordinates near it). */
export interface EmergingHotspotIncident {
  readonly kind: "emerging_hotspot";
  readonly id: string;
  readonly categoryCode: string;
  readonly communityCode: string;
  readonly startMs: number;
  readonly durationMs: number;
  /** Extra tickets a day, shaped by the daily rhythm. */
  readonly extraPerDay: number;
}

/** 常发热点: the same, over the whole simulation (未诉先办 material). */
export interface ChronicHotspotIncident {
  readonly kind: "chronic_hotspot";
  readonly id: string;
  readonly categoryCode: string;
  readonly communityCode: string;
  readonly extraPerDay: number;
}

/** When the callers of a count-based incident first come; by default the first half of the simulated span (the first 7 days if endless). */
interface Spread {
  readonly startMs?: number;
  readonly durationMs?: number;
}

/** 办结≠解决: a department closes tickets as resolved without solving them; each caller comes back after closing. */
export interface RepeatChainIncident extends Spread {
  readonly kind: "repeat_chain";
  readonly id: string;
  /** A department that is the first handler of some category (a street office, a bureau). */
  readonly departmentCode: string;
  /** How many chains (callers). */
  readonly count: number;
  /** Tickets per chain, the first one included; by default 2 to 4, drawn per chain. */
  readonly ticketsPerChain?: number;
}

/** 多头受理: one caller files the same issue through several channels within a day. */
export interface CrossChannelDuplicateIncident extends Spread {
  readonly kind: "cross_channel_duplicate";
  readonly id: string;
  /** How many callers do it (each files 2 to 4 copies through distinct channels). */
  readonly count: number;
}

/** 群体诉求: many distinct callers about the same issue at the same place within hours. */
export interface CollectiveComplaintIncident {
  readonly kind: "collective_complaint";
  readonly id: string;
  readonly categoryCode: string;
  readonly communityCode: string;
  readonly startMs: number;
  readonly callers: number;
  /** Over how long they call; by default 1 to 6 hours, drawn. */
  readonly spanMs?: number;
}

/** 不合理/恶意诉求: one caller who calls very often, possibly with the same words every time. */
export interface AbusiveCallerIncident {
  readonly kind: "abusive_caller";
  readonly id: string;
  /** Requests a day, spread evenly over waking hours (07–23). */
  readonly callsPerDay: number;
  readonly startMs: number;
  readonly durationMs: number;
  /** Every call about the same thing in the same words (by phone), rather than varied complaints (a quarter by web). */
  readonly identicalText: boolean;
}

export type Incident =
  | SpikeIncident
  | EmergingHotspotIncident
  | ChronicHotspotIncident
  | RepeatChainIncident
  | CrossChannelDuplicateIncident
  | CollectiveComplaintIncident
  | AbusiveCallerIncident;

export type IncidentKind = Incident["kind"];

/** What every label says: the tickets created for the incident (never a phone number). */
interface LabelOf<I extends Incident> {
  readonly kind: I["kind"];
  readonly id: string;
  readonly incident: I;
  /** Every ticket created for it, in order of creation (ticket.created emitted within the simulation). */
  readonly ticketIds: readonly string[];
  /** Creation times (epoch ms) of the first and last of them; null when none was created. */
  readonly firstCreatedMs: number | null;
  readonly lastCreatedMs: number | null;
  /** Those of them merged (并单) into an earlier ticket of the same incident. */
  readonly mergedTicketIds: readonly string[];
}

/** A place incidents concentrate at (WGS-84). */
export interface Spot {
  readonly lat: number;
  readonly lon: number;
}

/** Tickets that belong together (one caller's chain or duplicates), with when each was closed for good. */
export interface TicketGroup {
  readonly categoryCode: string;
  readonly communityCode: string;
  readonly ticketIds: readonly string[];
  readonly channels: readonly Channel[];
  /** When each ticket was closed for good (办结, not reopened after); null if merged or still open when the simulation ended. */
  readonly closedMs: readonly (number | null)[];
}

export interface SpikeLabel extends LabelOf<SpikeIncident> {
  /** The Poisson mean of the extra requests over the part of the window inside the simulation. */
  readonly expectedTickets: number;
}
export interface EmergingHotspotLabel extends LabelOf<EmergingHotspotIncident> {
  readonly expectedTickets: number;
  readonly spot: Spot;
}
export interface ChronicHotspotLabel extends LabelOf<ChronicHotspotIncident> {
  readonly expectedTickets: number;
  readonly spot: Spot;
}
export interface RepeatChainLabel extends LabelOf<RepeatChainIncident> {
  /** One per caller: their tickets in order, each one filed after the previous was closed unsolved. */
  readonly chains: readonly TicketGroup[];
}
export interface CrossChannelDuplicateLabel extends LabelOf<CrossChannelDuplicateIncident> {
  /** One per caller: the copies of the same request through distinct channels. */
  readonly groups: readonly TicketGroup[];
}
export interface CollectiveComplaintLabel extends LabelOf<CollectiveComplaintIncident> {
  /** The leaf every caller complained about. */
  readonly leafCode: string;
  readonly spot: Spot;
}
export interface AbusiveCallerLabel extends LabelOf<AbusiveCallerIncident> {
  /** Every call the caller made (answered or not; a web request makes none); their tickets are `ticketIds`. */
  readonly callIds: readonly string[];
  /** The Poisson mean of their requests (calls and web) within the simulation. */
  readonly expectedCalls: number;
}

export type IncidentLabel =
  | SpikeLabel
  | EmergingHotspotLabel
  | ChronicHotspotLabel
  | RepeatChainLabel
  | CrossChannelDuplicateLabel
  | CollectiveComplaintLabel
  | AbusiveCallerLabel;

/** Whether a leaf code lies under (or is) a category code at any level. */
export function isUnder(leafCode: string, categoryCode: string): boolean {
  return leafCode === categoryCode || leafCode.startsWith(`${categoryCode}.`);
}
