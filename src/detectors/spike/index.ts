// The spike (突增) detector's public surface.
export { SpikeDetector, type SpikeDetectorStats } from "./detector.js";
export { DEFAULT_SPIKE_CONFIG, spikeConfig, spikeThresholds, type SpikeConfig, type SpikeThresholds } from "./config.js";
export type { Resolution, SpikeScore, SpikeSeriesKey, SpikeStatus, SpikeTrigger, SpikeUpdate, TicketObservation } from "./types.js";
