// Test support: the simulated city every panel's SQL runs on. A small city over about three
// months with random labelled incidents on top (spikes, emerging and chronic hotspots, repeat
// chains, cross-channel duplicates, collective complaints, an abusive caller), replayed by the real
// `hotline-sensor replay` command (the whole pipeline with every detector), then scored by the
// passive-performance scorer, so every table a dashboard reads has rows.
import { scorePerformance } from "../../src/performance/index.js";
import { buildWorld, randomIncidents, simulateWithLabels } from "../../src/sources/simulator/index.js";
import type { Store } from "../../src/store/port.js";
import { replayEvents } from "../performance/city.js";

export const CITY = { seed: 20261, size: "small", start: "2026-01-05", days: 100 } as const;

export interface DashboardCity {
  readonly store: Store;
  /** Epoch ms of the first and the last simulated event. */
  readonly fromMs: number;
  readonly toMs: number;
}

export async function replayDashboardCity(): Promise<DashboardCity> {
  const startMs = Date.parse(`${CITY.start}T00:00:00+08:00`);
  const world = buildWorld(CITY.seed, CITY.size);
  const incidents = randomIncidents(world, {
    seed: CITY.seed,
    startMs,
    days: CITY.days,
    spikes: 40,
    emergingHotspots: 8,
    chronicHotspots: 2,
    repeatChains: 4,
    crossChannelDuplicates: 4,
    collectiveComplaints: 8,
    abusiveCallers: 2,
    warmupDays: 21,
  });
  const simulation = simulateWithLabels({ seed: CITY.seed, startMs, days: CITY.days, size: CITY.size, incidents });
  const events = [...simulation.events];
  // a few inputs that must become dead letters, for the operations dashboard's table
  const store = await replayEvents([...events, { schema_version: 1, type: "ticket.teleported" }, { hello: "world" }]);
  let fromMs = Infinity;
  let toMs = -Infinity;
  for (const event of events) {
    const at = Date.parse(event.occurred_at);
    fromMs = Math.min(fromMs, at);
    toMs = Math.max(toMs, at);
  }
  await scorePerformance(store, { timeZone: "Asia/Shanghai", asOfMs: toMs });
  await fillAlerts(store);
  return { store, fromMs, toMs };
}

/**
 * The recent-alerts panel reads table `alerts` (021), which the worker's alert module fills. When
 * the replay left it empty, alerts are made here from the city's spikes, one per spike, with the
 * columns the panel reads.
 */
async function fillAlerts(store: Store): Promise<void> {
  const [row] = await store.query<{ n: string | number }>("SELECT count() AS n FROM alerts");
  if (Number(row?.n ?? 0) > 0) return;
  await store.command(`
    INSERT INTO alerts (alert_id, raised_at, kind, severity, title, summary, result_table, result_id, district_code, category_code,
                        department_code, tickets, ticket_ids, panel_url, routes, version)
    SELECT concat('spikes:', spike_id, ':0:medium'), first_seen, 'spike', 'medium', concat('突增 ', category_code),
           concat(toString(observed), ' tickets, ', toString(round(ratio, 1)), ' times normal'), 'spikes', spike_id, district_code,
           category_code, '', observed, sample_ticket_ids, concat('/d/hotline-spikes?var-spike_id=', spike_id), ['duty'],
           toUnixTimestamp64Milli(first_seen)
    FROM spikes FINAL`);
}
