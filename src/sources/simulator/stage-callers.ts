// Incidents about who calls: repeat chains after false closures (办结≠解决), one caller through
// several channels (多头受理), many callers about one place (群体诉求), and an abusive caller.
import { Deferred } from "./agenda.js";
import { Series } from "./arrivals.js";
import { BURST_CHANNEL_MIX, CHANNEL_MIX, otherChannel, type Channel } from "./callers.js";
import type { CategoryLeaf } from "./categories.js";
import type { Street } from "./city.js";
import { DAY, HOUR, MINUTE, SECOND, localHour, toOfficeHours } from "./clock.js";
import type {
  AbusiveCallerIncident,
  AbusiveCallerLabel,
  CollectiveComplaintIncident,
  CollectiveComplaintLabel,
  CrossChannelDuplicateIncident,
  CrossChannelDuplicateLabel,
  RepeatChainIncident,
  RepeatChainLabel,
  TicketGroup,
} from "./incidents.js";
import type { TicketProcess } from "./lifecycle.js";
import { Rng, WeightedPicker, weightedKey } from "./random.js";
import { freshRequest, newIssue, type Request } from "./request.js";
import { RateArrivals } from "./stage-flow.js";
import { atSpot, count, IncidentLane, instant, lookup, positive, seasonalPicker, spotIn, spreadOf, summary, type Desk, type Newcomers } from "./stage-lanes.js";
import type { World } from "./world.js";

const ceilSecond = (ms: number) => Math.ceil(ms / SECOND) * SECOND;
/** Incident callers try again until they get through (their requests are the truth being labelled). */
const PERSISTENT = 8;
/** Where a caller files the copies of one request. */
const COPY_CHANNELS: readonly Channel[] = ["phone", "app", "wechat", "web", "mayor_mailbox", "leader_board", "sms"];

/** A moment in the spread, moved into waking hours (07–22). */
function wakingMoment(spread: { startMs: number; durationMs: number }, rng: Rng): number {
  return ceilSecond(toOfficeHours(spread.startMs + rng.next() * spread.durationMs, rng, 7, 22));
}

function groupOf(lane: IncidentLane, leaf: CategoryLeaf, communityCode: string): TicketGroup {
  const filed = lane.filed;
  return {
    categoryCode: leaf.code,
    communityCode,
    ticketIds: filed.map((f) => f.ticketId),
    channels: filed.map((f) => f.channel),
    closedMs: filed.map((f) => f.closedMs),
  };
}

interface Beat {
  readonly leaf: CategoryLeaf;
  readonly street: Street;
}

/** The complaints a department is the first to be dispatched (派单) for, street by street. */
function beatsOf(world: World, departmentCode: string, id: string): Beat[] {
  const department = lookup.department(world, departmentCode);
  const beats: Beat[] = [];
  for (const street of world.city.streets) {
    for (const leaf of world.categories) {
      if (leaf.outOfScope || leaf.requestType === "consultation") continue;
      if (world.departments.route(leaf, street)[0] === department) beats.push({ leaf, street });
    }
  }
  if (beats.length === 0) throw new RangeError(`${id}: ${departmentCode} is the first handler of no complaint; pick a street office (….street) or a district bureau`);
  return beats;
}

export function stageRepeatChain(desk: Desk, incident: RepeatChainIncident, newcomers: Newcomers): () => RepeatChainLabel {
  const { id } = incident;
  const beatAt = seasonalPicker(beatsOf(desk.world, incident.departmentCode, id), (beat) => beat.leaf);
  const spread = spreadOf(desk, incident, id);
  const length = incident.ticketsPerChain;
  if (length !== undefined && (!Number.isInteger(length) || length < 1)) throw new RangeError(`${id}: ticketsPerChain must be a whole number ≥ 1, got ${length}`);
  const rng = Rng.stream(desk.world.seed, `incident:${id}`);
  const chains = Array.from({ length: count(incident.count, `${id}: count`) }, (_, k) => {
    const lane = new IncidentLane(desk, `${id}#${k}`, PERSISTENT);
    const atMs = wakingMoment(spread, rng);
    const beat = beatAt(rng, atMs);
    const community = new WeightedPicker(beat.street.communities, (c) => c.weight).pick(rng);
    const tickets = length ?? rng.intBetween(2, 4);
    const caller = newcomers.take();
    lane.onSettled = (ticket) => {
      if (lane.filed.length < tickets) comeBackAfterClose(desk, lane, ticket);
    };
    desk.schedule(
      new Deferred(atMs, () => {
        const issue = newIssue(lane.rng, beat.leaf, community, "complaint");
        const channel: Channel = weightedKey(lane.rng, CHANNEL_MIX);
        desk.submit({ ...freshRequest(lane.rng, atMs, caller, channel, issue), falseClosure: true }, lane);
      }),
    );
    return { lane, leaf: beat.leaf, communityCode: community.code };
  });
  return () => ({
    kind: "repeat_chain",
    id,
    incident,
    ...summary(chains.map((c) => c.lane)),
    chains: chains.map((c) => groupOf(c.lane, c.leaf, c.communityCode)),
  });
}

/** The caller whose problem was closed but not solved files it again, days later. */
function comeBackAfterClose(desk: Desk, lane: IncidentLane, ticket: TicketProcess): void {
  const rng = lane.rng;
  const previous = ticket.request;
  const atMs = ceilSecond(ticket.closedMs + rng.between(0.5 * DAY, 4 * DAY));
  const channel = rng.chance(0.7) ? previous.channel : otherChannel(previous.channel, rng);
  const request: Request = { ...previous, atMs, channel, repeats: previous.repeats + 1, earlier: undefined, mergeChance: 0, attempt: 1 };
  desk.schedule(new Deferred(atMs, () => desk.submit(request, lane)));
}

export function stageCrossChannel(desk: Desk, incident: CrossChannelDuplicateIncident, newcomers: Newcomers): () => CrossChannelDuplicateLabel {
  const { id } = incident;
  const { world } = desk;
  const spread = spreadOf(desk, incident, id);
  const leafAt = seasonalPicker(
    world.categories.filter((leaf) => !leaf.outOfScope),
    (leaf) => leaf,
  );
  const places = new WeightedPicker(world.city.communities, (c) => c.weight);
  const rng = Rng.stream(world.seed, `incident:${id}`);
  const groups = Array.from({ length: count(incident.count, `${id}: count`) }, (_, k) => {
    const lane = new IncidentLane(desk, `${id}#${k}`, PERSISTENT);
    const firstMs = wakingMoment(spread, rng);
    const leaf = leafAt(rng, firstMs);
    const community = places.pick(rng);
    const copies = rng.intBetween(2, 4);
    const first: Channel = weightedKey(rng, CHANNEL_MIX);
    const channels = [first, ...rng.shuffle(COPY_CHANNELS.filter((c) => c !== first)).slice(0, copies - 1)];
    const later = channels.slice(1).map(() => ceilSecond(firstMs + rng.between(10 * MINUTE, 20 * HOUR)));
    const caller = newcomers.take();
    let original: Request | undefined;
    desk.schedule(
      new Series([firstMs, ...later.sort((a, b) => a - b)], (atMs, index) => {
        const channel = channels[index] ?? first;
        if (original === undefined) {
          original = freshRequest(lane.rng, atMs, caller, channel, newIssue(lane.rng, leaf, community));
          desk.submit(original, lane);
        } else {
          desk.submit({ ...original, atMs, channel, earlier: lane.first, mergeChance: 0.3 }, lane);
        }
      }),
    );
    return { lane, leaf, communityCode: community.code };
  });
  return () => ({
    kind: "cross_channel_duplicate",
    id,
    incident,
    ...summary(groups.map((g) => g.lane)),
    groups: groups.map((g) => groupOf(g.lane, g.leaf, g.communityCode)),
  });
}

export function stageCollective(desk: Desk, incident: CollectiveComplaintIncident, newcomers: Newcomers): () => CollectiveComplaintLabel {
  const { id } = incident;
  const community = lookup.community(desk.world, incident.communityCode);
  const leaves = lookup.leaves(desk.world, incident.categoryCode);
  const lane = new IncidentLane(desk, id, PERSISTENT);
  const rng = lane.rng;
  const startMs = Math.max(desk.startMs, instant(incident.startMs, `${id}: startMs`));
  const leaf = seasonalPicker(leaves, (l) => l)(rng, startMs);
  const spot = spotIn(community, rng);
  const spanMs = positive(incident.spanMs ?? rng.between(1, 6) * HOUR, `${id}: spanMs`);
  const callers = Array.from({ length: count(incident.callers, `${id}: callers`) }, () => newcomers.take());
  // Most call early, the rest trail off, as word spreads.
  const moments = callers.map(() => ceilSecond(startMs + spanMs * rng.next() ** 1.5)).sort((a, b) => a - b);
  desk.schedule(
    new Series(moments, (atMs, index) => {
      const caller = callers[index];
      if (caller === undefined) return;
      const channel: Channel = weightedKey(rng, BURST_CHANNEL_MIX);
      const issue = atSpot(newIssue(rng, leaf, community), spot, rng);
      desk.submit({ ...freshRequest(rng, atMs, caller, channel, issue), earlier: lane.first, mergeChance: 0.3 }, lane);
    }),
  );
  return () => ({ kind: "collective_complaint", id, incident, ...summary([lane]), leafCode: leaf.code, spot });
}

export function stageAbusiveCaller(desk: Desk, incident: AbusiveCallerIncident, newcomers: Newcomers): () => AbusiveCallerLabel {
  const { id } = incident;
  const { world } = desk;
  // Each call is one of theirs: they do not redial an unanswered one, they just call again later.
  const lane = new IncidentLane(desk, id, 1);
  const rng = lane.rng;
  const startMs = Math.max(desk.startMs, instant(incident.startMs, `${id}: startMs`));
  const endMs = startMs + positive(incident.durationMs, `${id}: durationMs`);
  const perDay = positive(incident.callsPerDay, `${id}: callsPerDay`);
  const caller = newcomers.take();
  const community = new WeightedPicker(world.city.communities, (c) => c.weight).pick(rng);
  const inScope = world.categories.filter((leaf) => !leaf.outOfScope);
  const favourites = [rng.pick(inScope), rng.pick(inScope), ...world.categories.filter((leaf) => leaf.outOfScope)];
  const grievance = favourites[0] ?? rng.pick(inScope);
  const stock = incident.identicalText
    ? { ...newIssue(rng, grievance, community, "complaint"), body: `${community.name}${grievance.issue}，我已经反映过很多次了，必须给我一个说法！` }
    : undefined;
  // callsPerDay over the waking hours (07–23), none at night.
  const perHour = (ms: number) => (localHour(ms) >= 7 && localHour(ms) < 23 ? perDay / 16 : 0);
  const calls = new RateArrivals(startMs, Math.min(endMs, desk.endMs), perHour, rng, (atMs) => {
    const issue = stock ?? newIssue(rng, rng.pick(favourites), community);
    const channel: Channel = stock !== undefined || rng.chance(0.75) ? "phone" : "web";
    desk.submit(freshRequest(rng, atMs, caller, channel, issue), lane);
  });
  desk.schedule(calls);
  return () => ({ kind: "abusive_caller", id, incident, ...summary([lane]), callIds: [...lane.callIds], expectedCalls: calls.expected });
}
