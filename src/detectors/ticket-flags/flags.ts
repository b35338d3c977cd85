// 异常工单 / 复杂诉求: flags tickets whose lifecycle shows trouble (ping-pong between departments,
// overdue, repeated extensions, supervised, reopened, several departments), each with its reason.
// Pure and synchronous on event time: `observe` folds events in, `advance` evaluates the clock.
import { MinHeap } from "../min-heap.js";

export type FlagKind = "ping_pong" | "overdue" | "repeated_extensions" | "supervised" | "reopened" | "multi_department";

export interface TicketFlagsConfig {
  /** A ticket dispatched this many hops (or returned returnsThreshold times) is ping-pong (推诿). */
  readonly maxHops: number;
  readonly returnsThreshold: number;
  readonly extensionsThreshold: number;
  readonly departmentsThreshold: number;
  /** Closed tickets are forgotten after this long without events. */
  readonly retentionMs: number;
}

export const DEFAULT_TICKET_FLAGS_CONFIG: TicketFlagsConfig = {
  maxHops: 3,
  returnsThreshold: 2,
  extensionsThreshold: 2,
  departmentsThreshold: 3,
  retentionMs: 45 * 86_400_000,
};

/** The fields of a stored event this detector reads. */
export interface TicketEventInput {
  readonly type: string;
  readonly ticketId: string;
  readonly occurredAtMs: number;
  readonly departmentCode: string;
  readonly hop: number;
  readonly deadlineMs: number | null;
  readonly categoryCode: string;
  readonly districtCode: string;
}

export interface TicketFlag {
  readonly flagId: string;
  readonly ticketId: string;
  readonly kind: FlagKind;
  readonly status: "open" | "updated" | "closed";
  readonly reason: string;
  readonly categoryCode: string;
  readonly districtCode: string;
  readonly departmentCode: string;
  readonly firstSeenMs: number;
  readonly lastUpdatedMs: number;
  readonly evidence: Readonly<Record<string, number | string | readonly string[]>>;
}

interface TicketState {
  categoryCode: string;
  districtCode: string;
  departmentCode: string;
  departments: Set<string>;
  maxHop: number;
  returns: number;
  extensions: number;
  supervisions: number;
  reopens: number;
  deadlineMs: number | null;
  closedAtMs: number | null;
  lastEventMs: number;
  flags: Map<FlagKind, { firstSeenMs: number; reason: string; status: TicketFlag["status"] }>;
  /** Order of arrival: advance judges due tickets in this order, as a scan of all would. */
  readonly seq: number;
  /** The deadline this ticket waits under in the queue of deadlines; null when it is not queued. */
  queuedDeadlineMs: number | null;
}

const newState = (seq: number): TicketState => ({
  categoryCode: "",
  districtCode: "",
  departmentCode: "",
  departments: new Set(),
  maxHop: 0,
  returns: 0,
  extensions: 0,
  supervisions: 0,
  reopens: 0,
  deadlineMs: null,
  closedAtMs: null,
  lastEventMs: 0,
  flags: new Map(),
  seq,
  queuedDeadlineMs: null,
});

/**
 * Every time in a flag is event time (the event that made it true, or the deadline that passed),
 * so the final row of a flag is the same whatever the batching, live or replayed.
 */
export class TicketFlagsDetector {
  private readonly tickets = new Map<string, TicketState>();
  private pending: TicketFlag[] = [];
  /** Open tickets by deadline (stale entries are skipped when they come up), so advance looks only at those due. */
  private readonly deadlines = new MinHeap<{ readonly id: string; readonly t: TicketState }>();
  private nextSeq = 0;
  /** A lower bound: no closed ticket leaves memory sooner (evict skips its scan until then). */
  private nextEvictMs = Infinity;

  /** Read-only counts of the state held, for bench:memory. */
  get tracked(): { tickets: number } {
    return { tickets: this.tickets.size };
  }

  constructor(private readonly config: TicketFlagsConfig = DEFAULT_TICKET_FLAGS_CONFIG) {}

  observe(e: TicketEventInput): void {
    if (e.ticketId === "") return;
    let t = this.tickets.get(e.ticketId);
    if (t === undefined) {
      t = newState(this.nextSeq++);
      this.tickets.set(e.ticketId, t);
    }
    // A deadline that passed before this event is judged first, on the state as it was then.
    this.checkDeadline(e.ticketId, t, e.occurredAtMs);
    t.lastEventMs = Math.max(t.lastEventMs, e.occurredAtMs);
    if (e.deadlineMs !== null) t.deadlineMs = e.deadlineMs;
    switch (e.type) {
      case "ticket.created":
        t.categoryCode = e.categoryCode;
        t.districtCode = e.districtCode;
        break;
      case "ticket.dispatched":
        t.departmentCode = e.departmentCode;
        t.departments.add(e.departmentCode);
        t.maxHop = Math.max(t.maxHop, e.hop);
        break;
      case "ticket.returned":
        t.returns += 1;
        break;
      case "ticket.extended":
        t.extensions += 1;
        break;
      case "ticket.supervised":
        t.supervisions += 1;
        break;
      case "ticket.reopened":
        t.reopens += 1;
        t.closedAtMs = null;
        break;
      case "ticket.closed":
      case "ticket.merged":
        t.closedAtMs = e.occurredAtMs;
        break;
      default:
        this.arm(e.ticketId, t);
        return;
    }
    this.arm(e.ticketId, t);
    this.pending.push(...this.evaluate(e.ticketId, t, e.occurredAtMs));
  }

  /** Queues an open ticket under its deadline (once per deadline), and keeps evict's bound below a closed one's. */
  private arm(id: string, t: TicketState): void {
    if (t.closedAtMs === null && t.deadlineMs !== null && t.queuedDeadlineMs !== t.deadlineMs) {
      t.queuedDeadlineMs = t.deadlineMs;
      this.deadlines.push(t.deadlineMs, { id, t });
    }
    if (t.closedAtMs !== null) this.nextEvictMs = Math.min(this.nextEvictMs, t.lastEventMs + this.config.retentionMs);
  }

  /** Flags tickets whose deadline passed by `watermarkMs` while open; returns every flag change since the last call. */
  advance(watermarkMs: number): TicketFlag[] {
    const due = new Map<TicketState, string>();
    while (this.deadlines.peekKey() < watermarkMs) {
      const { key, value } = this.deadlines.pop()!;
      const { id, t } = value;
      if (t.queuedDeadlineMs === key) t.queuedDeadlineMs = null; // the live entry: the next event queues the ticket again
      if (this.tickets.get(id) === t && t.closedAtMs === null && t.deadlineMs === key) due.set(t, id);
    }
    // each due ticket judged once, in arrival order, as a scan of all tickets would
    for (const [t, id] of [...due].sort(([a], [b]) => a.seq - b.seq)) this.checkDeadline(id, t, watermarkMs);
    const out = this.pending;
    this.pending = [];
    this.evict(watermarkMs);
    return out;
  }

  private checkDeadline(ticketId: string, t: TicketState, nowMs: number): void {
    const overdue = t.flags.get("overdue");
    if (t.closedAtMs === null && t.deadlineMs !== null && t.deadlineMs < nowMs && (overdue === undefined || overdue.status === "closed")) {
      this.pending.push(...this.evaluate(ticketId, t, t.deadlineMs));
    }
  }

  private evaluate(ticketId: string, t: TicketState, atMs: number): TicketFlag[] {
    const c = this.config;
    const departments = [...t.departments].sort();
    const wanted = new Map<FlagKind, { reason: string; sinceMs: number }>();
    const now = (reason: string) => ({ reason, sinceMs: atMs });
    if (t.maxHop >= c.maxHops || t.returns >= c.returnsThreshold) {
      wanted.set("ping_pong", now(`dispatched ${t.maxHop} hops with ${t.returns} returns between ${departments.join(", ")}`));
    }
    if (t.deadlineMs !== null && (t.closedAtMs ?? atMs) >= t.deadlineMs && (t.closedAtMs === null || t.closedAtMs > t.deadlineMs)) {
      const when = new Date(t.deadlineMs).toISOString();
      wanted.set("overdue", { reason: t.closedAtMs === null ? `open past its deadline ${when}` : `closed after its deadline ${when}`, sinceMs: t.deadlineMs });
    }
    if (t.extensions >= c.extensionsThreshold) wanted.set("repeated_extensions", now(`deadline extended ${t.extensions} times`));
    if (t.supervisions > 0) wanted.set("supervised", now(`supervised ${t.supervisions} time(s)`));
    if (t.reopens > 0) wanted.set("reopened", now(`reopened ${t.reopens} time(s)`));
    if (departments.length >= c.departmentsThreshold) wanted.set("multi_department", now(`handled by ${departments.length} departments: ${departments.join(", ")}`));

    const evidence = { hops: t.maxHop, returns: t.returns, extensions: t.extensions, supervisions: t.supervisions, reopens: t.reopens, departments };
    const closed = t.closedAtMs !== null;
    const out: TicketFlag[] = [];
    for (const [kind, { reason, sinceMs }] of wanted) {
      const known = t.flags.get(kind);
      if (known !== undefined && known.reason === reason && (known.status === "closed") === closed) continue;
      const status: TicketFlag["status"] = closed ? "closed" : known === undefined || known.status === "closed" ? "open" : "updated";
      const firstSeenMs = known?.firstSeenMs ?? sinceMs;
      t.flags.set(kind, { firstSeenMs, reason, status });
      out.push(this.flag(ticketId, t, kind, status, reason, firstSeenMs, atMs, evidence));
    }
    for (const [kind, known] of t.flags) {
      if (wanted.has(kind) || known.status === "closed") continue;
      t.flags.set(kind, { ...known, status: "closed" });
      out.push(this.flag(ticketId, t, kind, "closed", known.reason, known.firstSeenMs, atMs, evidence));
    }
    return out;
  }

  private flag(ticketId: string, t: TicketState, kind: FlagKind, status: TicketFlag["status"], reason: string, firstSeenMs: number, atMs: number, evidence: TicketFlag["evidence"]): TicketFlag {
    return {
      flagId: `${ticketId}:${kind}`,
      ticketId,
      kind,
      status,
      reason,
      categoryCode: t.categoryCode,
      districtCode: t.districtCode,
      departmentCode: t.departmentCode,
      firstSeenMs,
      lastUpdatedMs: atMs,
      evidence,
    };
  }

  /** Closed tickets quiet for the retention period leave memory; open ones stay until closed. */
  private evict(watermarkMs: number): void {
    if (watermarkMs <= this.nextEvictMs) return;
    let next = Infinity;
    for (const [id, t] of this.tickets) {
      if (t.closedAtMs === null) continue;
      if (watermarkMs - t.lastEventMs > this.config.retentionMs) this.tickets.delete(id);
      else next = Math.min(next, t.lastEventMs + this.config.retentionMs);
    }
    this.nextEvictMs = next;
  }

  get trackedTickets(): number {
    return this.tickets.size;
  }
}
