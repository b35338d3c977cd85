// One ticket's lifecycle (工单流转) as a small state machine on the agenda: created → dispatched
// (hop 1) → maybe returned and re-dispatched (hop + 1) → accepted → responded → maybe extended or
// supervised → closed → maybe a callback → maybe reopened and handled again; or merged (并单).
// Each phase is planned when the previous one has been emitted, so an open ticket holds a few
// steps, never its whole future.
import { ticketDraft, type Agenda, type Draft, type Planned } from "./agenda.js";
import { contractCaller } from "./callers.js";
import { SLA_TIERS, type SlaTerms } from "./categories.js";
import { DAY, HOUR, MINUTE, isoLocal, localHour, roundToSecond } from "./clock.js";
import type { Department, DepartmentDirectory } from "./departments.js";
import * as handling from "./handling.js";
import type { Rng } from "./random.js";
import type { Request, TicketHandle } from "./request.js";
import { planCallback, planReopen, WATCHED_CHANNELS } from "./survey.js";
import * as text from "./text.js";

export interface TicketContext {
  readonly rng: Rng;
  readonly directory: DepartmentDirectory;
  /** The ticket is closed for good (not reopened): the caller may come back if it was not solved. */
  settled(ticket: TicketProcess): void;
}

type Phase = "dispatch" | "redispatch" | "accept" | "handle" | "afterClose" | "done";

export class TicketProcess implements Agenda, TicketHandle {
  atMs: number;
  order = 0;
  /** The hidden truth after the latest closing: was the problem really solved? */
  solved = false;
  merged = false;
  /** When the latest closing happened (or is planned). */
  closedMs = Infinity;
  private steps: Planned[] = [];
  private index = 0;
  private cursor: number;
  private phase: Phase = "done";
  private hop = 0;
  private readonly tried: Department[] = [];
  private department: Department | undefined;
  private closeBy: number;
  private extensions = 0;
  private rounds = 0;
  private resolution: text.Resolution = "resolved";
  /** The latest span the ticket is open: from creation or reopening until closing or merging. */
  private openFrom: number;
  private openUntil = Infinity;
  private readonly terms: SlaTerms;
  private readonly anonymous: boolean;

  constructor(
    private readonly ctx: TicketContext,
    readonly request: Request,
    readonly ticketId: string,
    createdMs: number,
  ) {
    const created = roundToSecond(createdMs);
    this.cursor = created;
    this.terms = SLA_TIERS[request.urgency === "emergency" ? "emergency" : request.issue.leaf.tier];
    this.closeBy = created + this.terms.closeMs;
    this.openFrom = created;
    const caller = contractCaller(request.caller, request.channel, ctx.rng);
    this.anonymous = "anonymous" in caller;
    this.intake(created, caller);
    this.atMs = this.steps[0]?.atMs ?? Infinity;
  }

  /** Asked about now or later only, so the latest open span is all it needs to know. */
  isOpenAt(ms: number): boolean {
    return ms >= this.openFrom && ms < this.openUntil;
  }

  fire(): Draft | null {
    const step = this.steps[this.index++];
    while (this.index >= this.steps.length && this.phase !== "done") {
      this.planPhase();
      // An open ticket waits days between phases: keep only as much array as its few steps need.
      this.steps = this.steps.slice();
    }
    this.atMs = this.steps[this.index]?.atMs ?? Infinity;
    return step?.draft ?? null;
  }

  private planPhase(): void {
    this.steps = [];
    this.index = 0;
    const phase = this.phase;
    this.phase = "done";
    switch (phase) {
      case "dispatch":
        return this.dispatch();
      case "redispatch":
        return this.redispatch();
      case "accept":
        return this.accept();
      case "handle":
        return this.handle();
      case "afterClose":
        return this.afterClose();
      case "done":
        return;
      default: {
        const unreachable: never = phase;
        throw new Error(`unknown phase ${String(unreachable)}`);
      }
    }
  }

  /** Adds a step no earlier than the previous one, on a whole second. */
  private add(atMs: number, draft: Draft): void {
    this.cursor = Math.max(this.cursor, roundToSecond(atMs));
    this.steps.push({ atMs: this.cursor, draft });
  }

  private get rng(): Rng {
    return this.ctx.rng;
  }

  private intake(created: number, caller: ReturnType<typeof contractCaller>): void {
    const { issue, channel, urgency } = this.request;
    const body = text.composeText(channel, issue.body, text.contactClause(this.rng, this.request.caller), this.request.repeats);
    const sla = {
      accept_by: isoLocal(created + this.terms.acceptMs),
      respond_by: isoLocal(created + this.terms.respondMs),
      close_by: isoLocal(this.closeBy),
    };
    const data = {
      channel,
      request_type: issue.requestType,
      category: issue.leaf.category,
      caller,
      location: issue.location,
      title: issue.title,
      text: body,
      urgency,
      sla,
    };
    this.add(created, ticketDraft("ticket.created", this.ticketId, data));
    const earlier = this.request.earlier;
    const mergeAt = created + this.rng.between(10 * MINUTE, 3 * HOUR);
    if (earlier !== undefined && earlier.isOpenAt(mergeAt) && this.rng.chance(this.request.mergeChance)) {
      this.add(mergeAt, ticketDraft("ticket.merged", this.ticketId, { into_ticket_id: earlier.ticketId }));
      this.merged = true;
      this.closeSpan(this.cursor);
      return;
    }
    const consultation = issue.requestType === "consultation" && this.rng.chance(0.65);
    if (issue.leaf.outOfScope || consultation) return this.answerDirectly();
    this.phase = "dispatch";
  }

  /** 直办: the centre answers a consultation or an out-of-scope request itself. */
  private answerDirectly(): void {
    const centre = this.ctx.directory.centre;
    const outOfScope = this.request.issue.leaf.outOfScope;
    this.solved = !outOfScope && this.rng.chance(0.92);
    this.resolution = outOfScope ? "out_of_scope" : "explained";
    this.close(this.cursor + this.rng.logNormal(20 * MINUTE, 0.8), centre);
  }

  private dispatch(): void {
    const { issue, urgency } = this.request;
    const route = this.ctx.directory.route(issue.leaf, issue.community.street);
    const from = this.department;
    const department = from === undefined ? (route[0] ?? this.ctx.directory.centre) : handling.nextDepartment(route, this.tried, from, this.rng);
    this.tried.push(department);
    const at = this.sendTo(department, from);
    if (this.request.falseClosure === undefined && handling.returnsTicket(department, this.hop, route.length, this.rng)) {
      const returnedAt = handling.onDuty(at + handling.returnDelay(department, this.rng), urgency, this.rng);
      const data = { department: department.ref, hop: this.hop, reason: text.returnReason(this.rng) };
      this.add(returnedAt, ticketDraft("ticket.returned", this.ticketId, data));
      this.phase = "dispatch";
    } else {
      this.phase = "accept";
    }
  }

  /** After a reopening (重办) the same department gets the ticket again, one hop further. */
  private redispatch(): void {
    const department = this.department ?? this.ctx.directory.centre;
    this.sendTo(department, undefined);
    this.phase = "accept";
  }

  private sendTo(department: Department, from: Department | undefined): number {
    this.hop++;
    this.department = department;
    const at = roundToSecond(handling.dispatchDelay(this.cursor, this.request.urgency, localHour(this.cursor), this.rng));
    if (this.hop > 1) this.closeBy = at + this.terms.closeMs;
    const data = {
      department: department.ref,
      hop: this.hop,
      ...(from === undefined ? {} : { from_department: from.ref }),
      accept_by: isoLocal(at + this.terms.acceptMs),
      close_by: isoLocal(this.closeBy),
    };
    this.add(at, ticketDraft("ticket.dispatched", this.ticketId, data));
    return this.cursor;
  }

  private accept(): void {
    const department = this.department ?? this.ctx.directory.centre;
    const { urgency, channel, repeats } = this.request;
    const ref = department.ref;
    const acceptedAt = handling.onDuty(this.cursor + handling.acceptDelay(department, this.terms, this.rng), urgency, this.rng);
    this.add(acceptedAt, ticketDraft("ticket.accepted", this.ticketId, { department: ref }));
    const respondedAt = handling.onDuty(this.cursor + handling.respondDelay(department, this.terms, this.rng), urgency, this.rng);
    const method = handling.responseMethod(urgency, this.rng);
    this.add(respondedAt, ticketDraft("ticket.responded", this.ticketId, { department: ref, method }));
    if (repeats >= 2 && this.rng.chance(0.6)) {
      this.supervise(this.cursor + this.rng.between(HOUR, DAY), "escalation", "同一诉求多次反映仍未解决，列入重点督办。");
    } else if (WATCHED_CHANNELS.has(channel) && this.rng.chance(0.5)) {
      this.supervise(this.cursor + this.rng.between(HOUR, DAY), "supervision", "领导关注诉求，请加快办理并及时反馈。");
    } else if (this.rounds > 0 && this.rng.chance(0.35)) {
      this.supervise(this.cursor + this.rng.between(HOUR, DAY), "supervision", "重办工单，请切实解决群众诉求。");
    }
    this.phase = "handle";
  }

  private supervise(atMs: number, level: handling.SupervisionLevel, reason: string): void {
    const by = handling.supervisor(level, this.request.issue.community.street.district.name);
    const department = this.department?.ref;
    const data = { by, level, reason, ...(department === undefined ? {} : { department }) };
    this.add(atMs, ticketDraft("ticket.supervised", this.ticketId, data));
  }

  private handle(): void {
    const department = this.department ?? this.ctx.directory.centre;
    // A false closure is a quick one: the department ticks it off rather than works on it.
    const rushed = this.request.falseClosure === true ? 0.3 : 1;
    const closeAt = handling.onDuty(this.cursor + rushed * handling.handlingTime(department, this.terms, this.rng), this.request.urgency, this.rng);
    while (closeAt > this.closeBy && this.extensions < 3 && this.rng.chance(department.behaviour.extensionRate)) {
      const askAt = this.closeBy - this.rng.between(2 * HOUR, DAY);
      this.extensions++;
      this.closeBy += this.terms.extendMs;
      const data = { department: department.ref, extension: this.extensions, new_close_by: isoLocal(this.closeBy), reason: text.extensionReason(this.rng) };
      this.add(askAt, ticketDraft("ticket.extended", this.ticketId, data));
    }
    if (closeAt > this.closeBy && this.rng.chance(0.65)) {
      const overdue = closeAt - this.closeBy;
      const remindAt = this.closeBy + Math.min(12 * HOUR, overdue * this.rng.between(0.05, 0.6));
      this.supervise(remindAt, "reminder", "工单已超期未办结，请尽快办理。");
      if (overdue > 3 * DAY && this.rng.chance(0.5)) this.supervise(this.closeBy + 3 * DAY, "supervision", "超期三天以上，列入督办。");
    }
    const { leaf, requestType } = this.request.issue;
    if (this.request.falseClosure === true) {
      this.solved = false;
      this.resolution = "resolved";
    } else {
      this.solved = handling.reallySolves(department, leaf, this.rounds, this.rng);
      this.resolution = handling.declaredResolution(department, leaf, this.solved, requestType === "consultation", this.rng);
    }
    this.close(closeAt, department);
  }

  private close(atMs: number, department: Department): void {
    const summary = text.closingSummary(this.rng, this.resolution, department.name, text.staffPhone(this.rng));
    const data = { department: department.ref, resolution: this.resolution, summary };
    this.add(atMs, ticketDraft("ticket.closed", this.ticketId, data));
    this.closedMs = this.cursor;
    this.closeSpan(this.cursor);
    this.rounds++;
    this.phase = "afterClose";
  }

  private afterClose(): void {
    const callback = planCallback(this.rng, this.closedMs, this.solved, this.resolution, this.anonymous);
    if (callback !== undefined) {
      const comment = text.callbackComment(this.rng, callback.result, this.request.caller);
      const answer = callback.resolved === undefined ? {} : { resolved: callback.resolved };
      const data = { result: callback.result, method: callback.method, comment, ...answer };
      this.add(callback.atMs, ticketDraft("ticket.callback", this.ticketId, data));
    }
    const reopenable = this.rounds < 3 && this.resolution !== "out_of_scope";
    const reopen = reopenable ? planReopen(this.rng, this.closedMs, this.solved, callback) : undefined;
    if (reopen === undefined) return this.ctx.settled(this);
    this.add(reopen.atMs, ticketDraft("ticket.reopened", this.ticketId, { reason: text.REOPEN_REASONS[reopen.by], by: reopen.by }));
    this.openFrom = this.cursor;
    this.openUntil = Infinity;
    this.closedMs = Infinity;
    this.phase = this.department === undefined ? "dispatch" : "redispatch";
  }

  private closeSpan(atMs: number): void {
    this.openUntil = atMs;
  }
}
