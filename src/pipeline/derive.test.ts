// Unit tests of the caller-key alias map that carries callers across a rotation of the hash key,
// and of deriveAll handing detectors the canonical (old) key.
import { describe, expect, it } from "vitest";
import type { EventRow } from "../contract/normalise.js";
import { msToStoreTime } from "../contract/store-time.js";
import { CallerAliases, canonicalCallers, deriveAll, type Deriver } from "./derive.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

function row(id: string, day: number, callerKey: string, previous = ""): EventRow {
  return { event_id: id, occurred_at: msToStoreTime(T0 + day * DAY), caller_key: callerKey, caller_key_previous: previous } as EventRow;
}

describe("CallerAliases", () => {
  it("maps rows carrying both keys, and later rows with only the new key, to the old key", () => {
    const aliases = new CallerAliases(30 * DAY);
    expect(aliases.canonical("old-a", "", T0)).toBe("old-a"); // before the rotation
    expect(aliases.canonical("new-a", "old-a", T0 + 1 * DAY)).toBe("old-a"); // during: both keys
    expect(aliases.canonical("new-a", "", T0 + 20 * DAY)).toBe("old-a"); // after: new key only
    expect(aliases.canonical("new-b", "", T0 + 20 * DAY)).toBe("new-b"); // a caller never seen during the rotation
    expect(aliases.canonical("", "", T0 + 20 * DAY)).toBe("");
  });

  it("forgets a link the lifetime after the last row carrying both keys, counted in event time", () => {
    const aliases = new CallerAliases(30 * DAY);
    aliases.canonical("new-a", "old-a", T0);
    aliases.canonical("new-a", "old-a", T0 + 10 * DAY); // a later sighting extends the link
    expect(aliases.canonical("new-a", "", T0 + 40 * DAY)).toBe("old-a");
    // rows with only the new key do not extend it: what links a row depends on stored rows within
    // the lifetime before it, which a restart replays, and on nothing older
    expect(aliases.canonical("new-a", "", T0 + 40 * DAY + 1)).toBe("new-a");
  });

  it("is bounded: entries no row can use any more are dropped as event time advances", () => {
    const aliases = new CallerAliases(30 * DAY);
    for (let i = 0; i < 1000; i++) aliases.canonical(`new-${i}`, `old-${i}`, T0 + i * 60_000);
    expect(aliases.size).toBe(1000);
    aliases.canonical("someone", "", T0 + 36 * DAY); // within lifetime + lateness: kept for late rows
    expect(aliases.size).toBe(1000);
    aliases.canonical("someone", "", T0 + 38 * DAY);
    expect(aliases.size).toBe(0);
  });

  it("follows a second rotation within the lifetime of the first back to the oldest key", () => {
    const aliases = new CallerAliases(30 * DAY);
    aliases.canonical("k2", "k1", T0);
    expect(aliases.canonical("k3", "k2", T0 + 5 * DAY)).toBe("k1");
    expect(aliases.canonical("k3", "", T0 + 10 * DAY)).toBe("k1");
  });
});

describe("canonicalCallers", () => {
  it("returns the very rows when no rotation is in sight, and copies only the rows it re-keys", () => {
    const plain = [row("e1", 0, "a"), row("e2", 0, "")];
    expect(canonicalCallers(plain, new CallerAliases(DAY))).toBe(plain);
    const rotating = [row("e1", 0, "old"), row("e2", 1, "new", "old"), row("e3", 2, "new"), row("e4", 2, "other")];
    const out = canonicalCallers(rotating, new CallerAliases(30 * DAY));
    expect(out.map((r) => r.caller_key)).toEqual(["old", "old", "old", "other"]);
    expect(out[0]).toBe(rotating[0]);
    expect(out[3]).toBe(rotating[3]);
    expect(rotating[2]!.caller_key).toBe("new"); // the input is not changed
  });
});

describe("deriveAll", () => {
  function recorder(): Deriver & { seen: string[] } {
    const seen: string[] = [];
    return { name: "rec", replayWindowMs: 30 * DAY, seen, derive: (events) => (seen.push(...events.map((e) => e.caller_key)), []) };
  }

  it("keeps the alias map across batches for one set of derivers, and starts afresh for a new set", () => {
    const live = [recorder()];
    deriveAll(live, [row("e1", 0, "old"), row("e2", 1, "new", "old")]);
    deriveAll(live, [row("e3", 2, "new")]);
    expect(live[0]!.seen).toEqual(["old", "old", "old"]);
    // a fresh set (a rebuild) learns the link again only from the rows it replays
    const fresh = [recorder()];
    deriveAll(fresh, [row("e3", 2, "new")]);
    expect(fresh[0]!.seen).toEqual(["new"]);
  });
});
