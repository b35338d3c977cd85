// Fault: the chat endpoint hangs (accepts the request, never answers) or answers 500. Alerts are
// raised and recorded, their deliveries stay pending or fail, and the pipeline keeps its pace:
// the worker consumes the whole topic while requests hang, and every table equals a run without
// alerts. No timed assertions: "keeps its pace" means the replay completes with the endpoint
// still holding requests it never answered.
import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startClickHouseHttp, type ClickHouseHttp } from "../clickhouse-http/spawn.js";
import { createTopic } from "../kafka/broker.js";
import { produce } from "../support/kafka.js";
import { tempDir } from "../support/store.js";
import { metricValue, startCli } from "../support/worker.js";
import { cityMessages, faultRig } from "./support.js";

const PARTITIONS = 3;

interface BadEndpoint {
  readonly url: string;
  /** Requests received; for a hanging endpoint, all still open. */
  readonly received: () => number;
  close(): Promise<void>;
}

async function badEndpoint(mode: "hang" | "fail"): Promise<BadEndpoint> {
  let received = 0;
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    received++;
    req.resume();
    if (mode === "fail") res.writeHead(500, { "content-type": "text/plain" }).end("internal error");
    else open.add(res); // never answered
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received: () => received,
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function routingFile(dir: string, mode: string): string {
  const file = path.join(dir, `alerts-${mode}.yaml`);
  writeFileSync(
    file,
    [
      "severity:",
      "  minimum: info",
      "delivery:",
      // the simulated city is weeks old by the wall clock: raise alerts for it all the same
      "  maxAgeMs: 31536000000",
      "  timeoutMs: 300000",
      "  retries: 2",
      "  backoffBaseMs: 200",
      "receivers:",
      "  chat:",
      "    platform: slack",
      "    url: { env: TEST_CHAT_URL }",
      "routes:",
      "  - name: everything",
      "    receivers: [chat]",
      "",
    ].join("\n"),
  );
  return file;
}

describe("a chat endpoint that hangs or fails", () => {
  const bootstrap = inject("kafkaBootstrap");
  const topic = `faults-chat-${Date.now()}`;
  let endpoint: ClickHouseHttp;
  const bad: BadEndpoint[] = [];
  const rig = faultRig({ bootstrap: () => bootstrap, topic, endpoint: () => endpoint });
  const dir = tempDir("faults-chat");

  beforeAll(async () => {
    endpoint = await startClickHouseHttp(tempDir("faults-chat-ch"));
    await createTopic(bootstrap, topic, PARTITIONS);
    await createTopic(bootstrap, `${topic}.dlq`, 1);
    await produce(bootstrap, topic, cityMessages(59, "2026-11-09T00:00:00+08:00", 3));
  }, 300_000);

  afterAll(async () => {
    for (const b of bad) await b.close();
    await endpoint?.stop();
  });

  it("keeps consuming at the pace of a run without alerts, and records the alerts it could not deliver", async () => {
    const runs: Record<string, { snapshot: Record<string, unknown[]>; consumed: number }> = {};
    for (const mode of ["none", "hang", "fail"] as const) {
      const chat = mode === "none" ? undefined : await badEndpoint(mode);
      if (chat !== undefined) bad.push(chat);
      const group = `chat-${mode}-${Date.now()}`;
      const extra: Record<string, string> = chat === undefined ? {} : { HOTLINE_ALERTS_FILE: routingFile(dir, mode), TEST_CHAT_URL: chat.url };
      const worker = startCli(["run"], rig.env(group, mode, extra));
      const url = await worker.ready;
      await rig.caughtUp(group, mode, worker, url, PARTITIONS);
      const consumed = await metricValue(url, "hotline_sensor_events_consumed_total");
      if (mode === "hang") {
        // caught up and detected everything while the endpoint sat on every request it got
        expect(chat!.received()).toBeGreaterThan(0);
        expect(await metricValue(url, "hotline_sensor_alert_deliveries_total")).toBe(0);
      }
      // stop drains with a deadline: a hung delivery does not keep the worker from stopping
      expect(await worker.stop()).toEqual({ code: 0, signal: null });
      runs[mode] = { snapshot: await rig.snapshot(mode), consumed };
    }
    for (const mode of ["hang", "fail"]) {
      expect(runs[mode]!.consumed, mode).toBe(runs["none"]!.consumed);
      for (const table of Object.keys(runs["none"]!.snapshot)) expect(runs[mode]!.snapshot[table], `${mode}: ${table}`).toEqual(runs["none"]!.snapshot[table]);
    }

    const [raised] = await rig.query<{ n: number | string }>("hang", "SELECT count() AS n FROM alerts FINAL");
    expect(Number(raised?.n)).toBeGreaterThan(0);
    const hung = await rig.query<{ outcome: string }>("hang", "SELECT DISTINCT outcome FROM alert_deliveries");
    expect(hung.map((d) => d.outcome)).not.toContain("sent");

    const [failedAlerts] = await rig.query<{ n: number | string }>("fail", "SELECT count() AS n FROM alerts FINAL");
    expect(Number(failedAlerts?.n)).toBeGreaterThan(0);
    const failed = await rig.query<{ outcome: string; http_status: number | null }>("fail", "SELECT DISTINCT outcome, http_status FROM alert_deliveries ORDER BY outcome");
    expect(failed.map((d) => d.outcome)).not.toContain("sent");
    expect(failed.some((d) => d.outcome === "failed" && Number(d.http_status) === 500), JSON.stringify(failed)).toBe(true);
  }, 900_000);
});
