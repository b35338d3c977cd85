// 重复诉求: the same caller on the same issue again (重复来电), again after the earlier ticket was
// closed (办结≠解决, charged to the department that closed it), through several channels (多头受理),
// many distinct callers on one place and issue (群体诉求), and near-identical text. Each repeat
// links its tickets. Pure and synchronous; every time is event time. A new ticket is compared with
// at most `scanCap` of the newest tickets of each list it joins, and a group keeps its counts as it
// grows, so a ticket costs the same however large its group (README, "How the detectors work").
import { insertByTime, keepOldest, newestSince } from "./recent.js";
import { bands, hamming, simhash, type Fingerprint } from "./simhash.js";

export type RepeatKind = "same_caller" | "after_closure" | "multi_channel" | "collective" | "similar_text";

export interface RepeatConfig {
  /** Same caller + same category within this window is a repeat (default 30 days). */
  readonly windowMs: number;
  /** Distinct callers on one place and category within collectiveWindowMs that make a collective complaint. */
  readonly collectiveCallers: number;
  readonly collectiveWindowMs: number;
  /** SimHash bits apart (at most 3) for near-identical text. */
  readonly maxTextDistance: number;
  /** How many of the newest tickets of a caller's or a place's list (same issue) a new ticket is compared with, and how many near-identical texts it links at most. */
  readonly scanCap: number;
  /** How many of the newest tickets of each SimHash band a new ticket's text is compared with. */
  readonly textScanCap: number;
  /** How many ticket ids (the oldest) a repeat's row lists; its `tickets` count is exact. */
  readonly rowTicketIds: number;
}

export const DEFAULT_REPEAT_CONFIG: RepeatConfig = {
  windowMs: 30 * 86_400_000,
  collectiveCallers: 5,
  collectiveWindowMs: 24 * 3_600_000,
  maxTextDistance: 3,
  scanCap: 256,
  textScanCap: 2_048,
  rowTicketIds: 1_000,
};

export interface RepeatInput {
  readonly type: string;
  readonly ticketId: string;
  readonly occurredAtMs: number;
  readonly callerKey: string;
  readonly channel: string;
  readonly categoryCode: string;
  readonly districtCode: string;
  readonly communityCode: string;
  readonly departmentCode: string;
  readonly text: string;
}

export interface Repeat {
  readonly repeatId: string;
  readonly kind: RepeatKind;
  readonly status: "open" | "updated" | "closed";
  /** The oldest `rowTicketIds` of the linked tickets, oldest first. */
  readonly ticketIds: readonly string[];
  /** How many tickets are linked. */
  readonly tickets: number;
  readonly callerKey: string;
  readonly categoryCode: string;
  readonly districtCode: string;
  readonly communityCode: string;
  /** 办结≠解决: the department that closed the earlier ticket. */
  readonly chargedDepartment: string;
  readonly callers: number;
  readonly channels: readonly string[];
  readonly firstSeenMs: number;
  readonly lastUpdatedMs: number;
}

interface Ticket {
  readonly id: string;
  readonly callerKey: string;
  readonly channel: string;
  readonly categoryCode: string;
  readonly districtCode: string;
  readonly communityCode: string;
  readonly createdMs: number;
  readonly fingerprint: Fingerprint | null;
  closedMs: number | null;
  closedBy: string;
  /** Which group of each kind the ticket belongs to (the last it joined). */
  readonly groups: Partial<Record<RepeatKind, Group>>;
}

interface Group {
  readonly id: string;
  readonly kind: RepeatKind;
  readonly tickets: Ticket[];
  /** The same tickets, to test membership without a scan. */
  readonly members: Set<Ticket>;
  /** Kept as tickets join, so a row costs the same however large the group: distinct callers (or tickets without one), channels, the oldest tickets. */
  readonly callers: Set<string>;
  readonly channels: Set<string>;
  readonly oldest: Ticket[];
  readonly firstSeenMs: number;
  lastUpdatedMs: number;
  chargedDepartment: string;
  status: Repeat["status"];
}

export class RepeatDetector {
  private readonly tickets = new Map<string, Ticket>();
  private readonly byCallerIssue = new Map<string, Ticket[]>();
  private readonly byPlaceIssue = new Map<string, Ticket[]>();
  private readonly byBand = new Map<string, Ticket[]>();
  private readonly groups = new Map<string, Group>();
  /** The earliest createdMs of the tickets held: eviction has nothing to do before it. */
  private oldestMs = Infinity;
  /** Changed since the last advance: a group (made a row at advance, as it is then) or a closing row. */
  private pending = new Map<string, Group | Repeat>();

  /** Read-only counts of the state held, for bench:memory. */
  get tracked(): { tickets: number; groups: number } {
    return { tickets: this.tickets.size, groups: this.groups.size };
  }

  constructor(private readonly config: RepeatConfig = DEFAULT_REPEAT_CONFIG) {}

  observe(e: RepeatInput): void {
    if (e.ticketId === "") return;
    if (e.type === "ticket.closed") {
      const t = this.tickets.get(e.ticketId);
      if (t !== undefined) {
        t.closedMs = e.occurredAtMs;
        t.closedBy = e.departmentCode;
      }
    } else if (e.type === "ticket.reopened") {
      const t = this.tickets.get(e.ticketId);
      if (t !== undefined) t.closedMs = null;
    } else if (e.type === "ticket.created" && !this.tickets.has(e.ticketId)) {
      this.created(e);
    }
  }

  private created(e: RepeatInput): void {
    const t: Ticket = {
      id: e.ticketId,
      callerKey: e.callerKey,
      channel: e.channel,
      categoryCode: e.categoryCode,
      districtCode: e.districtCode,
      communityCode: e.communityCode,
      createdMs: e.occurredAtMs,
      fingerprint: simhash(e.text),
      closedMs: null,
      closedBy: "",
      groups: {},
    };
    this.tickets.set(t.id, t);
    if (t.createdMs < this.oldestMs) this.oldestMs = t.createdMs;
    const since = t.createdMs - this.config.windowMs;
    const cap = this.config.scanCap;
    // one more than the cap: the list holds `t` itself
    if (t.callerKey !== "") this.sameCaller(t, newestSince(insertByTime(this.byCallerIssue, callerIssueKey(t), t), since, cap + 1));
    this.collective(t, newestSince(insertByTime(this.byPlaceIssue, placeIssueKey(t), t), t.createdMs - this.config.collectiveWindowMs, cap + 1));
    if (t.fingerprint !== null) this.similarText(t, t.fingerprint, since);
  }

  private sameCaller(t: Ticket, earlier: { readonly tickets: readonly Ticket[]; readonly more: boolean }): void {
    const before = earlier.tickets.filter((p) => p.id !== t.id);
    if (before.length === 0) return;
    const openElsewhere = before.filter((p) => p.closedMs === null && p.channel !== t.channel);
    const closed = [...before].reverse().find((p) => p.closedMs !== null && p.closedMs <= t.createdMs);
    if (openElsewhere.length > 0) {
      // 多头受理 first: the same issue is being handled already, through another channel
      const id = this.beyondCap("multi_channel", earlier.more, openElsewhere) ?? `multi_channel:${openElsewhere[0]!.id}`;
      this.join("multi_channel", id, [...openElsewhere, t], t.createdMs, "");
    } else if (closed !== undefined) {
      this.join("after_closure", `after_closure:${closed.id}`, [closed, t], t.createdMs, closed.closedBy);
    } else {
      this.join("same_caller", this.beyondCap("same_caller", earlier.more, before) ?? `same_caller:${before[0]!.id}`, [...before, t], t.createdMs, "");
    }
  }

  /**
   * With older tickets of the window left out (`more`), the oldest one seen changes with every new
   * ticket: go on with the open group the newest of them is in rather than start one per ticket.
   */
  private beyondCap(kind: RepeatKind, more: boolean, seen: readonly Ticket[]): string | undefined {
    if (!more) return undefined;
    for (let i = seen.length - 1; i >= 0; i--) {
      const g = seen[i]!.groups[kind];
      if (g !== undefined && g.status !== "closed") return g.id;
    }
    return undefined;
  }

  private collective(t: Ticket, recentTickets: { readonly tickets: readonly Ticket[] }): void {
    // a late ticket may be older than the newest ones seen: it belongs to its window all the same
    const window = recentTickets.tickets.includes(t) ? recentTickets.tickets : [t, ...recentTickets.tickets];
    if (!distinctCallersAtLeast(window, this.config.collectiveCallers)) return;
    let existing: Group | undefined;
    for (const w of window) {
      const g = w.groups.collective;
      if (g !== undefined && g.status !== "closed") {
        existing = g;
        break;
      }
    }
    this.join("collective", existing?.id ?? `collective:${window[0]!.id}`, window, t.createdMs, "");
  }

  private similarText(t: Ticket, fingerprint: Fingerprint, since: number): void {
    const near = new Set<Ticket>();
    for (const band of bands(fingerprint)) {
      const list = insertByTime(this.byBand, band, t);
      // newest first: a copied text sent by thousands fills `near` from the newest end and stops there
      for (let i = list.length - 1, seen = 0; i >= 0 && seen <= this.config.textScanCap && near.size < this.config.scanCap; i--) {
        const other = list[i]!;
        if (other.createdMs < since) break;
        seen += 1;
        if (other !== t && !near.has(other) && other.fingerprint !== null && hamming(other.fingerprint, fingerprint) <= this.config.maxTextDistance) near.add(other);
      }
    }
    if (near.size === 0) return;
    // the group of the oldest near ticket in one, else a new one named after the oldest (no sort: a burst has `scanCap` of them)
    let oldest: Ticket | undefined;
    let oldestGrouped: Ticket | undefined;
    for (const o of near) {
      if (oldest === undefined || createdBefore(o, oldest)) oldest = o;
      if (o.groups.similar_text !== undefined && (oldestGrouped === undefined || createdBefore(o, oldestGrouped))) oldestGrouped = o;
    }
    const existing = oldestGrouped?.groups.similar_text;
    if (existing === undefined) this.join("similar_text", `similar_text:${oldest!.id}`, [oldest!, ...near, t], t.createdMs, "");
    else this.join("similar_text", existing.id, near, t.createdMs, "", t);
  }

  /** Adds `members` (then `last`, if given) to the group `id`, making it if it is new. */
  private join(kind: RepeatKind, id: string, members: Iterable<Ticket>, atMs: number, chargedDepartment: string, last?: Ticket): void {
    let group = this.groups.get(id);
    if (group === undefined) {
      group = { id, kind, tickets: [], members: new Set(), callers: new Set(), channels: new Set(), oldest: [], firstSeenMs: atMs, lastUpdatedMs: atMs, chargedDepartment, status: "open" };
      this.groups.set(id, group);
    } else {
      group.status = "updated";
    }
    for (const m of members) this.add(group, m);
    if (last !== undefined) this.add(group, last);
    group.lastUpdatedMs = atMs;
    if (chargedDepartment !== "") group.chargedDepartment = chargedDepartment;
    // a group changes only here until the next advance, so its row is made there, once
    this.pending.set(id, group);
  }

  private add(group: Group, m: Ticket): void {
    if (group.members.has(m)) return;
    group.tickets.push(m);
    group.members.add(m);
    group.callers.add(m.callerKey || m.id);
    group.channels.add(m.channel);
    keepOldest(group.oldest, m, this.config.rowTicketIds);
    m.groups[group.kind] = group;
  }

  /** Closes repeats quiet for their window and forgets tickets older than every window. */
  advance(watermarkMs: number): Repeat[] {
    for (const group of this.groups.values()) {
      const quietFor = group.kind === "collective" ? this.config.collectiveWindowMs : this.config.windowMs;
      if (group.status !== "closed" && watermarkMs - group.lastUpdatedMs > quietFor) {
        group.status = "closed";
        this.pending.set(group.id, { ...toRepeat(group), lastUpdatedMs: group.lastUpdatedMs + quietFor });
      }
    }
    this.evict(watermarkMs - this.config.windowMs);
    const out = [...this.pending.values()].map((p) => ("members" in p ? toRepeat(p) : p));
    this.pending = new Map();
    return out;
  }

  private evict(beforeMs: number): void {
    if (beforeMs > this.oldestMs) {
      // only the lists that held an evicted ticket can hold one older than beforeMs: filter those alone
      const touched = new Set<string>();
      let oldest = Infinity;
      for (const [id, t] of this.tickets) {
        if (t.createdMs >= beforeMs) {
          if (t.createdMs < oldest) oldest = t.createdMs;
          continue;
        }
        this.tickets.delete(id);
        for (const key of indexKeys(t)) touched.add(key);
      }
      this.oldestMs = oldest;
      for (const key of touched) {
        const index = key.startsWith("c|") ? this.byCallerIssue : key.startsWith("p|") ? this.byPlaceIssue : this.byBand;
        const name = key.slice(2);
        const list = index.get(name);
        if (list === undefined) continue;
        const kept = list.filter((t) => t.createdMs >= beforeMs);
        if (kept.length === 0) index.delete(name);
        else if (kept.length !== list.length) index.set(name, kept);
      }
    }
    for (const [id, group] of this.groups) {
      if (group.status === "closed" && group.lastUpdatedMs < beforeMs) {
        this.groups.delete(id);
        for (const t of group.tickets) if (t.groups[group.kind] === group) delete t.groups[group.kind];
      }
    }
  }
}

const createdBefore = (a: Ticket, b: Ticket) => a.createdMs < b.createdMs || (a.createdMs === b.createdMs && a.id < b.id);

/** Whether `tickets` come from at least `n` callers (a ticket without a caller counts as one); stops once it knows. */
function distinctCallersAtLeast(tickets: readonly Ticket[], n: number): boolean {
  const callers = new Set<string>();
  for (const t of tickets) {
    callers.add(t.callerKey || t.id);
    if (callers.size >= n) return true;
  }
  return callers.size >= n;
}

/** The index lists a ticket was put in, each prefixed with its index (c|, p| or b|). */
function indexKeys(t: Ticket): string[] {
  const keys = [`p|${placeIssueKey(t)}`];
  if (t.callerKey !== "") keys.push(`c|${callerIssueKey(t)}`);
  if (t.fingerprint !== null) for (const band of bands(t.fingerprint)) keys.push(`b|${band}`);
  return keys;
}

const callerIssueKey = (t: Ticket) => `${t.callerKey}|${t.categoryCode}`;
const placeIssueKey = (t: Ticket) => `${t.communityCode === "" ? `d:${t.districtCode}` : t.communityCode}|${t.categoryCode}`;

function toRepeat(group: Group): Repeat {
  const first = group.tickets[0]!;
  return {
    repeatId: group.id,
    kind: group.kind,
    status: group.status,
    ticketIds: group.oldest.map((t) => t.id),
    tickets: group.tickets.length,
    callerKey: group.kind === "collective" || group.kind === "similar_text" ? "" : first.callerKey,
    categoryCode: first.categoryCode,
    districtCode: first.districtCode,
    communityCode: first.communityCode,
    chargedDepartment: group.chargedDepartment,
    callers: group.callers.size,
    channels: [...group.channels].sort(),
    firstSeenMs: group.firstSeenMs,
    lastUpdatedMs: group.lastUpdatedMs,
  };
}
