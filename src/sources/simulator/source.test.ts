// The simulator Source: every event then null, positions, closing, and realtime pacing by a fake clock.
import { describe, expect, it } from "vitest";
import type { HotlineEvent } from "../../contract/event.js";
import type { SourceMessage } from "../message.js";
import { simulate, type SimulationOptions } from "./simulate.js";
import { createSimulatorSource } from "./source.js";

const START = Date.parse("2026-11-23T00:00:00+08:00");
const options: SimulationOptions = { seed: 9, startMs: START, days: 1, size: "small" };
const expected = [...simulate(options)];
const decode = (m: SourceMessage) => JSON.parse(new TextDecoder().decode(m.bytes)) as HotlineEvent;

/** A wall clock that only moves when the source sleeps. */
function fakeClock() {
  const clock = { now: 1_000_000, slept: [] as number[] };
  return {
    clock,
    realtime: (speedup: number) => ({
      speedup,
      nowMs: () => clock.now,
      sleep: async (ms: number) => {
        clock.slept.push(ms);
        clock.now += ms;
      },
    }),
  };
}

describe("simulator source", () => {
  it("yields every event as JSON bytes with its position, then null", async () => {
    const source = createSimulatorSource(options);
    await source.start();
    const messages: SourceMessage[] = [];
    for (let batch = await source.next(500, 0); batch !== null; batch = await source.next(500, 0)) {
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(500);
      messages.push(...batch);
    }
    expect(messages.map(decode)).toEqual(expected);
    expect(messages.map((m) => m.position)).toEqual(expected.map((_, seq) => ({ kind: "simulator", seed: 9, seq })));
    expect(await source.next(500, 0)).toBeNull();
    await source.ack(messages);
    await source.idle();
    await source.close();
    await source.close();
  });

  it("stops when closed", async () => {
    const source = createSimulatorSource({ ...options, days: Infinity });
    await source.start();
    expect((await source.next(10, 0))?.length).toBe(10);
    await source.close();
    expect(await source.next(10, 0)).toBeNull();
  });

  it("in realtime, releases events as the simulated clock passes them", async () => {
    const speedup = 60_000; // a simulated minute per wall millisecond: a day in 1.44 s
    const { clock, realtime } = fakeClock();
    const wallStart = clock.now;
    const source = createSimulatorSource({ ...options, realtime: realtime(speedup) });
    await source.start();
    const received: HotlineEvent[] = [];
    for (let batch = await source.next(50, 100); batch !== null; batch = await source.next(50, 100)) {
      const simulatedNow = START + (clock.now - wallStart) * speedup;
      for (const event of batch.map(decode)) expect(Date.parse(event.occurred_at)).toBeLessThanOrEqual(simulatedNow);
      received.push(...batch.map(decode));
    }
    expect(received).toEqual(expected);
    const last = Date.parse(expected[expected.length - 1]?.occurred_at ?? "");
    expect(clock.now - wallStart).toBeGreaterThanOrEqual((last - START) / speedup);
    expect(clock.now - wallStart).toBeLessThan(86_400_000 / speedup + 200);
  });

  it("in realtime, waits at most maxWaitMs and returns an empty batch when nothing is due", async () => {
    const speedup = 60;
    const { clock, realtime } = fakeClock();
    const source = createSimulatorSource({ ...options, realtime: realtime(speedup) });
    await source.start();
    const firstDueWallMs = (Date.parse(expected[0]?.occurred_at ?? "") - START) / speedup;
    const maxWaitMs = Math.floor(firstDueWallMs / 2);
    expect(await source.next(10, maxWaitMs)).toEqual([]);
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(maxWaitMs);
    const batch = await source.next(10, firstDueWallMs);
    expect(batch?.map(decode)[0]).toEqual(expected[0]);
    await source.close();
  });
});
