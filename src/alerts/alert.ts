// What raises an alert: result rows (spikes, hotspots, repeats, ticket and caller flags, phrases)
// become alert candidates, pure and synchronous. A candidate's id is deterministic — result table,
// result id and the rung it reached — so a replay or a restart raises the same ids again and the
// outbox (outbox.ts) drops them.
import { z } from "zod";
import { scrubText } from "../contract/personal-data.js";
import { storeTimeToMs } from "../contract/store-time.js";
import type { TableRows } from "../pipeline/derive.js";
import type { AlertConfig } from "./config.js";
import { DASHBOARDS, panelUrl, type PanelLink } from "./grafana.js";
import { ALERT_KINDS, severityOf, severityRank, type AlertKind, type Severity } from "./severity.js";

/** One line of a message: a label and its value (plain text, already scrubbed). */
export interface Fact {
  readonly label: string;
  readonly value: string;
}

export interface Alert {
  readonly alertId: string;
  readonly kind: AlertKind;
  /** new: the first alert of this result; grew: it reached a higher rung or severity since. Set on admission. */
  readonly change: "new" | "grew";
  /** The growth rung reached (see `rungOf`); an update is announced only past the highest rung sent. */
  readonly step: number;
  readonly severity: Severity;
  readonly resultTable: string;
  readonly resultId: string;
  readonly districtCode: string;
  readonly categoryCode: string;
  /** Category codes from the root when the result carries them (spikes), else empty. */
  readonly categoryPath: readonly string[];
  readonly departmentCode: string;
  /** Event time of the change that raised it (the row's last_updated). */
  readonly raisedAtMs: number;
  /** Event time the result began (started_at / first_seen). */
  readonly sinceMs: number;
  readonly tickets: number;
  readonly ticketIds: readonly string[];
  /** What, in a few words (the message title before new/grew). */
  readonly what: string;
  /** Facts: where, how far above normal, since when, how many. */
  readonly facts: readonly Fact[];
  readonly panelUrl: string;
}

const num = z.coerce.number();
const str = z.string();
const strs = z.array(z.string());
const time = z.string().transform((t, ctx) => {
  const ms = storeTimeToMs(t);
  if (Number.isNaN(ms)) ctx.addIssue({ code: "custom", message: "not a store time" });
  return ms;
});

const spikeRow = z.object({
  spike_id: str, status: str, resolution: str, category_code: str, category_path: strs, district_code: str, trigger: str,
  started_at: time, observed: num, expected: num, ratio: num, sample_ticket_ids: strs, last_updated: time,
});
const hotspotRow = z.object({
  hotspot_id: str, kind: str, status: str, place_kind: str, place: str, district_code: str, category_code: str,
  observed: num, expected: num, window_start: str, window_end: str, sample_ticket_ids: strs, first_seen: time, last_updated: time,
});
const repeatRow = z.object({
  repeat_id: str, kind: str, status: str, ticket_ids: strs, tickets: num, callers: num, channels: strs, category_code: str,
  district_code: str, community_code: str, charged_department: str, first_seen: time, last_updated: time,
});
const ticketFlagRow = z.object({
  flag_id: str, ticket_id: str, kind: str, status: str, reason: str, category_code: str, district_code: str, department_code: str,
  first_seen: time, last_updated: time,
});
const callerFlagRow = z.object({ flag_id: str, kind: str, status: str, reason: str, tickets: num, sample_ticket_ids: strs, first_seen: time, last_updated: time });
const phraseRow = z.object({ phrase_id: str, phrase: str, status: str, observed: num, expected: num, sample_ticket_ids: strs, first_seen: time, last_updated: time });

/** Rungs of growth: 1, 2, 4, 8, … tickets. A result is announced again when it climbs one. */
export function rungOf(count: number): number {
  return count < 1 ? 0 : Math.floor(Math.log2(count));
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Draft extends Omit<Alert, "alertId" | "change" | "severity" | "panelUrl"> {
  readonly size: { readonly observed: number; readonly expected: number; readonly callers: number };
  readonly link: Omit<PanelLink, "fromMs" | "toMs"> & { readonly padMs: number };
}

function isAlertKind(kind: string): kind is AlertKind {
  return (ALERT_KINDS as readonly string[]).includes(kind);
}

function ratioText(observed: number, expected: number): string {
  if (expected <= 0) return `${observed} 件 (历史几乎为 0 / none expected)`;
  return `${observed} 件, 预期 ${expected.toFixed(1)} 件, ${(observed / expected).toFixed(1)} 倍 (×${(observed / expected).toFixed(1)} normal)`;
}

function where(district: string, extra?: string): string {
  const d = district === "" ? "全市 city-wide" : `区 district ${district}`;
  return extra === undefined ? d : `${d}, ${extra}`;
}

const KIND_TITLES: Readonly<Record<AlertKind, string>> = {
  spike: "突增 Spike",
  "hotspot.emerging": "新发热点 Emerging hotspot",
  "hotspot.chronic": "常发热点 Chronic hotspot",
  "repeat.collective": "群体诉求 Collective complaint",
  "repeat.after_closure": "办结≠解决 Repeat after closure",
  "repeat.same_caller": "重复来电 Same caller again",
  "repeat.multi_channel": "多头受理 Several channels",
  "repeat.similar_text": "相似诉求 Near-identical texts",
  "ticket_flag.supervised": "督办工单 Supervised ticket",
  "ticket_flag.reopened": "重办工单 Reopened ticket",
  "ticket_flag.ping_pong": "推诿工单 Ticket bounced between departments",
  "ticket_flag.overdue": "超期工单 Overdue ticket",
  "ticket_flag.repeated_extensions": "多次延期 Repeated extensions",
  "ticket_flag.multi_department": "多部门工单 Several departments",
  "caller_flag.frequent_caller": "高频来电 Very frequent caller (review)",
  "caller_flag.identical_text": "重复相同内容 Identical texts (review)",
  "caller_flag.out_of_scope": "多次不属受理范围 Out of scope (review)",
  phrase: "新兴短语 Emerging phrase",
};

function drafts(table: string, row: object): Draft | undefined {
  switch (table) {
    case "spikes": {
      const r = spikeRow.safeParse(row);
      if (!r.success) return undefined;
      const s = r.data;
      return {
        kind: "spike", step: rungOf(s.observed), resultTable: table, resultId: s.spike_id, districtCode: s.district_code, categoryCode: s.category_code,
        categoryPath: s.category_path, departmentCode: "", raisedAtMs: s.last_updated, sinceMs: s.started_at, tickets: s.observed, ticketIds: s.sample_ticket_ids,
        what: KIND_TITLES.spike,
        facts: [
          { label: "地点 Where", value: where(s.district_code) },
          { label: "分类 Category", value: s.category_path.length > 0 ? s.category_path.join(" > ") : s.category_code },
          { label: "高于常态 Above normal", value: ratioText(s.observed, s.expected) },
          { label: "窗口 Window", value: `${s.resolution === "hour" ? "小时 hourly" : "日 daily"} (${s.trigger})` },
        ],
        size: { observed: s.observed, expected: s.expected, callers: 0 },
        link: { uid: DASHBOARDS.spikes, district: s.district_code, category: s.category_code, department: "", idVariable: { name: "spike_id", value: s.spike_id }, padMs: DAY },
      };
    }
    case "hotspots": {
      const r = hotspotRow.safeParse(row);
      if (!r.success) return undefined;
      const h = r.data;
      const kind = `hotspot.${h.kind}`;
      if (!isAlertKind(kind)) return undefined;
      const place = h.place_kind === "h3" ? `网格 H3 cell ${h.place}` : h.place_kind === "community" ? `社区 community ${h.place}` : `区 district ${h.place}`;
      return {
        kind, step: h.observed, resultTable: table, resultId: h.hotspot_id, districtCode: h.district_code, categoryCode: h.category_code, categoryPath: [],
        departmentCode: "", raisedAtMs: h.last_updated, sinceMs: h.first_seen, tickets: h.observed, ticketIds: h.sample_ticket_ids, what: KIND_TITLES[kind],
        facts: [
          { label: "地点 Where", value: where(h.district_code, place) },
          { label: "分类 Category", value: h.category_code },
          { label: "高于常态 Above normal", value: h.kind === "chronic" ? `${h.observed} 件 (连续多月居前 / top for months)` : ratioText(h.observed, h.expected) },
          { label: "窗口 Window", value: `${h.window_start} – ${h.window_end}` },
        ],
        size: { observed: h.observed, expected: h.expected, callers: 0 },
        link: { uid: DASHBOARDS.hotspots, district: h.district_code, category: h.category_code, department: "", idVariable: { name: "hotspot_id", value: h.hotspot_id }, padMs: 7 * DAY },
      };
    }
    case "repeats": {
      const r = repeatRow.safeParse(row);
      if (!r.success) return undefined;
      const p = r.data;
      const kind = `repeat.${p.kind}`;
      if (!isAlertKind(kind)) return undefined;
      const facts: Fact[] = [
        { label: "地点 Where", value: where(p.district_code, p.community_code === "" ? undefined : `社区 community ${p.community_code}`) },
        { label: "分类 Category", value: p.category_code },
        { label: "规模 Size", value: `${p.tickets} 件工单, ${p.callers} 位诉求人, 渠道 ${p.channels.join("/") || "-"} (${p.tickets} tickets, ${p.callers} callers)` },
      ];
      if (p.charged_department !== "") facts.push({ label: "责任单位 Charged department", value: p.charged_department });
      return {
        kind, step: rungOf(p.tickets), resultTable: table, resultId: p.repeat_id, districtCode: p.district_code, categoryCode: p.category_code, categoryPath: [],
        departmentCode: p.charged_department, raisedAtMs: p.last_updated, sinceMs: p.first_seen, tickets: p.tickets, ticketIds: p.ticket_ids, what: KIND_TITLES[kind], facts,
        size: { observed: p.tickets, expected: 0, callers: p.callers },
        link: { uid: DASHBOARDS.repeats, district: p.district_code, category: p.category_code, department: p.charged_department, idVariable: { name: "repeat_id", value: p.repeat_id }, padMs: 7 * DAY },
      };
    }
    case "ticket_flags": {
      const r = ticketFlagRow.safeParse(row);
      if (!r.success) return undefined;
      const f = r.data;
      const kind = `ticket_flag.${f.kind}`;
      if (!isAlertKind(kind)) return undefined;
      return {
        kind, step: 0, resultTable: table, resultId: f.flag_id, districtCode: f.district_code, categoryCode: f.category_code, categoryPath: [],
        departmentCode: f.department_code, raisedAtMs: f.last_updated, sinceMs: f.first_seen, tickets: 1, ticketIds: [f.ticket_id], what: KIND_TITLES[kind],
        facts: [
          { label: "地点 Where", value: where(f.district_code) },
          { label: "分类 Category", value: f.category_code },
          { label: "承办单位 Department", value: f.department_code || "-" },
          { label: "原因 Reason", value: f.reason },
        ],
        size: { observed: 1, expected: 0, callers: 0 },
        link: { uid: DASHBOARDS.overview, district: f.district_code, category: f.category_code, department: f.department_code, padMs: DAY },
      };
    }
    case "caller_flags": {
      const r = callerFlagRow.safeParse(row);
      if (!r.success) return undefined;
      const f = r.data;
      const kind = `caller_flag.${f.kind}`;
      if (!isAlertKind(kind)) return undefined;
      // The caller is named by nothing but the tickets: no key, no number, in chat.
      return {
        kind, step: 0, resultTable: table, resultId: f.flag_id, districtCode: "", categoryCode: "", categoryPath: [], departmentCode: "",
        raisedAtMs: f.last_updated, sinceMs: f.first_seen, tickets: f.tickets, ticketIds: f.sample_ticket_ids, what: KIND_TITLES[kind],
        facts: [
          { label: "原因 Reason", value: f.reason },
          { label: "说明 Note", value: "仅供人工复核, 不拦截诉求 (for human review; nothing is blocked)" },
        ],
        size: { observed: f.tickets, expected: 0, callers: 1 },
        link: { uid: DASHBOARDS.overview, district: "", category: "", department: "", padMs: 30 * DAY },
      };
    }
    case "phrases": {
      const r = phraseRow.safeParse(row);
      if (!r.success) return undefined;
      const p = r.data;
      return {
        kind: "phrase", step: rungOf(p.observed), resultTable: table, resultId: p.phrase_id, districtCode: "", categoryCode: "", categoryPath: [], departmentCode: "",
        raisedAtMs: p.last_updated, sinceMs: p.first_seen, tickets: p.observed, ticketIds: p.sample_ticket_ids, what: KIND_TITLES.phrase,
        facts: [
          { label: "短语 Phrase", value: `「${p.phrase}」` },
          { label: "高于常态 Above normal", value: ratioText(p.observed, p.expected) },
        ],
        size: { observed: p.observed, expected: p.expected, callers: 0 },
        link: { uid: DASHBOARDS.overview, district: "", category: "", department: "", padMs: 7 * DAY },
      };
    }
    default:
      return undefined;
  }
}

export interface RaiseResult {
  readonly alerts: Alert[];
  /** Rows of alerting tables that did not have the expected shape (a bug upstream). */
  readonly malformed: number;
}

/**
 * Candidates from one batch's result rows: open or updated results at or above the minimum
 * severity whose change is not older than `maxAgeMs` before `nowMs`. Closed results never alert.
 */
export function raiseAlerts(tables: readonly TableRows[], config: AlertConfig, nowMs: number): RaiseResult {
  const alerts: Alert[] = [];
  let malformed = 0;
  const minimum = severityRank(config.minSeverity);
  for (const { table, rows } of tables) {
    for (const row of rows) {
      const status = (row as { status?: unknown }).status;
      if (status !== "open" && status !== "updated") continue;
      const draft = drafts(table, row);
      if (draft === undefined) {
        if (["spikes", "hotspots", "repeats", "ticket_flags", "caller_flags", "phrases"].includes(table)) malformed++;
        continue;
      }
      if (draft.raisedAtMs < nowMs - config.delivery.maxAgeMs) continue;
      const severity = severityOf(draft.kind, draft.size, config.severityOverrides);
      if (severity === undefined || severityRank(severity) < minimum) continue;
      const { size: _size, link, ...rest } = draft;
      const fromMs = Math.min(draft.sinceMs, draft.raisedAtMs) - link.padMs;
      const toMs = draft.raisedAtMs + HOUR;
      alerts.push({
        ...rest,
        // Scrubbed here, once more after ingest, so neither chat nor the outbox sees a number.
        facts: rest.facts.map((f) => ({ label: scrubText(f.label), value: scrubText(f.value) })),
        ticketIds: rest.ticketIds.map(scrubText),
        alertId: `${table}:${draft.resultId}:${draft.step}:${severity}`,
        change: "new",
        severity,
        panelUrl: panelUrl(config.grafanaUrl, config.grafanaOrgId, { ...link, fromMs, toMs }),
      });
    }
  }
  return { alerts, malformed };
}
