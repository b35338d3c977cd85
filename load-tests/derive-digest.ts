// Digest of every row the detectors derive from a simulated city fed in the worker's batches: run it
// before and after a detector change to show the change leaves their output as it was.
// usage: tsx load-tests/derive-digest.ts <size> <events> <batchRows>
import { createHash } from "node:crypto";
import { loadConfig } from "../src/config.js";
import { normalise, type EventRow } from "../src/contract/normalise.js";
import { createHasher } from "../src/contract/personal-data.js";
import { createDerivers } from "../src/detectors/index.js";
import { deriveAll } from "../src/pipeline/derive.js";
import type { CitySize } from "../src/sources/simulator/index.js";
import { cityEvents } from "./support/kafka.js";
import { BENCH_HASH_KEY } from "./support/worker.js";

const size = (process.argv[2] ?? "large") as CitySize;
const total = Number(process.argv[3] ?? 600_000);
const batchRows = Number(process.argv[4] ?? 1_000);
const config = loadConfig({ HOTLINE_DATA_DIR: "unused", HOTLINE_CALLER_HASH_KEY: BENCH_HASH_KEY, HOTLINE_LOG_LEVEL: "silent" });
const hasher = createHasher(Buffer.from(BENCH_HASH_KEY, "utf8"));
const derivers = createDerivers(config);
const digests = new Map<string, { hash: ReturnType<typeof createHash>; rows: number }>();
let deriveMs = 0;
let batch: EventRow[] = [];
let done = 0;
const flush = () => {
  const t0 = performance.now();
  const tables = deriveAll(derivers, batch);
  deriveMs += performance.now() - t0;
  for (const { table, rows } of tables) {
    const d = digests.get(table) ?? { hash: createHash("sha256"), rows: 0 };
    for (const row of rows) d.hash.update(`${JSON.stringify(row)}\n`);
    d.rows += rows.length;
    digests.set(table, d);
  }
  batch = [];
};
for (const event of cityEvents(size, total)) {
  batch.push(normalise(event, `kafka:bench/0@${done}`, hasher));
  done += 1;
  if (batch.length >= batchRows) flush();
}
if (batch.length > 0) flush();
const out = Object.fromEntries([...digests].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, d]) => [t, `${d.rows} ${d.hash.digest("hex").slice(0, 16)}`]));
process.stdout.write(`${JSON.stringify({ size, total, batchRows, deriveSeconds: Math.round(deriveMs / 100) / 10, tables: out })}\n`);
