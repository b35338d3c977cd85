// Test support: a simulated city replayed by the real `hotline-sensor replay` command (the whole
// pipeline with every detector) into a chdb folder, then opened in this process, with the world
// whose hidden department behaviour is the truth to score against.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { openChdbStore } from "../../src/store/chdb.js";
import { buildWorld, simulate, type CitySize, type World } from "../../src/sources/simulator/index.js";
import type { Store } from "../../src/store/port.js";
import { tempDir } from "../support/store.js";
import { runCli, workerEnv } from "../support/worker.js";

export interface CityOptions {
  readonly seed: number;
  /** Local (Asia/Shanghai) date the simulation starts. */
  readonly start: string;
  readonly days: number;
  readonly size: CitySize;
}

export interface ReplayedCity {
  readonly store: Store;
  readonly world: World;
  readonly events: number;
}

export async function replayCity(options: CityOptions): Promise<ReplayedCity> {
  const startMs = Date.parse(`${options.start}T00:00:00+08:00`);
  const events = [...simulate({ seed: options.seed, startMs, days: options.days, size: options.size })];
  return { store: await replayEvents(events), world: buildWorld(options.seed, options.size), events: events.length };
}

/** Replays contract events (objects) with `hotline-sensor replay` into a fresh folder and opens its store. */
export async function replayEvents(events: readonly object[]): Promise<Store> {
  const dir = tempDir("performance");
  const file = path.join(dir, "events.ndjson");
  writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join("\n")}\n`);
  const data = path.join(dir, "data");
  await runCli(["replay", file, "--data", data], workerEnv({ HOTLINE_CALLER_HASH_KEY: "performance-test-key-0123456789", HOTLINE_LOG_LEVEL: "warn" }));
  // the CLI keeps the engine under <data>/chdb (src/wiring.ts)
  return openChdbStore({ dataDir: path.join(data, "chdb"), database: "hotline" });
}
