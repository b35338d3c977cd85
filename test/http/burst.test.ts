// A mass complaint (群体诉求) pushed at the running worker: 50,000 near-identical tickets (one place,
// one category, one text, 50,000 callers) in POSTs of 5,000, four at a time, on the embedded store.
// The worker must stay responsive throughout: its own event-loop delay histogram (prom-client's
// nodejs_eventloop_lag_max_seconds, from perf_hooks.monitorEventLoopDelay, reset at each scrape)
// never shows a block over MAX_BLOCK_S, /healthz answers every probe, the whole group is found, a
// restart rebuilds the detectors from those events just as responsively, and SIGTERM during a
// second burst stops the pipeline within the drain timeout and the worker exits cleanly.
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../support/store.js";
import { startCli, workerEnv, type RunningWorker } from "../support/worker.js";

const INGEST = "burst-ingest-token-0123456789";
const READ = "burst-read-token-0123456789";
const TICKETS = 50_000;
const PER_POST = 5_000;
const PARALLEL = 4;
/**
 * Longest the event loop may be held. A detector's work per event is bounded, a batch is prepared
 * and derived in chunks of 1,000 events and a POSTed body is checked with a turn of the event loop
 * every 500 items, so no step holds it for more than about 0.2 s on a quiet 2-core machine. The
 * delay is wall time, though: on this machine shared by five test runs (load average 12-16 on 2
 * cores) the worst block measured was 2.1-4.5 s. 5 s keeps the test meaningful there, while the
 * code before the fix held the loop for minutes (its first batch alone never finished in time).
 */
const MAX_BLOCK_S = 5;
/** A /healthz probe that gets no answer within this long counts as unanswered. */
const PROBE_TIMEOUT_MS = 10_000;
/** docker-compose's stop_grace_period: after it the worker would be SIGKILLed. */
const DRAIN_TIMEOUT_MS = 30_000;

const TEXT = "市民来电反映：花家地西里小区从昨天开始停暖，家中温度只有十二度，老人孩子受冻，物业电话无人接听，请尽快恢复供暖。";

function ticket(run: string, i: number, atMs: number): object {
  return {
    schema_version: 1,
    event_id: `burst-${run}-${i}`,
    type: "ticket.created",
    occurred_at: new Date(atMs).toISOString(),
    source_system: "burst-test",
    ticket_id: `BURST-${run}-${String(i).padStart(6, "0")}`,
    data: {
      channel: "phone",
      request_type: "complaint",
      category: { code: "03.02.01", path: [{ code: "03", name: "城市公用" }, { code: "03.02", name: "供暖" }, { code: "03.02.01", name: "停暖" }] },
      caller: { phone: `139${String(10_000_000 + i).slice(-8)}` },
      location: { district: { code: "110105", name: "朝阳区" }, community: { code: "110105012003", name: "花家地西里社区" } },
      text: TEXT,
      urgency: "urgent",
      sla: {},
    },
  };
}

/** Probes /healthz and the event-loop delay until stopped; rejects `failed` at the first probe left unanswered. */
function watch(url: string, phase: string) {
  let maxLagS = 0;
  let probes = 0;
  let running = true;
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const scrapeLag = async () => {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })).text();
    const line = /^hotline_sensor_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
    if (line === null) throw new Error("/metrics has no hotline_sensor_nodejs_eventloop_lag_max_seconds");
    maxLagS = Math.max(maxLagS, Number(line[1]));
  };
  const loop = (async () => {
    while (running) {
      try {
        const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
        await scrapeLag();
        probes += 1;
        if (maxLagS > MAX_BLOCK_S) throw new Error(`the event loop was blocked for ${maxLagS.toFixed(1)} s`);
      } catch (error) {
        fail(new Error(`worker unresponsive ${phase} after ${probes} probes: ${(error as Error).message}`));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    failed,
    async stop() {
      running = false;
      await loop;
      await scrapeLag(); // what happened since the last probe
      return { maxLagS, probes };
    },
  };
}

async function post(url: string, events: readonly object[]): Promise<{ status: number; accepted: number }> {
  const response = await fetch(`${url}/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${INGEST}`, "content-type": "application/x-ndjson" },
    body: events.map((e) => JSON.stringify(e)).join("\n"),
  });
  const body = (await response.json()) as { accepted?: number };
  return { status: response.status, accepted: body.accepted ?? 0 };
}

/** Posts `count` tickets in bodies of PER_POST, PARALLEL at a time; `onAnswer` after each answer. */
async function burst(url: string, run: string, count: number, startMs: number, onAnswer?: (answered: number) => void): Promise<number> {
  const bodies: object[][] = [];
  for (let from = 0; from < count; from += PER_POST) {
    bodies.push(Array.from({ length: Math.min(PER_POST, count - from) }, (_, k) => ticket(run, from + k, startMs + (from + k) * 4)));
  }
  let accepted = 0;
  let answered = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < bodies.length) {
        const result = await post(url, bodies[next++]!);
        if (result.status !== 200) throw new Error(`POST /v1/events answered ${result.status}`);
        accepted += result.accepted;
        onAnswer?.(++answered);
      }
    }),
  );
  return accepted;
}

async function collective(url: string): Promise<{ tickets: number; callers: number; ticket_ids: string[] } | undefined> {
  const response = await fetch(`${url}/v1/repeats?kind=collective&district=110105&category=03.02.01`, { headers: { authorization: `Bearer ${READ}` } });
  const body = (await response.json()) as { items: { tickets: number; callers: number; ticket_ids: string[] }[] };
  return body.items.sort((a, b) => b.tickets - a.tickets)[0];
}

let worker: RunningWorker | undefined;
afterEach(() => {
  worker?.child.kill("SIGKILL");
});

describe("a burst of near-identical tickets on the running worker", () => {
  it("is absorbed with the event loop never blocked over 5 s, /healthz answering, a bounded rebuild and SIGTERM honoured", async () => {
    const data = path.join(tempDir("burst"), "data");
    const env = workerEnv({ HOTLINE_DATA_DIR: data, HOTLINE_API_TOKENS: `gongdan:ingest:${INGEST},grafana:read:${READ}`, HOTLINE_PERF_INTERVAL_MINUTES: "0" });
    // within the allowed lateness of each other and of now, however the four POSTs interleave
    const startMs = Date.now() - 5 * 60_000;

    worker = startCli(["run"], env);
    const url = await worker.ready;
    const watcher = watch(url, "during the burst");
    const accepted = await Promise.race([burst(url, "a", TICKETS, startMs), watcher.failed]);
    const during = await watcher.stop();
    console.info(`burst: event loop blocked ${during.maxLagS.toFixed(2)} s at most over ${during.probes} probes`);
    expect(accepted).toBe(TICKETS);
    expect(during.maxLagS).toBeLessThan(MAX_BLOCK_S);
    expect(during.probes).toBeGreaterThan(0);
    // every ticket in one collective group (the row lists the oldest 1,000 ids, counts all)
    const group = await collective(url);
    expect(group?.tickets).toBe(TICKETS);
    expect(group?.callers).toBe(TICKETS);
    expect(group?.ticket_ids.length).toBe(1_000);
    expect(group?.ticket_ids[0]).toBe("BURST-a-000000");
    expect((await worker.stop()).code).toBe(0);

    // a restart replays the burst into fresh detectors (at its first batch), then a second burst is stopped midway
    worker = startCli(["run"], env);
    const again = await worker.ready;
    const restarted = watch(again, "after the restart");
    let firstAnswer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (firstAnswer = resolve));
    const second = burst(again, "b", 20_000, startMs + 1_000, firstAnswer).catch(() => undefined); // POSTs still queued at the stop get no answer
    await Promise.race([answered, restarted.failed]);
    const afterRestart = await restarted.stop();
    console.info(`restart: event loop blocked ${afterRestart.maxLagS.toFixed(2)} s at most over ${afterRestart.probes} probes`);
    expect(afterRestart.maxLagS).toBeLessThan(MAX_BLOCK_S);
    const signalledAt = Date.now();
    worker.child.kill("SIGTERM");
    // the pipeline finishes its batch in flight and stops; the process then closes its HTTP server
    // (answers in flight get a short grace, then open connections are cut) and the store
    let stoppedInMs = Infinity;
    while (worker.child.exitCode === null && Date.now() - signalledAt < DRAIN_TIMEOUT_MS) {
      if (worker.logs().includes('"worker stopped"')) {
        stoppedInMs = Date.now() - signalledAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (worker.logs().includes('"worker stopped"')) stoppedInMs = Math.min(stoppedInMs, Date.now() - signalledAt);
    console.info(`SIGTERM: pipeline stopped after ${stoppedInMs} ms`);
    const exit = await worker.exited;
    const exitedInMs = Date.now() - signalledAt;
    console.info(`SIGTERM: process exited after ${exitedInMs} ms`);
    await second;
    expect(stoppedInMs, worker.logs().slice(-2000)).toBeLessThan(DRAIN_TIMEOUT_MS);
    expect(exitedInMs, worker.logs().slice(-2000)).toBeLessThan(DRAIN_TIMEOUT_MS);
    expect(exit.code, worker.logs().slice(-2000)).toBe(0);
  }, 240_000);
});
