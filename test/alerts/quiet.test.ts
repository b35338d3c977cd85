// Quiet by design, through the real dispatcher into the fake platforms on a manual clock: digests
// when many alerts reach a receiver at once (within each platform's body limit, one message against
// DingTalk's 20 a minute, every alert recorded as sent), silences with an expiry from the routing
// file and from the store (the API's table), and acknowledgements that keep growth quiet.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { msToStoreTime } from "../../src/contract/store-time.js";
import { silenceToRow } from "../../src/alerts/outbox.js";
import type { Store } from "../../src/store/port.js";
import { count } from "../support/store.js";
import { counter, startAlerter } from "./support/alerter.js";
import { ManualClock, waitFor } from "./support/clock.js";
import { startReceiver, type FakeReceiver } from "./support/receivers.js";
import { T0, spikeRow, tables, ticketFlagRow } from "./support/rows.js";
import { openAlertStore } from "./support/store.js";

const HOUR = 3_600_000;
let store: Store;
let clock: ManualClock;
const opened: FakeReceiver[] = [];

beforeEach(async () => {
  store = await openAlertStore();
  clock = new ManualClock(T0 + 60_000);
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((r) => r.close()));
  await store.close();
});

async function robot(kind: FakeReceiver["kind"]): Promise<FakeReceiver> {
  const r = await startReceiver(kind, () => clock.now());
  opened.push(r);
  return r;
}

/** `n` supervised-ticket flags (medium), each in its own district so each line of a digest is recognisable. */
function flags(n: number, from = 0) {
  return tables({ ticket_flags: Array.from({ length: n }, (_, i) => ticketFlagRow({ ticket: `TD${String(from + i).padStart(5, "0")}`, district: `3799.${String(from + i).padStart(3, "0")}` })) });
}
const districtsIn = (text: string) => [...text.matchAll(/district (3799\.\d{3})/g)].map((m) => m[1]);
const outcomes = (outcome: string) => count(store, `SELECT count() AS n FROM alert_deliveries WHERE outcome = '${outcome}'`);

describe("digests", () => {
  it("60 alerts at once: WeCom gets digests within 4096 bytes, DingTalk one message per 50, every alert listed once and recorded as sent", async () => {
    const wecom = await robot("wecom");
    const ding = await robot("dingtalk");
    const h = startAlerter(store, clock, [wecom, ding], "routes:\n  - name: r\n    receivers: [wecom, dingtalk]", "digest:\n  after: 5\n  windowMs: 60000\n  maxAlerts: 50\n");
    h.alerter.offer(flags(60));
    await waitFor("every alert sent to both", async () => (await outcomes("sent")) === 120);
    await h.alerter.close(1_000);

    const expected = Array.from({ length: 60 }, (_, i) => `3799.${String(i).padStart(3, "0")}`);
    for (const r of [wecom, ding]) {
      expect(r.received.every((x) => x.accepted), `${r.kind}: ${r.received.map((x) => x.answer).join()}`).toBe(true);
      const listed = r.received.flatMap((x) => districtsIn(x.text));
      expect([...listed].sort(), r.kind).toEqual(expected); // each exactly once
      expect(r.received.every((x) => x.text.includes("【摘要 DIGEST】")), r.kind).toBe(true);
      expect(r.received.every((x) => x.text.includes("http://grafana.test:3000/d/hotline-overview/")), r.kind).toBe(true);
    }
    // WeCom's 4096 bytes hold fewer lines than DingTalk's 18 000: more, smaller digests, each within the limit.
    expect(wecom.received.length).toBeGreaterThan(2);
    for (const x of wecom.received) expect(Buffer.byteLength(x.text, "utf8")).toBeLessThanOrEqual(4096);
    expect(ding.received).toHaveLength(2); // 50 + 10
    expect(await count(store, "SELECT uniqExact(alert_id) AS n FROM alert_deliveries WHERE outcome = 'sent' AND receiver = 'dingtalk'")).toBe(60);
    expect(await counter(h.registry, "hotline_sensor_alert_digests_total", { platform: "dingtalk" })).toBe(2);
    expect(await counter(h.registry, "hotline_sensor_alert_deliveries_total", { platform: "dingtalk", outcome: "sent" })).toBe(60);

    // Dedupe and resume see the digested alerts as sent: a restart resends nothing, a repeat raises nothing.
    const again = startAlerter(store, clock, [wecom, ding], "routes:\n  - name: r\n    receivers: [wecom, dingtalk]", "digest:\n  after: 5\n");
    again.alerter.offer(flags(60));
    await waitFor("the repeat is deduplicated", async () => (await counter(again.registry, "hotline_sensor_alerts_deduplicated_total", {})) === 60);
    await again.alerter.close(1_000);
    expect(ding.received).toHaveLength(2);
  });

  it("few alerts go alone; a digest counts as one message against DingTalk's 20 a minute, and alerts waiting for the limit join one", async () => {
    const ding = await robot("dingtalk");
    const h = startAlerter(store, clock, [ding], "routes:\n  - name: r\n    receivers: [dingtalk]", "digest:\n  after: 19\n  windowMs: 60000\n");
    h.alerter.offer(flags(19)); // not more than `after`: one message each
    await waitFor("19 single messages", () => ding.received.length === 19);
    expect(ding.received.some((x) => x.text.includes("DIGEST"))).toBe(false);
    h.alerter.offer(flags(30, 100)); // now 49 within the window: the 30 waiting go as one digest, the 20th message of the minute
    await waitFor("the first digest", () => ding.received.length === 20);
    expect(districtsIn(ding.received[19]!.text)).toHaveLength(30);
    h.alerter.offer(flags(10, 200)); // the robot's minute is used up: these wait, together
    await waitFor("the lane waits for the window", async () => clock.sleeping >= 1 && (await outcomes("sent")) === 49);
    expect(ding.received).toHaveLength(20);
    clock.advance(60_000);
    await waitFor("the second digest", () => ding.received.length === 21);
    await waitFor("all recorded", async () => (await outcomes("sent")) === 59);
    await h.alerter.close(1_000);
    expect(ding.received.every((x) => x.accepted)).toBe(true); // never throttled (errcode 130101)
    expect(districtsIn(ding.received[20]!.text)).toHaveLength(10);
  });

  it("the generic webhook never gets digests: machines take one alert per request", async () => {
    const hook = await robot("webhook");
    const h = startAlerter(store, clock, [hook], "routes:\n  - name: r\n    receivers: [webhook]", "digest:\n  after: 2\n");
    h.alerter.offer(flags(8));
    await waitFor("8 requests", () => hook.accepted().length === 8);
    await h.alerter.close(1_000);
    expect(new Set(hook.received.map((x) => x.headers["x-hotline-alert-id"])).size).toBe(8);
  });
});

describe("silences", () => {
  const until = (ms: number) => new Date(ms).toISOString();

  it("a routing-file silence records matching alerts as silenced and sends the rest; an expired one matches nothing", async () => {
    const slack = await robot("slack");
    const extra = `silences:
  - kind: ticket_flag
    maxSeverity: medium
    district: "3799.001"
    reason: 区里已知, 正在处理 known, being handled
    createdBy: duty-lead
    until: ${until(T0 + 2 * HOUR)}
  - district: "3799.002"
    reason: expired already
    until: ${until(T0 - HOUR)}
`;
    const h = startAlerter(store, clock, [slack], "routes:\n  - name: r\n    receivers: [slack]", extra);
    h.alerter.offer(
      tables({
        ticket_flags: [ticketFlagRow({ ticket: "TS1", district: "3799.001" }), ticketFlagRow({ ticket: "TS2", district: "3799.002" })],
        spikes: [spikeRow({ district: "3799.001", observed: 40, expected: 2 })], // critical: above the silence's maxSeverity
      }),
    );
    await waitFor("two sent, one silenced", async () => (await outcomes("sent")) === 2 && (await outcomes("silenced")) === 1);
    await h.alerter.close(1_000);
    expect(slack.received).toHaveLength(2);
    expect(slack.received.some((x) => x.text.includes("TS1"))).toBe(false);
    expect(await store.query("SELECT alert_id, outcome, attempt, error FROM alert_deliveries WHERE outcome = 'silenced'")).toEqual([
      { alert_id: "ticket_flags:TS1:supervised:0:medium", outcome: "silenced", attempt: 0, error: `silence file:0 by duty-lead until ${until(T0 + 2 * HOUR)}: 区里已知, 正在处理 known, being handled` },
    ]);
    expect(await count(store, "SELECT count() AS n FROM alerts FINAL")).toBe(3); // recorded all the same
    expect(await counter(h.registry, "hotline_sensor_alert_deliveries_total", { platform: "slack", outcome: "silenced" })).toBe(1);

    // A restart does not resume a silenced delivery.
    const again = startAlerter(store, clock, [slack], "routes:\n  - name: r\n    receivers: [slack]");
    clock.advance(1_000);
    await again.alerter.close(1_000);
    expect(slack.received).toHaveLength(2);
  });

  it("a silence in the store (as the API writes it) holds until it expires; growth after that is sent", async () => {
    const feishu = await robot("feishu");
    await store.insert("alert_silences", [
      silenceToRow({ silenceId: "s-1", kind: "spike", maxSeverity: "", districtCode: "", categoryCode: "03", departmentCode: "", reason: "water main works", createdBy: "ops", createdAtMs: clock.now(), untilMs: T0 + HOUR }, clock.now()),
    ]);
    const h = startAlerter(store, clock, [feishu], "routes:\n  - name: r\n    receivers: [feishu]");
    h.alerter.offer(tables({ spikes: [spikeRow({ observed: 12 }), spikeRow({ id: "sp_other", path: ["01", "01.02"], observed: 12 })] }));
    await waitFor("one sent, one silenced", async () => (await outcomes("sent")) === 1 && (await outcomes("silenced")) === 1);
    expect(feishu.received).toHaveLength(1);
    expect(feishu.received[0]?.text).toContain("var-spike_id=sp_other");

    clock.advance(HOUR); // the silence expires
    h.alerter.offer(tables({ spikes: [spikeRow({ observed: 25, status: "updated", atMs: T0 + HOUR })] }));
    await waitFor("the grown spike is sent", () => feishu.received.length === 2);
    await h.alerter.close(1_000);
    expect(feishu.received[1]?.text).toContain("升级 grew");
  });
});

describe("acknowledgements", () => {
  it("an acknowledged result is not announced again for growth within quietMs; a higher severity is, and growth after quietMs is", async () => {
    const wecom = await robot("wecom");
    const h = startAlerter(store, clock, [wecom], "routes:\n  - name: r\n    receivers: [wecom]", "acknowledgements:\n  quietMs: 7200000\n");
    h.alerter.offer(tables({ spikes: [spikeRow({ observed: 12, expected: 5 })] })); // 12 vs 5: medium, rung 3
    await waitFor("the first alert", () => wecom.received.length === 1);
    // recorded means answered: no request timeout is pending when the clock jumps below
    await waitFor("the first alert recorded", async () => (await outcomes("sent")) === 1);
    await store.insert("alert_acks", [{ alert_id: "spikes:sp_7f3a:3:medium", result_table: "spikes", result_id: "sp_7f3a", acked_by: "duty-lead", note: "", acked_at: msToStoreTime(clock.now()) }]);

    clock.advance(HOUR);
    h.alerter.offer(tables({ spikes: [spikeRow({ observed: 20, expected: 8, status: "updated", atMs: T0 + HOUR })] })); // rung 4, still medium
    await waitFor("recorded as acknowledged", async () => (await outcomes("acknowledged")) === 1);
    expect(wecom.received).toHaveLength(1);

    h.alerter.offer(tables({ spikes: [spikeRow({ observed: 40, expected: 4, status: "updated", atMs: T0 + HOUR })] })); // rung 5, critical
    await waitFor("the escalation is sent", () => wecom.received.length === 2);
    expect(wecom.received[1]?.text).toContain("紧急 CRITICAL");
    await waitFor("the escalation recorded", async () => (await outcomes("sent")) === 2);

    clock.advance(2 * HOUR); // the acknowledgement is older than quietMs
    h.alerter.offer(tables({ spikes: [spikeRow({ observed: 70, expected: 4, status: "updated", atMs: T0 + 3 * HOUR })] })); // rung 6
    await waitFor("growth is announced again", () => wecom.received.length === 3);
    await h.alerter.close(1_000);
    expect(await store.query("SELECT alert_id, outcome FROM alert_deliveries ORDER BY at, alert_id")).toEqual([
      { alert_id: "spikes:sp_7f3a:3:medium", outcome: "sent" },
      { alert_id: "spikes:sp_7f3a:4:medium", outcome: "acknowledged" },
      { alert_id: "spikes:sp_7f3a:5:critical", outcome: "sent" },
      { alert_id: "spikes:sp_7f3a:6:critical", outcome: "sent" },
    ]);
  });
});
