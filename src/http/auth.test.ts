// Unit tests of the token buckets (pure logic, a manual clock): the table of keys stays bounded
// when a client chooses the keys (its address), and asking how long to wait takes nothing.
import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./auth.js";

describe("createRateLimiter", () => {
  it("keeps at most maxKeys buckets, forgetting the least recently used", () => {
    const now = 0;
    const limiter = createRateLimiter(1, 2, () => now, 100);
    for (let i = 0; i < 20_000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBe(100);
    limiter.take("kept");
    limiter.take("kept");
    for (let i = 0; i < 99; i++) limiter.take(`other-${i}`);
    expect(limiter.wait("kept")).toBe(1); // still remembered: used more recently than the ones forgotten
  });

  it("answers the wait without taking from the bucket, and 0 for a key never seen", () => {
    let now = 0;
    const limiter = createRateLimiter(0.5, 2, () => now);
    expect(limiter.wait("a")).toBe(0);
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBe(0);
    expect(limiter.wait("a")).toBe(2);
    expect(limiter.wait("a")).toBe(2);
    now += 2_000;
    expect(limiter.wait("a")).toBe(0);
    expect(limiter.take("a")).toBe(0);
    expect(limiter.size).toBe(1);
  });
});
