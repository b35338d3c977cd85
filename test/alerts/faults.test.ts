// Delivery under pressure, on a manual clock (no wall-clock timing): DingTalk's 20 a minute, retries
// with backoff, a hanging endpoint, a failing endpoint, the bounded queue, resume after a restart.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import pino from "pino";
import { Registry } from "prom-client";
import { createAlerter, parseAlertConfig } from "../../src/alerts/index.js";
import { dingtalkSignedUrl } from "../../src/alerts/platforms/dingtalk.js";
import type { Store } from "../../src/store/port.js";
import { count } from "../support/store.js";
import { counter, startAlerter } from "./support/alerter.js";
import { ManualClock, waitFor } from "./support/clock.js";
import { startReceiver, type FakeReceiver } from "./support/receivers.js";
import { T0, spikeRow, tables, ticketFlagRow } from "./support/rows.js";
import { openAlertStore } from "./support/store.js";

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

async function robot(kind: FakeReceiver["kind"], behaviour: FakeReceiver["behaviour"] = "normal"): Promise<FakeReceiver> {
  const r = await startReceiver(kind, () => clock.now(), behaviour);
  opened.push(r);
  return r;
}

/** `n` distinct supervised-ticket flags (medium), one alert each. */
function flags(n: number, from = 0) {
  return tables({ ticket_flags: Array.from({ length: n }, (_, i) => ticketFlagRow({ ticket: `TF${String(from + i).padStart(5, "0")}` })) });
}

const sent = () => count(store, "SELECT count() AS n FROM alert_deliveries WHERE outcome = 'sent'");

describe("DingTalk's limit of 20 messages a minute", () => {
  it("the fake robot really throttles the 21st message of a minute (errcode 130101)", async () => {
    const ding = await robot("dingtalk");
    const answers: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await fetch(dingtalkSignedUrl(ding.url, ding.secret, clock.now()), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ msgtype: "markdown", markdown: { title: "t", text: "x" } }),
      });
      answers.push(((await res.json()) as { errcode: number }).errcode);
    }
    expect(answers.slice(0, 20).every((c) => c === 0)).toBe(true);
    expect(answers[20]).toBe(130101);
  });

  it("25 alerts to one robot: 20 go, 5 wait for the minute to pass, none is throttled", async () => {
    const ding = await robot("dingtalk");
    const h = startAlerter(store, clock, [ding], "routes:\n  - name: r\n    receivers: [dingtalk]");
    h.alerter.offer(flags(25));
    await waitFor("20 delivered", () => ding.received.length === 20);
    // Once the 20 answers are recorded, no request timeout is pending: the one sleep left is the
    // rate-limit wait. (Counting sleeps earlier can catch a request's timeout, which the advance
    // below would fire.)
    await waitFor("20 recorded as sent", async () => (await sent()) === 20);
    await waitFor("the lane waits on the rate limit", () => clock.sleeping === 1);
    expect(ding.received).toHaveLength(20);
    clock.advance(30_000);
    expect(ding.received).toHaveLength(20);
    clock.advance(30_000);
    await waitFor("all 25 delivered", () => ding.received.length === 25);
    await h.alerter.close(1_000);
    expect(ding.received.every((r) => r.accepted)).toBe(true);
    expect(await sent()).toBe(25);
  });

  it("a robot configured above the platform's limit is throttled and the alert is retried after a backoff", async () => {
    const ding = await robot("dingtalk");
    // ratePerMinute 30 is wrong for DingTalk: the platform throttles the 21st.
    const config = parseAlertConfig(
      `receivers:\n  ding:\n    platform: dingtalk\n    url: ${JSON.stringify(ding.url)}\n    secret: ${JSON.stringify(ding.secret)}\n    ratePerMinute: 30\nroutes:\n  - name: r\n    receivers: [ding]\ndelivery:\n  backoffBaseMs: 1000\n`,
      "inline",
    );
    const registry = new Registry();
    const alerter = createAlerter({ config, store, logger: pino({ level: "silent" }), registry, clock });
    alerter.offer(flags(21));
    await waitFor("21 attempts", () => ding.received.length === 21);
    expect(ding.received.filter((r) => r.answer.includes("130101"))).toHaveLength(1);
    await waitFor("the throttled one is recorded for retry", async () => (await count(store, "SELECT count() AS n FROM alert_deliveries WHERE outcome = 'retry'")) === 1);
    clock.advance(60_000); // throttling backoff (60 s, the platform's window)
    await waitFor("the retry went through", () => ding.accepted().length === 21);
    await alerter.close(1_000);
    expect(await counter(registry, "hotline_sensor_alert_deliveries_total", { platform: "dingtalk", outcome: "retried" })).toBe(1);
    expect(await counter(registry, "hotline_sensor_alert_deliveries_total", { platform: "dingtalk", outcome: "sent" })).toBe(21);
  });
});

describe("failing and hanging endpoints", () => {
  it("a 500-returning endpoint is retried with growing backoff, then given up; every attempt is recorded", async () => {
    const slack = await robot("slack", "error500");
    const h = startAlerter(store, clock, [slack], "routes:\n  - name: r\n    receivers: [slack]", "delivery:\n  retries: 3\n  backoffBaseMs: 1000\n  backoffMaxMs: 60000\n");
    h.alerter.offer(flags(1));
    for (const [attempts, backoff] of [[1, 1000], [2, 2000], [3, 4000]] as const) {
      await waitFor(`attempt ${attempts}`, () => slack.received.length === attempts);
      await waitFor(`backoff after attempt ${attempts}`, async () => (await count(store, "SELECT count() AS n FROM alert_deliveries WHERE outcome = 'retry'")) === attempts);
      clock.advance(backoff - 1);
      expect(slack.received).toHaveLength(attempts); // not before its backoff has passed
      clock.advance(1);
    }
    await waitFor("given up", async () => (await count(store, "SELECT count() AS n FROM alert_deliveries WHERE outcome = 'failed'")) === 1);
    await h.alerter.close(0);
    expect(slack.received).toHaveLength(4);
    expect(await store.query("SELECT attempt, outcome, http_status, error FROM alert_deliveries ORDER BY attempt")).toEqual([
      { attempt: 1, outcome: "retry", http_status: 500, error: "HTTP 500" },
      { attempt: 2, outcome: "retry", http_status: 500, error: "HTTP 500" },
      { attempt: 3, outcome: "retry", http_status: 500, error: "HTTP 500" },
      { attempt: 4, outcome: "failed", http_status: 500, error: "HTTP 500" },
    ]);
    expect(await counter(h.registry, "hotline_sensor_alert_deliveries_total", { platform: "slack", outcome: "failed" })).toBe(1);
  });

  it("a hanging endpoint holds only its own lane: offer returns at once, the other route delivers everything, the hung request times out", async () => {
    const hung = await robot("feishu", "hang");
    const wecom = await robot("wecom");
    const h = startAlerter(store, clock, [hung, wecom], "routes:\n  - name: r\n    receivers: [feishu, wecom]", "delivery:\n  timeoutMs: 10000\n  retries: 1\n");
    for (let i = 0; i < 10; i++) expect(h.alerter.offer(flags(1, i))).toBeUndefined(); // synchronous: no promise to wait on
    await waitFor("the healthy robot got all 10", () => wecom.accepted().length === 10);
    // recorded means answered: no healthy request's timeout is pending when the clock jumps below
    await waitFor("the healthy robot's deliveries recorded", async () => (await count(store, "SELECT count() AS n FROM alert_deliveries WHERE receiver = 'wecom' AND outcome = 'sent'")) === 10);
    expect(hung.received).toHaveLength(1); // one request, hanging; the rest wait behind it in its lane
    clock.advance(10_000); // the request timeout
    await waitFor("the timeout is recorded", async () => (await count(store, "SELECT count() AS n FROM alert_deliveries WHERE receiver = 'feishu' AND outcome = 'retry'")) === 1);
    expect(await store.query("SELECT http_status, error FROM alert_deliveries WHERE receiver = 'feishu'")).toEqual([{ http_status: 0, error: "no answer within 10000 ms" }]);
    await h.alerter.close(0); // the hung lane is cut at once
  });

  it("close() with a deadline leaves unsent alerts in the outbox, and the next start delivers them", async () => {
    const slack = await robot("slack", "hang");
    const first = startAlerter(store, clock, [slack], "routes:\n  - name: r\n    receivers: [slack]");
    first.alerter.offer(flags(3));
    await waitFor("one request hangs", () => slack.received.length === 1);
    const closed = first.alerter.close(5_000);
    clock.advance(5_000);
    await closed;
    expect(await sent()).toBe(0);
    expect(await count(store, "SELECT count() AS n FROM alerts FINAL")).toBe(3);

    slack.behaviour = "normal";
    const second = startAlerter(store, clock, [slack], "routes:\n  - name: r\n    receivers: [slack]");
    await waitFor("the three owed alerts are delivered", () => slack.accepted().length === 3);
    await second.alerter.close(1_000);
    expect(await sent()).toBe(3);
  });
});

describe("the bounded queue", () => {
  it("past queueMax the lowest severity is dropped first and counted", async () => {
    const hung = await robot("webhook", "hang");
    const h = startAlerter(store, clock, [hung], "routes:\n  - name: r\n    receivers: [webhook]", "severity:\n  minimum: low\ndelivery:\n  queueMax: 4\n");
    // First batch: one request goes out and hangs, the others wait.
    h.alerter.offer(tables({ ticket_flags: [ticketFlagRow({ ticket: "TQ0", kind: "supervised" })] }));
    await waitFor("one hanging request", () => hung.received.length === 1);
    h.alerter.offer(
      tables({
        ticket_flags: [
          ticketFlagRow({ ticket: "TQ1", kind: "overdue" }), // low
          ticketFlagRow({ ticket: "TQ2", kind: "supervised" }), // medium
          ticketFlagRow({ ticket: "TQ3", kind: "overdue" }), // low
          ticketFlagRow({ ticket: "TQ4", kind: "reopened" }), // medium
          ticketFlagRow({ ticket: "TQ5", kind: "ping_pong" }), // medium
        ],
        spikes: [spikeRow({ observed: 40, expected: 2 })], // critical
      }),
    );
    expect(h.alerter.depth()).toBe(4);
    await waitFor("the survivors recorded", async () => (await count(store, "SELECT count() AS n FROM alerts FINAL")) === 5);
    expect(await counter(h.registry, "hotline_sensor_alert_deliveries_total", { platform: "webhook", outcome: "dropped" })).toBe(2);
    expect(await store.query("SELECT result_id FROM alerts FINAL WHERE severity = 'low'")).toEqual([]);
    expect(await counter(h.registry, "hotline_sensor_alert_queue_depth", {})).toBe(4);
    await h.alerter.close(0);
  });
});
