// The detectors a worker runs, built from the configuration.
import type { Config } from "../config.js";
import type { Deriver } from "../pipeline/derive.js";
import { createTicketFlagsDeriver } from "./ticket-flags/deriver.js";
import { DEFAULT_TICKET_FLAGS_CONFIG } from "./ticket-flags/flags.js";

export function createDerivers(config: Config): Deriver[] {
  return [createTicketFlagsDeriver({ config: { ...DEFAULT_TICKET_FLAGS_CONFIG, ...config.detect.flags }, latenessMs: config.detect.latenessMs })];
}
