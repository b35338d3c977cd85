// The committed dashboard JSON is what the TypeScript in dashboards/src generates (a check fails
// when it is stale: run `npm run dashboards`), and it keeps the house rules: the uids the alerts
// link to, Beijing time, the common variables filtering every ClickHouse panel, local-day buckets,
// links to dashboards that exist, and Prometheus metrics the worker really exports.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { DASHBOARDS, render } from "../../dashboards/src/index.js";
import { COMMON_VARIABLES, UID } from "../../dashboards/src/common.js";
import { createMetrics } from "../../src/telemetry/metrics.js";

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dashboards");

type Json = Record<string, unknown>;
interface Panel {
  title: string;
  type: string;
  datasource?: { type?: string; uid?: string };
  targets?: { rawSql?: string; expr?: string; datasource?: { uid?: string } }[];
  links?: { url?: string }[];
  fieldConfig?: { defaults?: { links?: { url?: string }[] } };
}
interface Dashboard {
  uid: string;
  title: string;
  description?: string;
  timezone: string;
  tags: string[];
  panels: Panel[];
  templating: { list: { name: string; type: string; multi?: boolean; includeAll?: boolean }[] };
}

const committed = new Map(
  readdirSync(DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f.replace(/\.json$/, ""), readFileSync(path.join(DIR, f), "utf8")] as const),
);
const boards = [...committed.values()].map((text) => JSON.parse(text) as Dashboard);
const chPanels = boards.flatMap((b) => b.panels.filter((p) => p.datasource?.uid === "clickhouse").map((p) => [b, p] as const));

describe("generated dashboards", () => {
  it("are committed exactly as generated (run npm run dashboards after changing dashboards/src)", () => {
    expect([...committed.keys()].sort()).toEqual(Object.keys(DASHBOARDS).sort());
    for (const [name, build] of Object.entries(DASHBOARDS)) expect(committed.get(name), `dashboards/${name}.json is stale`).toBe(render(build));
  });

  it("have the uids the alert messages link to, Beijing time, a Chinese title and an English description", () => {
    expect(boards.map((b) => b.uid).sort()).toEqual(Object.values(UID).sort());
    for (const b of boards) {
      expect(b.timezone).toBe("Asia/Shanghai");
      expect(b.title).toMatch(/\p{Script=Han}/u);
      expect(b.description ?? "").toMatch(/^[A-Z].* .*/);
      expect(b.tags).toContain("hotline");
    }
  });

  it("all have the common variables, multi-value with All", () => {
    for (const b of boards) {
      for (const name of COMMON_VARIABLES) {
        const variable = b.templating.list.find((v) => v.name === name);
        expect(variable, `${b.uid}: $${name}`).toMatchObject({ multi: true, includeAll: true });
      }
    }
    const picks: Record<string, string> = { "hotline-spikes": "spike_id", "hotline-hotspots": "hotspot_id", "hotline-repeats": "repeat_id" };
    for (const [uid, name] of Object.entries(picks)) {
      const board = boards.find((b) => b.uid === uid);
      expect(board?.templating.list.find((v) => v.name === name), `${uid}: $${name}`).toMatchObject({ includeAll: true, multi: false });
    }
  });

  it.each(chPanels.map(([b, p]) => [`${b.uid} / ${p.title}`, p] as const))("%s: every common variable filters it, or a comment says why not", (_name, panel) => {
    for (const target of panel.targets ?? []) {
      const sql = target.rawSql ?? "";
      expect(target.datasource?.uid).toBe("clickhouse");
      for (const name of COMMON_VARIABLES) {
        const filtered = new RegExp(`\\$__conditionalAll\\([\\s\\S]*?, \\$${name}\\)`).test(sql);
        const excused = new RegExp(`^-- no ${name} filter: \\S`, "m").test(sql);
        expect(filtered || excused, `$${name} in:\n${sql}`).toBe(true);
      }
    }
  });

  it("bucket days, weeks and months in local time, never with UTC-aligned second intervals", () => {
    for (const [b, p] of chPanels) {
      for (const target of p.targets ?? []) {
        const sql = target.rawSql ?? "";
        for (const call of sql.matchAll(/\b(toStartOfDay|toStartOfMonth|toMonday|toStartOfWeek|toDate|toDayOfWeek)\(([^()]|\([^()]*\))*\)/g)) {
          expect(call[0], `${b.uid} / ${p.title}`).toMatch(/'Asia\/Shanghai'\)$/);
        }
        expect(sql, `${b.uid} / ${p.title}`).not.toMatch(/toStartOfInterval\([^;]*?INTERVAL\s+(1\s+DAY|86400\s+second)\)/i);
      }
    }
  });

  it("link only to dashboards that exist, carrying the time range and the variables", () => {
    const uids = new Set(boards.map((b) => b.uid));
    let links = 0;
    for (const b of boards) {
      for (const p of b.panels) {
        for (const link of [...(p.links ?? []), ...(p.fieldConfig?.defaults?.links ?? [])]) {
          links++;
          const target = /^\/d\/([\w-]+)\?/.exec(link.url ?? "")?.[1];
          expect(target !== undefined && uids.has(target), `${b.uid} / ${p.title}: ${link.url}`).toBe(true);
          expect(link.url).toContain("${__url_time_range}");
          for (const name of COMMON_VARIABLES) expect(link.url).toContain(`\${${name}:queryparam}`);
        }
      }
    }
    expect(links).toBeGreaterThan(10);
  });

  it("query only Prometheus metrics the worker exports", () => {
    const registry = new Registry();
    createMetrics(registry, { processMetrics: false });
    const names = new Set(
      registry.getMetricsAsArray().flatMap((m) => (String(m.type) === "histogram" ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name])),
    );
    const operations = boards.find((b) => b.uid === UID.operations);
    const exprs = (operations?.panels ?? []).flatMap((p) => (p.targets ?? []).flatMap((t) => (t.expr === undefined ? [] : [t.expr])));
    expect(exprs.length).toBeGreaterThan(5);
    for (const expr of exprs) {
      const used = [...expr.matchAll(/\bhotline_sensor_\w+/g)].map((m) => m[0]);
      expect(used.length, expr).toBeGreaterThan(0);
      for (const name of used) expect(names.has(name), `${name} in ${expr}`).toBe(true);
    }
  });
});

export type { Json };
