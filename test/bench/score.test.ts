// The benchmark's scoring rules on plain inputs: what counts as a detection, what is excused, what is a false alarm, and how scenarios pool.
import { describe, expect, it } from "vitest";
import { figures, pool, score, type Truth } from "../../load-tests/detect/score.js";
import type { Alarm, Window } from "../../load-tests/detect/series.js";

const H = 3_600_000;
const truth: Truth = { id: "s1", category: "02.05", district: "379901", startMs: 10 * H, endMs: 14 * H, level: 2, tickets: 9 };
const alarm = (over: Partial<Alarm>): Alarm => ({ category: "02.05", district: "379901", startMs: 11 * H, endMs: 12 * H, firstSeenMs: 11.5 * H, ...over });

describe("score", () => {
  it("matches an alarm in the same series overlapping the incident (with grace) and measures the delay from its start", () => {
    const c = score([alarm({}), alarm({ startMs: 14.5 * H, endMs: 16 * H, firstSeenMs: 15 * H })], [truth], [], H, 1000);
    expect(c).toMatchObject({ alarms: 2, matched: 2, excused: 0, falseAlarms: 0, incidents: 1, detected: 1, delaysMinutes: [90] });
  });

  it("counts an alarm of a parent category, a child category or the city during the incident as neither", () => {
    const related = [alarm({ category: "02" }), alarm({ category: "02.05.01" }), alarm({ district: "" })];
    expect(score(related, [truth], [], H, 1000)).toMatchObject({ matched: 0, excused: 3, falseAlarms: 0, detected: 0 });
  });

  it("calls everything else a false alarm: another district, another branch of the tree, or after the grace", () => {
    const others = [alarm({ district: "379902" }), alarm({ category: "02.04" }), alarm({ startMs: 15.5 * H, endMs: 16 * H })];
    expect(score(others, [truth], [], H, 1000)).toMatchObject({ matched: 0, excused: 0, falseAlarms: 3 });
  });

  it("excuses alarms fed by a natural burst: the burst's leaf and its ancestors, in its district or city-wide", () => {
    const burst: Window = { category: "07.01.02", district: "379903", startMs: 30 * H, endMs: 33 * H };
    const fed = [alarm({ category: "07", district: "", startMs: 31 * H, endMs: 32 * H }), alarm({ category: "07.01.02", district: "379903", startMs: 31 * H, endMs: 32 * H })];
    const notFed = [alarm({ category: "07.01.02", district: "379904", startMs: 31 * H, endMs: 32 * H })];
    expect(score([...fed, ...notFed], [], [burst], 0, 1000)).toMatchObject({ excused: 2, falseAlarms: 1 });
  });

  it("gives precision over judged alarms, recall over incidents and false alarms per 1,000 series-days, pooled by adding counts", () => {
    const a = score([alarm({}), alarm({ district: "379902" }), alarm({ category: "02" })], [truth], [], H, 2000);
    const b = score([], [{ ...truth, id: "s2" }], [], H, 2000);
    expect(figures(a)).toEqual({ precision: 0.5, recall: 1, f1: 0.6667, median_delay_minutes: 90, false_alarms_per_1000_series_days: 0.5 });
    expect(figures(pool([a, b]))).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, median_delay_minutes: 90, false_alarms_per_1000_series_days: 0.25 });
    expect(figures(b).precision).toBeNull();
  });
});
