// The generic signed webhook: the alert as JSON, signed so a receiver can check it came from us.
//   X-Hotline-Timestamp: epoch milliseconds when it was sent
//   X-Hotline-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//   X-Hotline-Alert-Id:  the alert's id, URL-encoded: the same id twice is the same alert (deduplicate on it)
// docs/alerts.md shows how to verify it.
import { createHmac } from "node:crypto";
import type { Platform } from "./platform.js";
import { JSON_HEADERS, httpVerdict } from "./platform.js";
import { scrubText } from "../../contract/personal-data.js";
import { renderMessage, summaryOf, titleOf } from "../message.js";

const MAX_TEXT_BYTES = 16_000;

export function webhookSignature(secret: string, timestampMs: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestampMs}.${body}`, "utf8").digest("hex")}`;
}

export const webhook: Platform = {
  name: "webhook",
  build(alert, receiver, options, nowMs) {
    const body = JSON.stringify({
      alert_id: alert.alertId,
      kind: alert.kind,
      change: alert.change,
      severity: alert.severity,
      title: titleOf(alert),
      summary: summaryOf(alert),
      text: renderMessage(alert, options, "markdown", MAX_TEXT_BYTES),
      result_table: alert.resultTable,
      result_id: alert.resultId,
      district_code: alert.districtCode,
      category_code: alert.categoryCode,
      department_code: alert.departmentCode,
      raised_at: new Date(alert.raisedAtMs).toISOString(),
      since: new Date(alert.sinceMs).toISOString(),
      tickets: alert.tickets,
      ticket_ids: alert.ticketIds.slice(0, Math.max(options.ticketIds, 10)).map(scrubText),
      panel_url: alert.panelUrl,
    });
    return {
      url: receiver.url,
      headers: {
        ...JSON_HEADERS,
        "x-hotline-timestamp": String(nowMs),
        "x-hotline-signature": webhookSignature(receiver.secret ?? "", nowMs, body),
        "x-hotline-alert-id": encodeURIComponent(alert.alertId),
      },
      body,
    };
  },
  verdict(status, retryAfter) {
    return httpVerdict(status, retryAfter) ?? { ok: true };
  },
};
