// `npm run bench:detect`: the labelled benchmark of the spike detector against EARS C1/C2/C3 and ESSENCE (see load-tests/detect/README.md).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { spikeConfig, type SpikeConfig } from "../src/detectors/spike/config.js";
import { runChildren } from "./detect/children.js";
import { jsonReport, machine, textReport } from "./detect/report.js";
import { runScenario, type ScenarioResult } from "./detect/run-scenario.js";
import { FULL_RUN, SCENARIO_NAMES, scenario, type ScenarioName } from "./detect/scenarios.js";

const USAGE = `usage: tsx load-tests/detect.ts [--quick] [--json] [--jobs N] [--only a,b] [--all-events]
  --quick       one small scenario with 4 scored days (a smoke run for CI)
  --json        one JSON object on stdout (overall figures, per scenario under "scenarios"); progress on stderr
  --jobs N      scenarios run side by side in child processes (default: min(cores, 4))
  --only a,b    run only these of ${FULL_RUN.join(", ")}
  --all-events  replay every event type, not only ticket.created (slower; the spike detector reads only ticket.created)
  --spike-config JSON  overrides of the spike detector's defaults, e.g. '{"alphaPerSeriesDay":0.002}' (for tuning;
                the published figures use the defaults)`;

const writeOut = (text: string): Promise<void> => new Promise((resolve) => process.stdout.write(text, () => resolve()));

const isScenario = (name: string): name is ScenarioName => (SCENARIO_NAMES as readonly string[]).includes(name);

function scenarioNames(value: string | undefined, quick: boolean): ScenarioName[] {
  if (quick) return ["quick"];
  if (value === undefined) return [...FULL_RUN];
  const names = value.split(",").map((s) => s.trim());
  const unknown = names.filter((n) => !isScenario(n));
  if (unknown.length > 0) throw new RangeError(`unknown scenario ${unknown.join(", ")}: choose from ${FULL_RUN.join(", ")}`);
  return names.filter(isScenario);
}

function spikeOverrides(json: string | undefined): Partial<SpikeConfig> {
  if (json === undefined) return {};
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new RangeError(`--spike-config must be a JSON object, got ${json}`);
  spikeConfig(parsed as Partial<SpikeConfig>); // fails early, with the detector's own message, on a bad field
  return parsed as Partial<SpikeConfig>;
}

async function runInProcess(name: ScenarioName, allEvents: boolean, spike: Partial<SpikeConfig>): Promise<ScenarioResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `hotline-bench-${name}-`));
  try {
    return await runScenario(scenario(name), { dataDir, allEvents, spike, log: (m) => process.stderr.write(`[${name}] ${m}\n`) });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      jobs: { type: "string" },
      only: { type: "string" },
      "all-events": { type: "boolean", default: false },
      "spike-config": { type: "string" },
      scenario: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return writeOut(`${USAGE}\n`);
  const allEvents = values["all-events"];
  const spike = spikeOverrides(values["spike-config"]);
  if (values.scenario !== undefined) {
    // A child of the run below: one scenario, its result as JSON on stdout.
    if (!isScenario(values.scenario)) throw new RangeError(`unknown scenario ${values.scenario}`);
    return writeOut(`${JSON.stringify(await runInProcess(values.scenario, allEvents, spike))}\n`);
  }
  const names = scenarioNames(values.only, values.quick);
  const jobs = values.jobs === undefined ? Math.min(os.cpus().length, 4) : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError(`--jobs must be a whole number ≥ 1, got ${values.jobs}`);
  const m = machine();
  process.stderr.write(`bench:detect ${names.join(", ")} on ${m.cpu}, ${m.cores} cores, Node ${m.node}\n`);
  const started = performance.now();
  const results =
    names.length === 1 && names[0] !== undefined
      ? [await runInProcess(names[0], allEvents, spike)]
      : await runChildren(fileURLToPath(import.meta.url), names, jobs, [
          ...(allEvents ? ["--all-events"] : []),
          ...(values["spike-config"] === undefined ? [] : ["--spike-config", values["spike-config"]]),
        ]);
  const wallSeconds = (performance.now() - started) / 1000;
  await writeOut(values.json ? `${JSON.stringify(jsonReport(results, wallSeconds))}\n` : `${textReport(results, wallSeconds)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:detect failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n${USAGE}\n`);
    process.exit(1);
  },
);
