// What a person reads: no phone or ID number in any message on any platform, and WeCom's
// 4096-byte markdown limit respected on a character boundary with the Grafana link kept.
import { afterEach, beforeEach, expect, it } from "vitest";
import type { Store } from "../../src/store/port.js";
import { startAlerter } from "./support/alerter.js";
import { ManualClock, waitFor } from "./support/clock.js";
import { startReceiver, type FakeReceiver, type PlatformKind } from "./support/receivers.js";
import { T0, collectiveRow, tables, ticketFlagRow } from "./support/rows.js";
import { openAlertStore } from "./support/store.js";
import { msToStoreTime } from "../../src/contract/store-time.js";

const ALL: PlatformKind[] = ["wecom", "dingtalk", "feishu", "slack", "webhook"];
let store: Store;
let clock: ManualClock;
let robots: FakeReceiver[];

beforeEach(async () => {
  store = await openAlertStore();
  clock = new ManualClock(T0 + 60_000);
  robots = await Promise.all(ALL.map((k) => startReceiver(k, () => clock.now())));
});

afterEach(async () => {
  await Promise.all(robots.map((r) => r.close()));
  await store.close();
});

const PHONE = /(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)/;
const ID_NUMBER = /(?<!\d)\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?!\d)/;

it("no phone or ID number reaches any platform, even when a result's text carries one", async () => {
  const h = startAlerter(store, clock, robots, `routes:\n  - name: all\n    receivers: [${ALL.join(", ")}]`, "severity:\n  minimum: low\n");
  h.alerter.offer(
    tables({
      ticket_flags: [ticketFlagRow({ reason: "来电人 13812345678 (身份证 110101199003074518) 反映推诿, 另留 +86 139-1234-5678" })],
      caller_flags: [
        {
          flag_id: "k:frequent_caller", caller_key: "9f8e7d6c5b4a39281706f5e4d3c2b1a0", kind: "frequent_caller", status: "open",
          reason: "30 天 31 件, 回拨 13900001111", tickets: 31, sample_ticket_ids: ["TA1", "TA2"],
          first_seen: msToStoreTime(T0 - 86_400_000), last_updated: msToStoreTime(T0), version: T0,
        },
      ],
      phrases: [
        {
          phrase_id: "电梯停运:2026-11-20", phrase: "电梯停运", status: "open", day: "2026-11-20", observed: 25, expected: 1.2, p_value: 1e-12,
          sample_ticket_ids: ["TP1"], examples: ["…电梯停运, 联系 13700002222…"], first_seen: msToStoreTime(T0), last_updated: msToStoreTime(T0), version: T0,
        },
      ],
    }),
  );
  await waitFor("three alerts on every robot", () => robots.every((r) => r.accepted().length === 3));
  await h.alerter.close(5_000); // everything answers: this drains, the deadline is never reached
  for (const r of robots) {
    expect(r.received, r.kind).toHaveLength(3); // each accepted at the first attempt
    for (const message of r.received) {
      expect(message.body, r.kind).not.toMatch(PHONE);
      expect(message.body, r.kind).not.toMatch(ID_NUMBER);
      expect(message.body, r.kind).not.toContain("9f8e7d6c5b4a39281706f5e4d3c2b1a0"); // not even the caller's hashed key
    }
    expect(r.received.some((m) => m.text.includes("手机号")), r.kind).toBe(true);
  }
  const stored = JSON.stringify(await store.query("SELECT * FROM alerts FINAL"));
  expect(stored).not.toMatch(PHONE);
  expect(stored).not.toMatch(ID_NUMBER);
});

it("WeCom markdown stays within 4096 bytes, cut on a character boundary, with the link kept", async () => {
  const wecom = robots.find((r) => r.kind === "wecom") as FakeReceiver;
  const long = "居民反映小区二次供水水压不足😀".repeat(400); // ≈ 17 000 bytes of 3- and 4-byte characters
  const h = startAlerter(store, clock, [wecom], "routes:\n  - name: all\n    receivers: [wecom]", "severity:\n  minimum: low\ndelivery:\n  ticketIds: 50\n");
  h.alerter.offer(
    tables({
      ticket_flags: [ticketFlagRow({ reason: long })],
      // 300 long ticket ids: 50 asked for, about 5 KB, more than fit
      repeats: [{ ...collectiveRow({ tickets: 300, callers: 300 }), ticket_ids: Array.from({ length: 300 }, (_, i) => `TICKET-${i}-${"x".repeat(80)}`) }],
    }),
  );
  await waitFor("two messages", () => wecom.received.length === 2);
  await h.alerter.close(5_000); // everything answers: this drains, the deadline is never reached
  for (const m of wecom.received) {
    expect(m.accepted, m.answer).toBe(true);
    expect(Buffer.byteLength(m.text, "utf8")).toBeLessThanOrEqual(4096);
    expect(m.text).not.toContain("\uFFFD");
    expect(m.text).toContain("http://grafana.test:3000/d/");
  }
  expect(wecom.received.some((m) => m.text.includes("…"))).toBe(true); // the long reason was cut
  const collective = wecom.received.find((m) => m.text.includes("Collective"));
  expect(collective?.text).toMatch(/TICKET-0-x+, TICKET-1-x+/); // some ids kept…
  expect(collective?.text).toMatch(/ … \(\+2\d\d\)/); // …and how many more there are
});
