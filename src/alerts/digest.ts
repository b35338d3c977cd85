// Digests (摘要): when many alerts reach one receiver at once, one message lists them — what, where,
// how many tickets, a link each — instead of one message per alert. Built to the platform's byte
// limit: alerts that do not fit stay queued for the next message; every alert listed is recorded
// as delivered exactly as if it had been sent alone.
import type { Alert } from "./alert.js";
import { inert, SEVERITY_LABEL, truncateUtf8, type Markup } from "./message.js";
import { severityRank, type Severity } from "./severity.js";

const MAX_WHERE_BYTES = 160;

export interface RenderedDigest {
  readonly title: string;
  readonly text: string;
  readonly severity: Severity;
  /** How many of the alerts (from the first) the text lists; the rest did not fit. */
  readonly included: number;
}

function highest(alerts: readonly Alert[]): Severity {
  return alerts.reduce<Severity>((max, a) => (severityRank(a.severity) > severityRank(max) ? a.severity : max), "info");
}

export function digestTitle(alerts: readonly Alert[]): string {
  return `【摘要 DIGEST】${alerts.length} 条告警 ${alerts.length} alerts · 最高 ${SEVERITY_LABEL[highest(alerts)]}`;
}

function line(alert: Alert, markup: Markup): string {
  const bold = (s: string) => (markup === "slack" ? `*${s}*` : `**${s}**`);
  const link = (text: string, url: string) => (markup === "slack" ? `<${url}|${text}>` : `[${text}](${url})`);
  const where = alert.facts.find((f) => f.label.startsWith("地点"))?.value ?? alert.facts[0]?.value ?? "";
  const category = alert.categoryCode === "" ? "" : ` · ${alert.categoryCode}`;
  const grew = alert.change === "grew" ? " 升级 grew" : "";
  const label = SEVERITY_LABEL[alert.severity].split(" ")[0] ?? "";
  return `- ${bold(`【${label}】${inert(alert.what, markup)}${grew}`)}: ${truncateUtf8(inert(where, markup), MAX_WHERE_BYTES)}${inert(category, markup)} · ${alert.tickets} 件 tickets · ${link("查看 Open", alert.panelUrl)}`;
}

/**
 * The digest of `alerts` (given highest severity first) in `markup`, at most `maxBytes` bytes of
 * UTF-8, and how many of them it lists. At least one is always listed (cut like a single message).
 */
export function renderDigest(alerts: readonly Alert[], markup: Markup, maxBytes: number): RenderedDigest {
  const separator = "\n";
  const head = (listed: readonly Alert[]) => {
    const byKind = new Map<string, number>();
    for (const a of listed) byKind.set(a.what, (byKind.get(a.what) ?? 0) + 1);
    const kinds = [...byKind].map(([what, n]) => `${inert(what, markup)} ×${n}`).join(", ");
    const bold = (s: string) => (markup === "slack" ? `*${s}*` : `**${s}**`);
    return [bold(inert(digestTitle(listed), markup)), kinds, ""].join(separator);
  };
  const lines: string[] = [];
  let included = 0;
  for (const alert of alerts) {
    const next = [...lines, line(alert, markup)];
    const text = head(alerts.slice(0, next.length)) + separator + next.join(separator);
    if (Buffer.byteLength(text, "utf8") > maxBytes && included > 0) break;
    lines.push(line(alert, markup));
    included++;
  }
  const listed = alerts.slice(0, included);
  const text = truncateUtf8(head(listed) + separator + lines.join(separator), maxBytes);
  return { title: digestTitle(listed), text, severity: highest(listed), included };
}
