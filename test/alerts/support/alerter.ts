// Builds an alerter over a real store, real fake-platform servers and a manual clock.
import pino from "pino";
import { Registry } from "prom-client";
import { createAlerter, parseAlertConfig, type Alerter, type AlertConfig } from "../../../src/alerts/index.js";
import type { Store } from "../../../src/store/port.js";
import type { ManualClock } from "./clock.js";
import type { FakeReceiver } from "./receivers.js";

export interface Harness {
  readonly alerter: Alerter;
  readonly registry: Registry;
  readonly config: AlertConfig;
  /** Every log line the alerter wrote, as text. */
  readonly logs: string[];
}

/** A routing file with one receiver per fake robot (named after its platform) and `routes`. */
export function routingYaml(receivers: readonly FakeReceiver[], routes: string, extra = ""): { yaml: string; env: Record<string, string> } {
  const env: Record<string, string> = {};
  const lines = ["grafana:", "  url: http://grafana.test:3000/", "receivers:"];
  for (const r of receivers) {
    const key = r.kind.toUpperCase();
    env[`${key}_URL`] = r.url;
    env[`${key}_SECRET`] = r.secret;
    lines.push(`  ${r.kind}:`, `    platform: ${r.kind}`, `    url: { env: ${key}_URL }`, `    secret: { env: ${key}_SECRET }`);
  }
  return { yaml: `${lines.join("\n")}\n${routes}\n${extra}`, env };
}

export function startAlerter(store: Store, clock: ManualClock, receivers: readonly FakeReceiver[], routes: string, extra = ""): Harness {
  const { yaml, env } = routingYaml(receivers, routes, extra);
  const config = parseAlertConfig(yaml, "test.yaml", { env });
  const logs: string[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(line) });
  const registry = new Registry();
  const alerter = createAlerter({ config, store, logger, registry, clock });
  return { alerter, registry, config, logs };
}

export async function counter(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { labels: Record<string, string | number>; value: number }[];
  return values.filter((v) => Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x)).reduce((s, v) => s + v.value, 0);
}
