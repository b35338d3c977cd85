// `npm run bench:memory`: replays a simulated city (default ten million events) through every
// detector, in the worker's batches, and samples resident memory and the live heap (after a full
// GC) against what the detectors track: tickets, callers, series, cells. It reports bytes per
// tracked item and whether memory levels off. The rows are normalised exactly as ingest does for a
// valid event (the contract's normalise and hashing); the store is left out: its memory is the
// ClickHouse engine's, bounded by its own settings, while the detectors' state is what grows with
// the stream. The baseline, measured first in the same run: the same process with the detectors
// built and empty.
import { parseArgs } from "node:util";
import v8 from "node:v8";
import vm from "node:vm";
import { loadConfig } from "../src/config.js";
import { normalise, type EventRow } from "../src/contract/normalise.js";
import { createHasher } from "../src/contract/personal-data.js";
import { createDerivers } from "../src/detectors/index.js";
import type { Tracked } from "../src/detectors/ticket-deriver.js";
import { deriveAll } from "../src/pipeline/derive.js";
import type { CitySize } from "../src/sources/simulator/index.js";
import { cityEvents } from "./support/kafka.js";
import { describeMachine, machine } from "./support/machine.js";
import { phaseProgress } from "./support/progress.js";
import { BENCH_HASH_KEY } from "./support/worker.js";

const USAGE = `usage: tsx load-tests/memory.ts [--quick] [--json] [--events N] [--size small|medium|large] [--samples N]
  --events N   events replayed (default 10,000,000 of a medium city, about 620 simulated days; --quick: 300,000)
  --samples N  memory samples over the run (default 20)
  --json       one JSON object on stdout; progress on stderr`;

const BATCH_ROWS = 10_000;

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

interface Sample {
  readonly events: number;
  readonly simulated_days: number;
  readonly rss_mb: number;
  readonly heap_mb: number;
  readonly tracked: Readonly<Record<string, number>>;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

function measure(derivers: readonly (Partial<Tracked> & { name: string })[], events: number, days: number): Sample {
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  const tracked: Record<string, number> = {};
  for (const d of derivers) for (const [key, n] of Object.entries(d.tracked?.() ?? {})) tracked[`${d.name}.${key}`] = n;
  return { events, simulated_days: Math.round(days * 10) / 10, rss_mb: mb(rss), heap_mb: mb(heapUsed), tracked };
}

const sum = (t: Readonly<Record<string, number>>) => Object.values(t).reduce((a, b) => a + b, 0);
/** Tickets followed by ticket-level detectors (the largest of them: each keeps its own map). */
const tickets = (t: Readonly<Record<string, number>>) => Math.max(t["ticket_flags.tickets"] ?? 0, t["repeats.tickets"] ?? 0, t["caller_flags.tickets"] ?? 0);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      events: { type: "string" },
      size: { type: "string" },
      samples: { type: "string", default: "20" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const total = Number(values.events ?? (values.quick ? 300_000 : 10_000_000));
  const size = (values.size ?? "medium") as CitySize;
  const sampleCount = Number(values.samples);
  if (!Number.isInteger(total) || total <= 0 || !(sampleCount >= 2)) throw new RangeError("--events must be a positive whole number and --samples at least 2");
  const wallStart = performance.now();
  const config = loadConfig({ HOTLINE_DATA_DIR: "unused", HOTLINE_CALLER_HASH_KEY: BENCH_HASH_KEY, HOTLINE_LOG_LEVEL: "silent" });
  const hasher = createHasher(Buffer.from(BENCH_HASH_KEY, "utf8"));
  const derivers = createDerivers(config) as (ReturnType<typeof createDerivers>[number] & Partial<Tracked>)[];
  const baseline = measure(derivers, 0, 0);
  const every = Math.max(BATCH_ROWS, Math.ceil(total / sampleCount / BATCH_ROWS) * BATCH_ROWS);
  const samples: Sample[] = [];
  const progress = phaseProgress("memory", total);
  let done = 0;
  let firstMs: number | undefined;
  let lastMs = 0;
  let batch: EventRow[] = [];
  for (const event of cityEvents(size, total)) {
    const row = normalise(event, `kafka:bench/0@${done}`, hasher);
    batch.push(row);
    done += 1;
    if (batch.length < BATCH_ROWS && done < total) continue;
    deriveAll(derivers, batch);
    firstMs ??= Date.parse(event.occurred_at);
    lastMs = Date.parse(event.occurred_at);
    batch = [];
    progress.update(done);
    if (done % every !== 0 && done !== total) continue;
    const sample = measure(derivers, done, (lastMs - (firstMs ?? lastMs)) / 86_400_000);
    samples.push(sample);
    process.stderr.write(`[memory] sample ${JSON.stringify(sample)}\n`);
  }
  progress.done(done);

  const last = samples[samples.length - 1]!;
  const half = samples.find((s) => s.events >= total / 2) ?? last;
  const grownHeapMb = last.heap_mb - baseline.heap_mb;
  const report = {
    events: total,
    city: size,
    simulated_days: last.simulated_days,
    baseline: { rss_mb: baseline.rss_mb, heap_mb: baseline.heap_mb },
    final: last,
    bytes_per_tracked_item: Math.round((grownHeapMb * 2 ** 20) / Math.max(1, sum(last.tracked))),
    bytes_per_tracked_ticket: Math.round((grownHeapMb * 2 ** 20) / Math.max(1, tickets(last.tracked))),
    // Levelled off: over the second half of the run (as many events again) the live heap grew by less than 10 %.
    heap_growth_second_half: Math.round((last.heap_mb / half.heap_mb - 1) * 1000) / 1000,
    levels_off: last.heap_mb <= half.heap_mb * 1.1,
    samples,
    machine: { ...machine(), wall_seconds: Math.round((performance.now() - wallStart) / 100) / 10 },
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const keys = Object.keys(last.tracked);
  const lines = [
    `bench:memory on ${describeMachine()}: ${total.toLocaleString("en")} events of a ${size} city (${last.simulated_days} simulated days), all detectors`,
    `  baseline (detectors built, empty): rss ${baseline.rss_mb} MiB, live heap ${baseline.heap_mb} MiB`,
    `  ${"events".padStart(11)} ${"days".padStart(6)} ${"rss MiB".padStart(8)} ${"heap MiB".padStart(9)}  ${keys.join("  ")}`,
    ...samples.map((s) => `  ${s.events.toLocaleString("en").padStart(11)} ${String(s.simulated_days).padStart(6)} ${String(s.rss_mb).padStart(8)} ${String(s.heap_mb).padStart(9)}  ${keys.map((k) => String(s.tracked[k] ?? 0).padStart(k.length)).join("  ")}`),
    `  live heap above the baseline: ${Math.round(grownHeapMb)} MiB = ${report.bytes_per_tracked_item} bytes per tracked item, ${report.bytes_per_tracked_ticket} bytes per tracked ticket`,
    `  second half of the run: heap ${report.heap_growth_second_half >= 0 ? "+" : ""}${(report.heap_growth_second_half * 100).toFixed(1)} % → ${report.levels_off ? "levels off" : "still growing"}`,
    "",
  ];
  process.stdout.write(lines.join("\n"));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
