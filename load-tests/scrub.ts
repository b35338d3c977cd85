// What scrubbing costs per event: normalise (hashing, and scrubText over every caller-controlled
// string) and scrubText alone over every string, on the events of a simulated city.
// `tsx load-tests/scrub.ts [--days N] [--rounds N] [--src DIR]`; --src measures another copy of src/
// (e.g. an older commit's, from `git archive <commit> src | tar -x -C DIR`) on the same events.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { simulate } from "../src/sources/simulator/simulate.js";
import type { HotlineEvent } from "../src/contract/event.js";

const { values } = parseArgs({ options: { days: { type: "string", default: "7" }, rounds: { type: "string", default: "9" }, src: { type: "string" } } });
const src = values.src === undefined ? new URL("../src/", import.meta.url).href : pathToFileURL(`${path.resolve(values.src)}/`).href;
const personal = (await import(`${src}contract/personal-data.ts`)) as { scrubText: (text: string) => string; createHasher: (key: Uint8Array) => unknown };
const { normalise } = (await import(`${src}contract/normalise.ts`)) as { normalise: (event: HotlineEvent, source: string, hasher: unknown) => unknown };

const events = [...simulate({ seed: 7, startMs: Date.parse("2026-11-23T00:00:00+08:00"), days: Number(values.days), size: "small" })];
const strings: string[] = [];
const collect = (value: unknown): void => {
  if (typeof value === "string") strings.push(value);
  else if (Array.isArray(value)) value.forEach(collect);
  else if (typeof value === "object" && value !== null) Object.values(value).forEach(collect);
};
events.forEach(collect);
const hasher = personal.createHasher(new TextEncoder().encode("bench-key-0123456789abcdef"));

/** Median and best nanoseconds per item over the rounds, after one warm-up round. */
function measure(items: readonly unknown[], run: (item: never) => unknown): { median: number; best: number } {
  for (const item of items) run(item as never);
  const rounds: number[] = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    const start = process.hrtime.bigint();
    for (const item of items) run(item as never);
    rounds.push(Number(process.hrtime.bigint() - start) / items.length);
  }
  rounds.sort((a, b) => a - b);
  return { median: Math.round(rounds[Math.floor(rounds.length / 2)]!), best: Math.round(rounds[0]!) };
}

const scrub = measure(strings, (s: string) => personal.scrubText(s));
const norm = measure(events, (e: HotlineEvent) => normalise(e, "bench", hasher));
process.stdout.write(`${JSON.stringify({ src: values.src ?? "src", events: events.length, strings: strings.length, scrubText_ns_per_string: scrub, normalise_ns_per_event: norm })}\n`);
