// Stages the labelled incidents of a simulation, each on lanes of its own, and returns how to read
// their labels (complete once the simulation has run to its end).
import type { Incident, IncidentLabel } from "./incidents.js";
import { stageAbusiveCaller, stageCollective, stageCrossChannel, stageRepeatChain } from "./stage-callers.js";
import { stageChronicHotspot, stageEmergingHotspot, stageSpike } from "./stage-flow.js";
import { Newcomers, type Desk } from "./stage-lanes.js";

export function stageIncidents(desk: Desk, incidents: readonly Incident[]): (() => IncidentLabel)[] {
  const ids = new Set<string>();
  for (const { id } of incidents) {
    if (typeof id !== "string" || id.length === 0) throw new RangeError("every incident needs a non-empty id");
    if (ids.has(id)) throw new RangeError(`incident id ${id} is used twice; ids must be unique`);
    ids.add(id);
  }
  const newcomers = new Newcomers(desk.world.callers);
  return incidents.map((incident): (() => IncidentLabel) => {
    switch (incident.kind) {
      case "spike":
        return stageSpike(desk, incident);
      case "emerging_hotspot":
        return stageEmergingHotspot(desk, incident);
      case "chronic_hotspot":
        return stageChronicHotspot(desk, incident);
      case "repeat_chain":
        return stageRepeatChain(desk, incident, newcomers);
      case "cross_channel_duplicate":
        return stageCrossChannel(desk, incident, newcomers);
      case "collective_complaint":
        return stageCollective(desk, incident, newcomers);
      case "abusive_caller":
        return stageAbusiveCaller(desk, incident, newcomers);
      default: {
        const unknown: never = incident;
        throw new RangeError(`unknown incident kind ${String((unknown as { kind?: unknown }).kind)}`);
      }
    }
  });
}
