// The simulator: plays a city's 12345 upstream systems (the ticketing system and the call centre)
// and yields their contract events in time order, lazily, for as many days as asked (Infinity
// too). Deterministic: the same options give byte-identical events.
import type { HotlineEvent } from "../../contract/event.js";
import { AgendaQueue, Deferred, Timeline, type Agenda, type Draft } from "./agenda.js";
import { Arrivals, checkHolidays, Habit, Series, type ArrivalSink, type Holiday } from "./arrivals.js";
import { callEvents, CallCentre, queueFor, ticketCreatedAt } from "./calls.js";
import { BURST_CHANNEL_MIX, CHANNEL_MIX, returnAfterClose, returnsWhileOpen, type Channel, type FrequentCaller, type ReturnVisit } from "./callers.js";
import { seasonalWeight, type CategoryLeaf } from "./categories.js";
import type { CitySize, Community } from "./city.js";
import { DailySequence, DAY, HOUR, isoLocal, MINUTE, SECOND, seasonOf, type SeasonName } from "./clock.js";
import { TicketProcess } from "./lifecycle.js";
import type { Incident, IncidentLabel } from "./incidents.js";
import { Rng, WeightedPicker, weightedKey } from "./random.js";
import { freshRequest, newIssue, type Request, type TicketHandle } from "./request.js";
import type { Desk, Lane } from "./stage-lanes.js";
import { stageIncidents } from "./stage.js";
import { buildWorld, type World } from "./world.js";

export interface SimulationOptions {
  /** An integer in [0, 2^32): the same seed replays the same city and the same events. */
  seed: number;
  /** Epoch ms where the simulated time begins. */
  startMs: number;
  /** How many days of events; Infinity for an endless stream. */
  days: number;
  size: CitySize;
  /** `source_system` of every event; by default `sim-gongdan` (tickets) and `sim-acd` (calls). */
  sourceSystem?: string;
  /** Labelled incidents staged on top of the everyday flow (none by default); see `simulateWithLabels`. */
  incidents?: readonly Incident[];
  /** Public holidays (节假日) with lower volume: new requests and bursts scaled by their factor (none by default). */
  holidays?: readonly Holiday[];
}

/** An event with its time as epoch ms (what a realtime source paces by). */
export interface TimedEvent {
  readonly atMs: number;
  readonly event: HotlineEvent;
}

const ceilSecond = (ms: number) => Math.ceil(ms / SECOND) * SECOND;

/** The city's everyday flow is its own lane (see Lane); staged incidents run on lanes of their own. */
class Simulation implements ArrivalSink, Lane, Desk {
  readonly rng: Rng;
  private readonly queue = new AgendaQueue();
  private readonly arrivals: Arrivals;
  private readonly callCentre: CallCentre;
  private readonly ticketIds = new DailySequence("T", 6);
  private readonly callIds = new DailySequence("C", 7);
  private readonly communities: WeightedPicker<Community>;
  private readonly leavesBySeason = new Map<SeasonName, WeightedPicker<CategoryLeaf>>();
  private readonly burstsBySeason = new Map<SeasonName, WeightedPicker<CategoryLeaf> | undefined>();
  private readonly labelled: (() => IncidentLabel)[];

  constructor(
    readonly world: World,
    readonly startMs: number,
    readonly endMs: number,
    incidents: readonly Incident[],
    holidays: readonly Holiday[],
  ) {
    this.rng = Rng.stream(world.seed, "dynamics");
    this.communities = new WeightedPicker(world.city.communities, (c) => c.weight);
    this.callCentre = new CallCentre(world.profile);
    this.arrivals = new Arrivals(ceilSecond(startMs), world.profile, this.rng, this, holidays);
    this.queue.push(this.arrivals);
    for (const caller of world.frequentCallers) {
      this.queue.push(new Habit(ceilSecond(startMs), caller.perDay, this.rng, (atMs) => this.frequentCall(caller, atMs)));
    }
    this.labelled = stageIncidents(this, incidents);
  }

  labels(): IncidentLabel[] {
    return this.labelled.map((label) => label());
  }

  schedule(item: Agenda): void {
    if (item.atMs !== Infinity) this.queue.push(item);
  }

  get directory(): World["departments"] {
    return this.world.departments;
  }

  /** When the draft `next` returned last happens. */
  lastAtMs = Number.NaN;

  /** The next event (its envelope still blank) before `endMs`, or undefined when there is none. */
  next(endMs: number): Draft | undefined {
    for (;;) {
      const item = this.queue.pop();
      if (item === undefined || item.atMs >= endMs) return undefined;
      const atMs = item.atMs;
      const draft = item.fire();
      if (item.atMs !== Infinity) this.queue.push(item);
      if (draft !== null) {
        this.lastAtMs = atMs;
        return draft;
      }
    }
  }

  fresh(atMs: number): void {
    const community = this.communities.pick(this.rng);
    const leaf = this.leafFor(community, atMs);
    const channel: Channel = weightedKey(this.rng, CHANNEL_MIX);
    const caller = this.world.callers.identity(this.world.callers.randomIndex(this.rng));
    this.submit(freshRequest(this.rng, atMs, caller, channel, newIssue(this.rng, leaf, community)));
  }

  consultation(atMs: number): void {
    const caller = this.world.callers.identity(this.world.callers.randomIndex(this.rng));
    const call = this.callCentre.handle(atMs, queueFor(undefined, this.rng), false, this.arrivals.load, this.rng);
    this.queue.push(new Timeline(callEvents(this.callIds.next(call.offeredMs), call, caller, undefined, this.rng)));
  }

  /** 群体诉求: many different people about one place and issue within hours. */
  burst(atMs: number): void {
    const leaf = this.burstLeaves(seasonOf(atMs))?.pick(this.rng);
    if (leaf === undefined) return;
    const community = this.communities.pick(this.rng);
    const count = Math.max(3, Math.round(this.rng.logNormal(1.2 * this.world.profile.ticketsPerDay ** 0.3, 0.5)));
    const spanMs = this.rng.between(1, 8) * HOUR;
    const moments = Array.from({ length: count }, () => ceilSecond(atMs + spanMs * this.rng.next() ** 1.5)).sort((a, b) => a - b);
    let first: TicketHandle | undefined;
    this.queue.push(
      new Series(moments, (t) => {
        const caller = this.world.callers.identity(this.world.callers.randomIndex(this.rng));
        const channel: Channel = weightedKey(this.rng, BURST_CHANNEL_MIX);
        const request = freshRequest(this.rng, t, caller, channel, newIssue(this.rng, leaf, community));
        const ticket = this.submit({ ...request, earlier: first, mergeChance: 0.3 });
        first ??= ticket;
      }),
    );
  }

  settled(ticket: TicketProcess): void {
    const { request } = ticket;
    if (request.repeats >= 4) return;
    const visit = returnAfterClose(ticket.closedMs, ticket.solved, request.repeats, request.channel, this.rng);
    if (visit !== undefined) this.comeBack(ticket, visit);
  }

  opened(ticket: TicketProcess, createdMs: number): void {
    const { request } = ticket;
    if (ticket.merged || request.repeats >= 3) return;
    const first = this.directory.route(request.issue.leaf, request.issue.community.street)[0];
    const slowness = (first?.behaviour.speed ?? 1) * (request.issue.leaf.tier === "complex" ? 1.5 : 1);
    for (const visit of returnsWhileOpen(createdMs, request.channel, slowness, this.rng)) this.comeBack(ticket, visit);
  }

  called(): void {}

  redials(request: Request): boolean {
    return request.attempt < 3 && this.rng.chance(0.6);
  }

  private frequentCall(caller: FrequentCaller, atMs: number): void {
    const leaf = this.rng.pick(caller.favourites);
    const issue = newIssue(this.rng, leaf, caller.community);
    const stock = caller.stockText !== undefined && this.rng.chance(0.7) ? { ...issue, body: caller.stockText } : issue;
    this.submit(freshRequest(this.rng, atMs, caller.identity, this.rng.chance(0.75) ? "phone" : "web", stock));
  }

  submit(request: Request, lane: Lane = this): TicketHandle | undefined {
    return request.channel === "phone" ? this.call(request, lane) : this.openTicket(request, request.atMs, lane);
  }

  /** A phone request: the call, and the ticket the agent registers if it is answered. */
  private call(request: Request, lane: Lane): TicketProcess | undefined {
    const rng = lane.rng;
    const call = this.callCentre.handle(request.atMs, queueFor(request.issue.leaf, rng), true, this.arrivals.load, rng);
    const ticket = call.answered ? this.openTicket(request, ticketCreatedAt(call, rng), lane) : undefined;
    const callId = this.callIds.next(call.offeredMs);
    this.queue.push(new Timeline(callEvents(callId, call, request.caller, ticket?.ticketId, rng)));
    lane.called(callId, call.offeredMs);
    if (!call.answered && lane.redials(request)) {
      const atMs = ceilSecond(call.endedMs + rng.between(30 * SECOND, 20 * MINUTE));
      this.queue.push(new Deferred(atMs, () => this.submit({ ...request, atMs, attempt: request.attempt + 1 }, lane)));
    }
    return ticket;
  }

  private openTicket(request: Request, createdMs: number, lane: Lane): TicketProcess {
    const ticket = new TicketProcess(lane, request, this.ticketIds.next(createdMs), createdMs);
    this.queue.push(ticket);
    lane.opened(ticket, createdMs);
    return ticket;
  }

  /** The same caller about the same issue again: chasing, through another channel, or after closing. */
  private comeBack(ticket: TicketProcess, visit: ReturnVisit): void {
    const previous = ticket.request;
    const atMs = ceilSecond(visit.atMs);
    const request: Request = {
      ...previous,
      atMs,
      channel: visit.channel,
      repeats: previous.repeats + (visit.reason === "other_channel" ? 0 : 1),
      earlier: visit.reason === "after_close" ? undefined : ticket,
      mergeChance: visit.reason === "chase" ? 0.6 : 0.5,
      attempt: 1,
    };
    this.queue.push(new Deferred(atMs, () => this.submit(request)));
  }

  private leafFor(community: Community, atMs: number): CategoryLeaf {
    const season = seasonOf(atMs);
    for (const chronic of community.chronic) {
      if (seasonalWeight(chronic.leaf, season) > 0 && this.rng.chance(chronic.share)) return chronic.leaf;
    }
    let picker = this.leavesBySeason.get(season);
    if (picker === undefined) {
      picker = new WeightedPicker(this.world.categories, (leaf) => seasonalWeight(leaf, season));
      this.leavesBySeason.set(season, picker);
    }
    return picker.pick(this.rng);
  }

  private burstLeaves(season: SeasonName): WeightedPicker<CategoryLeaf> | undefined {
    if (!this.burstsBySeason.has(season)) {
      const leaves = this.world.categories.filter((leaf) => leaf.bursts && seasonalWeight(leaf, season) > 0);
      this.burstsBySeason.set(season, leaves.length === 0 ? undefined : new WeightedPicker(leaves, (leaf) => seasonalWeight(leaf, season)));
    }
    return this.burstsBySeason.get(season);
  }
}

function validate(options: SimulationOptions): void {
  const { seed, startMs, days, size, sourceSystem } = options;
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
  if (!Number.isFinite(startMs)) throw new RangeError(`startMs must be a finite epoch ms, got ${startMs}`);
  if (!(days > 0)) throw new RangeError(`days must be positive (or Infinity), got ${days}`);
  if (!["small", "medium", "large"].includes(size)) throw new RangeError(`size must be small, medium or large, got ${String(size)}`);
  if (sourceSystem !== undefined && (sourceSystem.length < 1 || sourceSystem.length > 64)) {
    throw new RangeError("sourceSystem must be 1 to 64 characters");
  }
  checkHolidays(options.holidays ?? []);
}

/** A pull stream over the simulation, what the generators and the Source read. */
export interface EventStream {
  /** The next event, or undefined once the simulated days are over. */
  next(): HotlineEvent | undefined;
  /** Epoch ms of the event `next` returned last. */
  readonly atMs: number;
  /** The labels of the staged incidents so far: complete once `next` has returned undefined. */
  labels(): IncidentLabel[];
}

export function openSimulation(options: SimulationOptions): EventStream {
  validate(options);
  const endMs = options.startMs + options.days * DAY;
  const simulation = new Simulation(buildWorld(options.seed, options.size), options.startMs, endMs, options.incidents ?? [], options.holidays ?? []);
  const ticketSystem = options.sourceSystem ?? "sim-gongdan";
  const callSystem = options.sourceSystem ?? "sim-acd";
  const idPrefix = `sim-${options.seed}-`;
  let seq = 0;
  return {
    get atMs() {
      return simulation.lastAtMs;
    },
    labels: () => simulation.labels(),
    next() {
      const event = simulation.next(endMs);
      if (event === undefined) return undefined;
      event.event_id = `${idPrefix}${String(seq++).padStart(10, "0")}`;
      event.occurred_at = isoLocal(simulation.lastAtMs);
      event.source_system = "ticket_id" in event ? ticketSystem : callSystem;
      return event;
    },
  };
}

/** The simulated city's contract events, in non-decreasing `occurred_at` order. */
export function* simulate(options: SimulationOptions): Generator<HotlineEvent, void, undefined> {
  const stream = openSimulation(options);
  for (let event = stream.next(); event !== undefined; event = stream.next()) yield event;
}

/** The same events with their time as epoch ms. */
export function* simulateTimed(options: SimulationOptions): Generator<TimedEvent, void, undefined> {
  const stream = openSimulation(options);
  for (let event = stream.next(); event !== undefined; event = stream.next()) yield { atMs: stream.atMs, event };
}

/** A simulation with labelled incidents: its events, and the ground truth of what each incident produced. */
export interface LabelledSimulation {
  readonly events: Generator<HotlineEvent, void, undefined>;
  /** One label per incident, in the order given; complete once `events` is exhausted. */
  labels(): IncidentLabel[];
}

/** The events with `options.incidents` staged in them, and their labels. Throws a RangeError on an incident it cannot stage. */
export function simulateWithLabels(options: SimulationOptions): LabelledSimulation {
  const stream = openSimulation(options);
  function* events(): Generator<HotlineEvent, void, undefined> {
    for (let event = stream.next(); event !== undefined; event = stream.next()) yield event;
  }
  return { events: events(), labels: () => stream.labels() };
}
