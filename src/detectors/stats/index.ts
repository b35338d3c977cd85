// Shared statistics for the detectors and the baselines they are benchmarked against.
export * from "./describe.js";
export * from "./distributions.js";
export { earsC1, earsC2, earsC3, type BaselineVerdict, type EarsOptions, type EarsVerdict } from "./ears.js";
export { essenceSwitch, type EssenceOptions, type EssenceVerdict } from "./essence.js";
export { mulberry32, poissonDraw } from "./random.js";
