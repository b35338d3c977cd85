// The contract's example events (schemas/examples), as raw objects to build test inputs from.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const DIR = fileURLToPath(new URL("../../schemas/examples/", import.meta.url));

export type RawEvent = Record<string, unknown> & { event_id: string; type: string; occurred_at: string };

export function exampleEvents(): RawEvent[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(DIR, f), "utf8")) as RawEvent);
}
