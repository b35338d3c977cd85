// 不合理/恶意诉求: callers to review by a person, never blocked: very frequent callers, the same
// text again and again, and requests repeatedly closed as out of scope. Pure; event time only.
import { normaliseText } from "../repeat/simhash.js";

export type CallerFlagKind = "frequent_caller" | "identical_text" | "out_of_scope";

export interface CallerFlagsConfig {
  readonly dailyTickets: number;
  readonly windowTickets: number;
  readonly identicalTexts: number;
  readonly outOfScope: number;
  readonly windowMs: number;
}

export const DEFAULT_CALLER_FLAGS_CONFIG: CallerFlagsConfig = {
  dailyTickets: 8,
  windowTickets: 30,
  identicalTexts: 3,
  outOfScope: 3,
  windowMs: 30 * 86_400_000,
};

export interface CallerEventInput {
  readonly type: string;
  readonly ticketId: string;
  readonly occurredAtMs: number;
  readonly callerKey: string;
  readonly text: string;
  readonly resolution: string;
}

export interface CallerFlag {
  readonly flagId: string;
  readonly callerKey: string;
  readonly kind: CallerFlagKind;
  readonly status: "open" | "updated" | "closed";
  readonly reason: string;
  readonly tickets: number;
  readonly sampleTicketIds: readonly string[];
  readonly firstSeenMs: number;
  readonly lastUpdatedMs: number;
}

interface Caller {
  readonly created: { id: string; atMs: number; text: string }[];
  readonly outOfScope: { id: string; atMs: number }[];
  readonly flags: Map<CallerFlagKind, { firstSeenMs: number; reason: string; open: boolean }>;
}

const DAY = 86_400_000;

export class CallerFlagsDetector {
  private readonly callers = new Map<string, Caller>();
  private readonly ticketCaller = new Map<string, string>();
  private pending = new Map<string, CallerFlag>();

  /** Read-only counts of the state held, for bench:memory. */
  get tracked(): { callers: number; tickets: number } {
    return { callers: this.callers.size, tickets: this.ticketCaller.size };
  }

  /** No caller changes in advance() while the window's start is before this (see dueMs). */
  private nextDueMs = Infinity;

  constructor(private readonly config: CallerFlagsConfig = DEFAULT_CALLER_FLAGS_CONFIG) {}

  observe(e: CallerEventInput): void {
    if (e.type === "ticket.created") {
      if (e.callerKey === "" || this.ticketCaller.has(e.ticketId)) return;
      this.ticketCaller.set(e.ticketId, e.callerKey);
      const caller = this.caller(e.callerKey);
      insertByTime(caller.created, { id: e.ticketId, atMs: e.occurredAtMs, text: normaliseText(e.text) });
      this.nextDueMs = Math.min(this.nextDueMs, e.occurredAtMs);
      this.evaluate(e.callerKey, caller, e.occurredAtMs);
    } else if (e.type === "ticket.closed" && e.resolution === "out_of_scope") {
      const key = this.ticketCaller.get(e.ticketId);
      if (key === undefined) return;
      const caller = this.caller(key);
      insertByTime(caller.outOfScope, { id: e.ticketId, atMs: e.occurredAtMs });
      this.nextDueMs = Math.min(this.nextDueMs, e.occurredAtMs);
      this.evaluate(key, caller, e.occurredAtMs);
    }
  }

  private caller(key: string): Caller {
    let caller = this.callers.get(key);
    if (caller === undefined) {
      caller = { created: [], outOfScope: [], flags: new Map() };
      this.callers.set(key, caller);
    }
    return caller;
  }

  // The lists are kept in time order, so a window is a suffix found by binary search: a caller who
  // sends thousands of tickets costs the same per ticket as one who sends three.
  private evaluate(key: string, caller: Caller, atMs: number): void {
    const c = this.config;
    const inWindow = suffixAfter(caller.created, atMs - c.windowMs);
    const lastDay = suffixAfter(caller.created, atMs - DAY);
    const windowCount = caller.created.length - inWindow;
    const dayCount = caller.created.length - lastDay;
    if (dayCount >= c.dailyTickets || windowCount >= c.windowTickets) {
      const from = dayCount >= c.dailyTickets ? lastDay : inWindow;
      this.raise(key, caller, "frequent_caller", `${dayCount} tickets in 24 h, ${windowCount} in ${c.windowMs / DAY} days`, caller.created.length - from, idsFrom(caller.created, from), atMs);
    }
    // the most repeated text among the newest TEXT_SCAN tickets of the window (all of them, short of a flood)
    const byText = new Map<string, string[]>();
    for (let i = Math.max(inWindow, caller.created.length - TEXT_SCAN); i < caller.created.length; i++) {
      const t = caller.created[i]!;
      if (t.text.length < 6) continue;
      const ids = byText.get(t.text);
      if (ids === undefined) byText.set(t.text, [t.id]);
      else ids.push(t.id);
    }
    let repeated: string[] | undefined;
    for (const ids of byText.values()) if (repeated === undefined || ids.length > repeated.length) repeated = ids;
    if (repeated !== undefined && repeated.length >= c.identicalTexts) {
      this.raise(key, caller, "identical_text", `the same text in ${repeated.length} tickets within ${c.windowMs / DAY} days`, repeated.length, repeated.slice(-10), atMs);
    }
    const outOfScope = suffixAfter(caller.outOfScope, atMs - c.windowMs);
    const outCount = caller.outOfScope.length - outOfScope;
    if (outCount >= c.outOfScope) {
      this.raise(key, caller, "out_of_scope", `${outCount} tickets closed as out of scope (不属于受理范围) within ${c.windowMs / DAY} days`, outCount, idsFrom(caller.outOfScope, outOfScope), atMs);
    }
  }

  private raise(key: string, caller: Caller, kind: CallerFlagKind, reason: string, tickets: number, sampleTicketIds: readonly string[], atMs: number): void {
    const known = caller.flags.get(kind);
    if (known !== undefined && known.open && known.reason === reason) return;
    const firstSeenMs = known?.open === true ? known.firstSeenMs : atMs;
    const status = known?.open === true ? "updated" : "open";
    caller.flags.set(kind, { firstSeenMs, reason, open: true });
    this.pending.set(`${key}:${kind}`, {
      flagId: `${key}:${kind}`,
      callerKey: key,
      kind,
      status,
      reason,
      tickets,
      sampleTicketIds,
      firstSeenMs,
      lastUpdatedMs: atMs,
    });
  }

  /** Closes flags of callers quiet for the window and forgets what lies before it. */
  advance(watermarkMs: number): CallerFlag[] {
    const since = watermarkMs - this.config.windowMs;
    if (since < this.nextDueMs) return this.takePending();
    let nextDue = Infinity;
    for (const [key, caller] of this.callers) {
      const last = Math.max(caller.created.at(-1)?.atMs ?? 0, caller.outOfScope.at(-1)?.atMs ?? 0);
      for (const [kind, flag] of caller.flags) {
        if (!flag.open || last > since) continue;
        flag.open = false;
        this.pending.set(`${key}:${kind}`, {
          flagId: `${key}:${kind}`,
          callerKey: key,
          kind,
          status: "closed",
          reason: flag.reason,
          tickets: 0,
          sampleTicketIds: [],
          firstSeenMs: flag.firstSeenMs,
          lastUpdatedMs: last + this.config.windowMs,
        });
      }
      if (last <= since && [...caller.flags.values()].every((f) => !f.open)) {
        for (const t of caller.created) this.ticketCaller.delete(t.id);
        this.callers.delete(key);
      } else {
        while ((caller.created[0]?.atMs ?? Infinity) <= since) this.ticketCaller.delete(caller.created.shift()!.id);
        while ((caller.outOfScope[0]?.atMs ?? Infinity) <= since) caller.outOfScope.shift();
        nextDue = Math.min(nextDue, dueMs(caller));
      }
    }
    this.nextDueMs = nextDue;
    return this.takePending();
  }

  private takePending(): CallerFlag[] {
    const out = [...this.pending.values()];
    this.pending = new Map();
    return out;
  }
}

/** Most tickets of a caller's window whose texts are compared for identical_text (a caller sends far fewer in 30 days). */
const TEXT_SCAN = 512;

/** Puts an entry in time order, after those of the same time (a late one by binary search). */
function insertByTime<T extends { readonly atMs: number }>(list: T[], entry: T): void {
  if (list.length === 0 || list[list.length - 1]!.atMs <= entry.atMs) {
    list.push(entry);
    return;
  }
  list.splice(suffixAfter(list, entry.atMs), 0, entry);
}

/** The index of the first entry later than `afterMs` in a list in time order. */
function suffixAfter(list: readonly { readonly atMs: number }[], afterMs: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.atMs > afterMs) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The ids of the last ten entries from index `from` on. */
function idsFrom(list: readonly { readonly id: string }[], from: number): string[] {
  return list.slice(Math.max(from, list.length - 10)).map((t) => t.id);
}

/** The earliest time at which advance() can change this caller: its oldest entries, or its last (lists are in arrival order). */
function dueMs(caller: Caller): number {
  const last = Math.max(caller.created.at(-1)?.atMs ?? 0, caller.outOfScope.at(-1)?.atMs ?? 0);
  return Math.min(caller.created[0]?.atMs ?? Infinity, caller.outOfScope[0]?.atMs ?? Infinity, last);
}
