// Golden fixture for hotspots: a burst in one place becomes an emerging hotspot; a place that
// stays on top for three 30-day blocks becomes chronic; a quiet, even city gives neither.
import { describe, expect, it } from "vitest";
import { mulberry32, poissonDraw } from "../stats/random.js";
import { DEFAULT_HOTSPOT_CONFIG, HotspotDetector } from "./hotspots.js";

function city(days: number, extra: (place: number, day: number) => number): HotspotDetector {
  const d = new HotspotDetector({ ...DEFAULT_HOTSPOT_CONFIG, chronicTop: 1 });
  const random = mulberry32(7);
  let n = 0;
  for (let day = 0; day < days; day++) {
    for (let place = 0; place < 20; place++) {
      const count = poissonDraw(random, 1) + extra(place, day);
      for (let i = 0; i < count; i++) d.observe({ ticketId: `t${n++}`, day, place: `community:c${place}`, categoryCode: "02.05", districtCode: "d" });
    }
  }
  return d;
}

describe("hotspots", () => {
  it("finds an emerging hotspot where a burst happens, and nothing in a quiet city", () => {
    const quiet = city(60, () => 0);
    expect(quiet.advance(59).filter((h) => h.kind === "emerging")).toEqual([]);
    const burst = city(60, (place, day) => (place === 3 && day >= 57 ? 6 : 0));
    const found = burst.advance(59).filter((h) => h.kind === "emerging");
    expect(found.map((h) => [h.hotspotId, h.status, h.place])).toEqual([["emerging:community:c3:02.05:59", "open", "community:c3"]]);
    expect(found[0]!.observed).toBeGreaterThan(3 * found[0]!.expected);
  });

  it("finds a chronic hotspot that stays on top for three blocks, and closes it when it falls back", () => {
    const d = city(100, (place, day) => (place === 5 && day < 95 ? 2 : 0));
    const first = d.advance(90).filter((h) => h.kind === "chronic");
    expect(first.map((h) => [h.hotspotId, h.status])).toEqual([["chronic:community:c5:02.05", "open"]]);
    const later = d.advance(99).filter((h) => h.kind === "chronic");
    expect(later.map((h) => h.status)).toContain("updated");
  });
});
