// The benchmark's output: readable tables per scenario and pooled over all, or one JSON object of the same figures.
import os from "node:os";
import { BASELINES } from "./baselines.js";
import { DETECTORS, type DetectorName, type ScenarioResult } from "./run-scenario.js";
import { figures, pool, SIZE_CLASSES, type Counts, type Figures } from "./score.js";

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
}

export function machine(): Machine {
  return { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, node: process.version };
}

function pooled(results: readonly ScenarioResult[]): Record<DetectorName, Counts> {
  const of = (d: DetectorName): Counts => pool(results.map((r) => r.detectors[d]));
  return { spike: of("spike"), ears_c1: of("ears_c1"), ears_c2: of("ears_c2"), ears_c3: of("ears_c3"), essence_switch: of("essence_switch") };
}

function split(counts: Readonly<Record<DetectorName, Counts>>): { detectors: { spike: Figures }; baselines: Record<string, Figures> } {
  return { detectors: { spike: figures(counts.spike) }, baselines: Object.fromEntries(BASELINES.map((b) => [b, figures(counts[b])])) };
}

export function jsonReport(results: readonly ScenarioResult[], wallSeconds: number): object {
  const scenarios = Object.fromEntries(
    results.map((r) => [
      r.name,
      {
        ...split(r.detectors),
        days: r.days,
        warmup_days: r.warmupDays,
        watched_series: r.watchedSeries,
        incidents: r.incidents,
        natural_bursts: r.naturalBursts,
        empty_spike_rows: r.emptySpikeRows,
        seconds: r.seconds,
      },
    ]),
  );
  return { ...split(pooled(results)), scenarios, machine: { ...machine(), wall_seconds: Math.round(wallSeconds * 10) / 10 } };
}

const fmt = (x: number | null, digits: number): string => (x === null ? "—" : x.toFixed(digits));

function detected(by: Counts["byLevel"], keys: readonly string[]): string {
  return keys.map((k) => (by[k] ? `${by[k].detected}/${by[k].incidents}` : "–")).join("  ");
}

function table(counts: Readonly<Record<DetectorName, Counts>>): string[] {
  const header = ["detector", "precision", "recall", "F1", "median delay min", "FA/1000 series-days", "alarms TP/excused/FP", "detected L1  L2  L3", "by tickets 1-4  5-9  10+"];
  const rows = DETECTORS.map((d) => {
    const c = counts[d];
    const f = figures(c);
    return [d, fmt(f.precision, 3), fmt(f.recall, 3), fmt(f.f1, 3), fmt(f.median_delay_minutes, 0), fmt(f.false_alarms_per_1000_series_days, 2), `${c.matched}/${c.excused}/${c.falseAlarms}`, detected(c.byLevel, ["1", "2", "3"]), detected(c.bySize, SIZE_CLASSES)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")}`;
  return [line(header), ...rows.map(line)];
}

const n = (x: number): string => x.toLocaleString("en-US");

export function textReport(results: readonly ScenarioResult[], wallSeconds: number): string {
  const out: string[] = ["Spike detector vs CDC EARS C1/C2/C3 and ESSENCE on labelled simulated spikes", ""];
  for (const r of results) {
    out.push(`${r.name}: ${r.description}`);
    out.push(
      `  ${r.days} days (${r.warmupDays} warm-up), ${n(r.ticketsCreated)} tickets, ${n(r.watchedSeries)} watched series, ` +
        `${r.incidents} labelled spikes (${n(r.labelledTickets)} tickets), ${r.naturalBursts} natural bursts; pipeline ${r.seconds.pipeline} s, scoring ${r.seconds.scoring} s`,
      `  spike rows with no ticket in their own window: ${r.emptySpikeRows}`,
    );
    out.push(...table(r.detectors), "");
  }
  if (results.length > 1) out.push("overall (pooled over the scenarios)", ...table(pooled(results)), "");
  const m = machine();
  out.push(`machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}; wall time ${wallSeconds.toFixed(1)} s`);
  return out.join("\n");
}
