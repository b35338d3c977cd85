// 重复诉求: the same caller on the same issue again (重复来电), again after the earlier ticket was
// closed (办结≠解决, charged to the department that closed it), through several channels (多头受理),
// many distinct callers on one place and issue (群体诉求), and near-identical text. Each repeat
// links its tickets. Pure and synchronous; every time is event time.
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
}

export const DEFAULT_REPEAT_CONFIG: RepeatConfig = {
  windowMs: 30 * 86_400_000,
  collectiveCallers: 5,
  collectiveWindowMs: 24 * 3_600_000,
  maxTextDistance: 3,
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
  readonly ticketIds: readonly string[];
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
}

interface Group {
  readonly id: string;
  readonly kind: RepeatKind;
  readonly tickets: Ticket[];
  /** The same tickets, to test membership without a scan. */
  readonly members: Set<Ticket>;
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
  /** Which group of a kind a ticket already belongs to. */
  private readonly memberOf = new Map<string, Group>();
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
    };
    this.tickets.set(t.id, t);
    if (t.createdMs < this.oldestMs) this.oldestMs = t.createdMs;
    const since = t.createdMs - this.config.windowMs;
    if (t.callerKey !== "") this.sameCaller(t, recent(push(this.byCallerIssue, callerIssueKey(t), t), since));
    this.collective(t, recent(push(this.byPlaceIssue, placeIssueKey(t), t), t.createdMs - this.config.collectiveWindowMs));
    if (t.fingerprint !== null) this.similarText(t, t.fingerprint, since);
  }

  private sameCaller(t: Ticket, earlier: readonly Ticket[]): void {
    const before = earlier.filter((p) => p.id !== t.id);
    if (before.length === 0) return;
    const openElsewhere = before.filter((p) => p.closedMs === null && p.channel !== t.channel);
    const closed = [...before].reverse().find((p) => p.closedMs !== null && p.closedMs <= t.createdMs);
    if (openElsewhere.length > 0) {
      // 多头受理 first: the same issue is being handled already, through another channel
      this.join("multi_channel", `multi_channel:${openElsewhere[0]!.id}`, [...openElsewhere, t], t.createdMs, "");
    } else if (closed !== undefined) {
      this.join("after_closure", `after_closure:${closed.id}`, [closed, t], t.createdMs, closed.closedBy);
    } else {
      this.join("same_caller", `same_caller:${before[0]!.id}`, [...before, t], t.createdMs, "");
    }
  }

  private collective(t: Ticket, window: readonly Ticket[]): void {
    const callers = new Set(window.map((w) => w.callerKey || w.id));
    if (callers.size < this.config.collectiveCallers) return;
    let existing: Group | undefined;
    for (const w of window) {
      const g = this.memberOf.get(`collective|${w.id}`);
      if (g !== undefined && g.status !== "closed") {
        existing = g;
        break;
      }
    }
    this.join("collective", existing?.id ?? `collective:${window[0]!.id}`, [...window], t.createdMs, "");
  }

  private similarText(t: Ticket, fingerprint: Fingerprint, since: number): void {
    const near = new Map<string, Ticket>();
    for (const band of bands(fingerprint)) {
      for (const other of push(this.byBand, band, t)) {
        if (other.createdMs >= since && other.id !== t.id && other.fingerprint !== null && hamming(other.fingerprint, fingerprint) <= this.config.maxTextDistance) near.set(other.id, other);
      }
    }
    if (near.size === 0) return;
    const others = [...near.values()].sort((a, b) => a.createdMs - b.createdMs || (a.id < b.id ? -1 : 1));
    const existing = others.map((o) => this.memberOf.get(`similar_text|${o.id}`)).find((g) => g !== undefined);
    this.join("similar_text", existing?.id ?? `similar_text:${others[0]!.id}`, [...others, t], t.createdMs, "");
  }

  private join(kind: RepeatKind, id: string, members: readonly Ticket[], atMs: number, chargedDepartment: string): void {
    let group = this.groups.get(id);
    if (group === undefined) {
      group = { id, kind, tickets: [], members: new Set(), firstSeenMs: atMs, lastUpdatedMs: atMs, chargedDepartment, status: "open" };
      this.groups.set(id, group);
    } else {
      group.status = "updated";
    }
    for (const m of members) {
      if (group.members.has(m)) continue;
      group.tickets.push(m);
      group.members.add(m);
      this.memberOf.set(`${kind}|${m.id}`, group);
    }
    group.lastUpdatedMs = atMs;
    if (chargedDepartment !== "") group.chargedDepartment = chargedDepartment;
    // a group changes only here until the next advance, so its row is made there, once
    this.pending.set(id, group);
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
        for (const t of group.tickets) this.memberOf.delete(`${group.kind}|${t.id}`);
      }
    }
  }
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

function push(index: Map<string, Ticket[]>, key: string, t: Ticket): Ticket[] {
  const list = index.get(key) ?? [];
  list.push(t);
  index.set(key, list);
  return list;
}

function recent(list: readonly Ticket[], sinceMs: number): Ticket[] {
  return list.filter((t) => t.createdMs >= sinceMs);
}

function toRepeat(group: Group): Repeat {
  const first = group.tickets[0]!;
  const tickets = [...group.tickets].sort((a, b) => a.createdMs - b.createdMs || (a.id < b.id ? -1 : 1));
  return {
    repeatId: group.id,
    kind: group.kind,
    status: group.status,
    ticketIds: tickets.map((t) => t.id),
    callerKey: group.kind === "collective" || group.kind === "similar_text" ? "" : first.callerKey,
    categoryCode: first.categoryCode,
    districtCode: first.districtCode,
    communityCode: first.communityCode,
    chargedDepartment: group.chargedDepartment,
    callers: new Set(tickets.map((t) => t.callerKey || t.id)).size,
    channels: [...new Set(tickets.map((t) => t.channel))].sort(),
    firstSeenMs: group.firstSeenMs,
    lastUpdatedMs: group.lastUpdatedMs,
  };
}
