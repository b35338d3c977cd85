// The detectors a worker runs, built from the configuration.
import type { Config } from "../config.js";
import type { Deriver } from "../pipeline/derive.js";
import { createCallerFlagsDeriver } from "./abuse/deriver.js";
import { DEFAULT_CALLER_FLAGS_CONFIG } from "./abuse/caller-flags.js";
import { createHotspotDeriver } from "./hotspot/deriver.js";
import { DEFAULT_HOTSPOT_CONFIG } from "./hotspot/hotspots.js";
import { createPhraseDeriver } from "./phrase/deriver.js";
import { DEFAULT_PHRASE_CONFIG } from "./phrase/phrases.js";
import { createRepeatDeriver } from "./repeat/deriver.js";
import { createSpikeDeriver } from "./spike/deriver.js";
import { DEFAULT_REPEAT_CONFIG } from "./repeat/repeats.js";
import { createTicketFlagsDeriver } from "./ticket-flags/deriver.js";
import { DEFAULT_TICKET_FLAGS_CONFIG } from "./ticket-flags/flags.js";

export function createDerivers(config: Config): Deriver[] {
  const { latenessMs, hotspots } = config.detect;
  return [
    createSpikeDeriver({ timeZone: config.timezone, latenessMs, ...config.detect.spikes }),
    createTicketFlagsDeriver({ config: { ...DEFAULT_TICKET_FLAGS_CONFIG, ...config.detect.flags }, latenessMs }),
    createRepeatDeriver({ config: { ...DEFAULT_REPEAT_CONFIG, ...config.detect.repeats }, latenessMs }),
    createCallerFlagsDeriver({ config: { ...DEFAULT_CALLER_FLAGS_CONFIG, ...config.detect.callers }, latenessMs }),
    createHotspotDeriver({
      config: { ...DEFAULT_HOTSPOT_CONFIG, recentDays: hotspots.recentDays, baselineDays: hotspots.baselineDays, chronicTop: hotspots.chronicTop },
      timeZone: config.timezone,
      latenessMs,
      h3Resolution: hotspots.h3Resolution,
    }),
    createPhraseDeriver({ config: { ...DEFAULT_PHRASE_CONFIG, ...config.detect.phrases }, timeZone: config.timezone }),
  ];
}
