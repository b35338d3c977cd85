// The CDC baselines on the same series' local daily counts: EARS C1, C2, C3 and the ESSENCE regression/EWMA switch, each day after the warm-up.
import { earsC1, earsC2, earsC3, essenceSwitch, type BaselineVerdict } from "../../src/detectors/stats/index.js";
import { BENCH_TIME_ZONE } from "./replay.js";
import { DAY_MS, type Alarm, type DailyCounts } from "./series.js";

export const BASELINES = ["ears_c1", "ears_c2", "ears_c3", "essence_switch"] as const;
export type BaselineName = (typeof BASELINES)[number];

type Method = (history: readonly number[], today: number, isoDayOfWeek: number) => BaselineVerdict;

// The library defaults: EARS as surveillance::earsC (alpha 0.001 for C1/C2, 0.025 for C3, no sd floor), ESSENCE as Rnssp (red, p < 0.01).
const METHODS: Readonly<Record<BaselineName, Method>> = {
  ears_c1: (history, today) => earsC1(history, today),
  ears_c2: (history, today) => earsC2(history, today),
  ears_c3: (history, today) => earsC3(history, today),
  essence_switch: (history, today, isoDayOfWeek) => essenceSwitch(history, today, { todayIsoDayOfWeek: isoDayOfWeek }),
};

const ISO_DAY: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function isoDayOfWeek(ms: number): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone: BENCH_TIME_ZONE, weekday: "short" }).format(ms);
  const day = ISO_DAY[name];
  if (day === undefined) throw new RangeError(`unexpected weekday ${name}`);
  return day;
}

/** Every alarm of every baseline: one per series and day, known once the day is over. */
export function baselineAlarms(counts: DailyCounts, firstDayMs: number, warmupDays: number): Record<BaselineName, Alarm[]> {
  const out: Record<BaselineName, Alarm[]> = { ears_c1: [], ears_c2: [], ears_c3: [], essence_switch: [] };
  const weekdays = Array.from({ length: counts.days }, (_, d) => isoDayOfWeek(firstDayMs + d * DAY_MS + DAY_MS / 2));
  for (const { ref, counts: series } of counts.bySeries.values()) {
    for (let d = warmupDays; d < counts.days; d++) {
      const history = series.slice(0, d);
      const today = series[d] ?? 0;
      const startMs = firstDayMs + d * DAY_MS;
      for (const name of BASELINES) {
        if (!METHODS[name](history, today, weekdays[d] ?? 1).alarm) continue;
        out[name].push({ ...ref, startMs, endMs: startMs + DAY_MS - 1, firstSeenMs: startMs + DAY_MS });
      }
    }
  }
  return out;
}
