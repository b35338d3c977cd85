// The proof that passive monitoring can replace the callback survey: on a simulated city whose
// departments' true resolution behaviour is known (hidden from the events), the passive
// real-resolution rate ranks departments by that truth at least as well as the survey does, and
// the two measures agree with each other.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scorePerformance, spearman } from "../../src/performance/index.js";
import type { World } from "../../src/sources/simulator/index.js";
import type { Store } from "../../src/store/port.js";
import { replayCity } from "./city.js";

const MIN = 25;
let store: Store;
let world: World;

beforeAll(async () => {
  ({ store, world } = await replayCity({ seed: 7, start: "2026-03-01", days: 75, size: "small" }));
}, 300_000);

afterAll(async () => {
  await store.close();
});

type Row = { unit_code: string; rate: number };

async function passiveRates(asOfMs: number): Promise<Map<string, number>> {
  const rows = await store.query<Row>(
    `SELECT unit_code, shrunk_rate AS rate FROM performance_scores FINAL
     WHERE version = {v:UInt64} AND unit_kind = 'department' AND metric = 'real_resolution' AND period_kind = 'span' AND trials >= {min:UInt32}`,
    { v: asOfMs, min: MIN },
  );
  return new Map(rows.map((r) => [r.unit_code, Number(r.rate)]));
}

async function surveyRates(asOfMs: number): Promise<Map<string, number>> {
  const rows = await store.query<Row>(
    `SELECT unit_code, answered_positive / (answered_positive + answered_negative) AS rate FROM survey_agreement FINAL
     WHERE version = {v:UInt64} AND unit_kind = 'department' AND period_kind = 'span' AND answered_positive + answered_negative >= {min:UInt32}`,
    { v: asOfMs, min: MIN },
  );
  return new Map(rows.map((r) => [r.unit_code, Number(r.rate)]));
}

/** 办结率 as declared by the departments themselves ("resolved" or "explained"): what closers game. */
async function declaredRates(asOfMs: number): Promise<Map<string, number>> {
  const rows = await store.query<Row>(
    `SELECT department_code AS unit_code, avg(resolution IN ('resolved', 'explained')) AS rate FROM ticket_outcomes FINAL
     WHERE version = {v:UInt64} AND first_closed_at IS NOT NULL GROUP BY unit_code`,
    { v: asOfMs },
  );
  return new Map(rows.map((r) => [r.unit_code, Number(r.rate)]));
}

function againstTruth(measure: ReadonlyMap<string, number>, codes: readonly string[]): number {
  const truth = new Map(world.departments.all.map((d) => [d.code, d.behaviour.resolveRate]));
  return spearman(codes.map((c) => measure.get(c)!), codes.map((c) => truth.get(c)!)) ?? Number.NaN;
}

describe("passive performance on a simulated city with known truth", () => {
  for (const countCallbackReopens of [true, false]) {
    it(`ranks departments by their true resolution at least as well as the survey (callback reopens counted: ${countCallbackReopens})`, async () => {
      const summary = await scorePerformance(store, { timeZone: "Asia/Shanghai", config: { countCallbackReopens } });
      const asOfMs = summary.asOfMs!;
      const passive = await passiveRates(asOfMs);
      const survey = await surveyRates(asOfMs);
      const codes = [...passive.keys()].filter((c) => survey.has(c)).sort();
      const passiveRho = againstTruth(passive, codes);
      const surveyRho = againstTruth(survey, codes);
      const declaredRho = againstTruth(await declaredRates(asOfMs), codes);
      console.log({ countCallbackReopens, departments: codes.length, passiveRho, surveyRho, declaredRho });
      expect(codes.length).toBeGreaterThanOrEqual(30);
      expect(passiveRho).toBeGreaterThan(0.5);
      expect(passiveRho).toBeGreaterThanOrEqual(surveyRho);
      // the departments' own word is a poor measure: the test can tell measures apart
      expect(passiveRho).toBeGreaterThan(declaredRho + 0.2);
    });
  }

  it("agrees with the callback survey beyond chance, per ticket and across departments", async () => {
    const { asOfMs } = await scorePerformance(store, { timeZone: "Asia/Shanghai" });
    const [city] = await store.query<{ agreement_rate: number; kappa: number; cells: string | number }>(
      `SELECT agreement_rate, kappa, resolved_positive + resolved_negative + unresolved_positive + unresolved_negative AS cells
       FROM survey_agreement FINAL WHERE version = {v:UInt64} AND unit_kind = 'city' AND period_kind = 'span'`,
      { v: asOfMs! },
    );
    const [correlation] = await store.query<{ spearman: number; departments: number }>(
      "SELECT spearman, departments FROM survey_correlation FINAL WHERE version = {v:UInt64} AND period_kind = 'span'",
      { v: asOfMs! },
    );
    console.log({ city, correlation });
    expect(Number(city!.cells)).toBeGreaterThan(1000);
    expect(city!.kappa).toBeGreaterThan(0.2);
    expect(correlation!.departments).toBeGreaterThanOrEqual(30);
    expect(correlation!.spearman).toBeGreaterThan(0.4);
  });
});
