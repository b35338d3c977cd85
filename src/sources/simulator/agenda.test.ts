// The agenda queue: pops in (time, scheduling order) whatever mix of near and far items it holds.
import { describe, expect, it } from "vitest";
import { AgendaQueue, type Agenda } from "./agenda.js";
import { Rng } from "./random.js";

const item = (atMs: number, label: number): Agenda & { label: number } => ({ atMs, order: 0, label, fire: () => null });

describe("agenda queue", () => {
  it("pops by time, then by scheduling order, while items are added as time goes on", () => {
    const rng = new Rng(5);
    const queue = new AgendaQueue();
    const scheduled: { atMs: number; label: number }[] = [];
    let label = 0;
    const schedule = (atMs: number) => {
      scheduled.push({ atMs, label });
      queue.push(item(atMs, label++));
    };
    for (let i = 0; i < 500; i++) schedule(Math.floor(rng.between(0, 10 * 3_600_000) / 60_000) * 60_000);
    const popped: { atMs: number; label: number }[] = [];
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      const { atMs, label: l } = next as Agenda & { label: number };
      popped.push({ atMs, label: l });
      // what fires schedules more, never in the past: same instant, minutes or days ahead
      if (popped.length < 2_000 && rng.chance(0.8)) schedule(atMs + (rng.chance(0.3) ? 0 : Math.floor(rng.exponential(4 * 3_600_000))));
    }
    const expected = [...scheduled].sort((a, b) => a.atMs - b.atMs || a.label - b.label);
    expect(popped).toEqual(expected);
  });

  it("is empty when nothing is scheduled", () => {
    expect(new AgendaQueue().pop()).toBeUndefined();
  });
});
