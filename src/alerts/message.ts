// The words of an alert: title, facts, since when, how many tickets, a few ticket ids and the
// Grafana link, formatted for each platform's markup and cut to its byte limit on a character
// boundary. Every text goes through scrubText once more: no phone or ID number leaves here.
import { scrubText } from "../contract/personal-data.js";
import type { Alert } from "./alert.js";

export type Markup = "markdown" | "slack";

export interface MessageOptions {
  readonly timeZone: string;
  /** Ticket ids shown at most. */
  readonly ticketIds: number;
}

const MAX_FACT_BYTES = 600;

export const SEVERITY_LABEL = { info: "提示 INFO", low: "低 LOW", medium: "中 MEDIUM", high: "高 HIGH", critical: "紧急 CRITICAL" } as const;

export function titleOf(alert: Alert): string {
  const change = alert.change === "grew" ? " · 升级 grew" : "";
  return scrubText(`【${SEVERITY_LABEL[alert.severity]}】${alert.what}${change}`);
}

export function localTime(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
}

/** A one-line summary (what, where, how many) stored with the alert and used as a fallback text. */
export function summaryOf(alert: Alert): string {
  const facts = alert.facts.slice(0, 3).map((f) => `${f.label}: ${f.value}`);
  return scrubText([...facts, `工单 Tickets: ${alert.tickets}`].join("; "));
}

/** Characters that would open markup in the chat platforms' markdown dialects, made inert. */
export function inert(text: string, markup: Markup): string {
  const scrubbed = scrubText(text).replace(/[\r\n]+/g, " ");
  if (markup === "slack") return scrubbed.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/[*_~`]/g, (c) => `\u200b${c}\u200b`);
  return scrubbed.replace(/[*_`[\]<>#]/g, (c) => ({ "*": "＊", _: "＿", "`": "ˋ", "[": "［", "]": "］", "<": "＜", ">": "＞", "#": "＃" })[c] ?? c);
}

function lines(alert: Alert, options: MessageOptions, markup: Markup, ticketIds: number): string[] {
  const bold = (s: string) => (markup === "slack" ? `*${s}*` : `**${s}**`);
  const link = (text: string, url: string) => (markup === "slack" ? `<${url}|${text}>` : `[${text}](${url})`);
  const out = [bold(inert(titleOf(alert), markup))];
  // A long reason must not push the link out of a short message: each value is capped.
  for (const f of alert.facts) out.push(`${bold(inert(f.label, markup))}: ${truncateUtf8(inert(f.value, markup), MAX_FACT_BYTES)}`);
  out.push(`${bold("开始 Since")}: ${localTime(alert.sinceMs, options.timeZone)} (${options.timeZone})`);
  out.push(`${bold("工单 Tickets")}: ${alert.tickets}`);
  out.push(link("在 Grafana 中查看 Open in Grafana", alert.panelUrl));
  const shown = alert.ticketIds.slice(0, ticketIds).map((id) => inert(id, markup));
  if (shown.length > 0) {
    const more = alert.ticketIds.length > shown.length ? ` … (+${alert.ticketIds.length - shown.length})` : "";
    out.push(`${bold("示例工单 Tickets")}: ${shown.join(", ")}${more}`);
  }
  return out;
}

/**
 * The message body in `markup`, at most `maxBytes` bytes of UTF-8: ticket ids go first, then the
 * text is cut at a character boundary with an ellipsis. The link comes before the ticket ids so it
 * survives the usual cut.
 */
export function renderMessage(alert: Alert, options: MessageOptions, markup: Markup, maxBytes: number): string {
  const separator = markup === "slack" ? "\n" : "\n\n";
  for (let ids = options.ticketIds; ids >= 0; ids--) {
    const text = lines(alert, options, markup, ids).join(separator);
    if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
  }
  return truncateUtf8(lines(alert, options, markup, 0).join(separator), maxBytes);
}

/** Cuts `text` to at most `maxBytes` bytes of UTF-8, never inside a character, ending in "…" when cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  const ellipsis = "…"; // 3 bytes
  let end = Math.max(0, maxBytes - Buffer.byteLength(ellipsis));
  // Step back over continuation bytes (10xxxxxx) to the start of the character that would be cut.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  let cut = bytes.subarray(0, end).toString("utf8");
  // A surrogate pair is one 4-byte character in UTF-8, so it is never split; a lone high surrogate cannot appear.
  if (maxBytes < Buffer.byteLength(ellipsis)) return cut;
  cut += ellipsis;
  return cut;
}
