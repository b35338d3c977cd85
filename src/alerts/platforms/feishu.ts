// Feishu / Lark (飞书) custom bot with signing: HMAC-SHA256 keyed with `timestamp_s + "\n" +
// secret` over an empty message, Base64; `timestamp` and `sign` travel in the JSON body (the
// timestamp must be within an hour of the server's clock). Answers {"code":0}.
import { createHmac } from "node:crypto";
import type { ReceiverConfig } from "../config.js";
import type { Severity } from "../severity.js";
import type { OutgoingRequest, Platform } from "./platform.js";
import { JSON_HEADERS, httpVerdict, jsonBody } from "./platform.js";
import { renderMessage, titleOf } from "../message.js";

const MAX_TEXT_BYTES = 20_000;
const RETRY_CODES = new Set([9499, 11232, 11233]);
const TEMPLATE = { info: "grey", low: "blue", medium: "yellow", high: "orange", critical: "red" } as const;

export function feishuSign(timestampS: number, secret: string): string {
  return createHmac("sha256", `${timestampS}\n${secret}`).update("").digest("base64");
}

function envelope(title: string, text: string, severity: Severity, receiver: ReceiverConfig, nowMs: number): OutgoingRequest {
  const timestamp = Math.floor(nowMs / 1000);
  const signature = receiver.secret === undefined ? {} : { timestamp: String(timestamp), sign: feishuSign(timestamp, receiver.secret) };
  const card = {
    header: { template: TEMPLATE[severity], title: { tag: "plain_text", content: title } },
    elements: [{ tag: "markdown", content: text }],
  };
  return { url: receiver.url, headers: JSON_HEADERS, body: JSON.stringify({ ...signature, msg_type: "interactive", card }) };
}

export const feishu: Platform = {
  name: "feishu",
  build(alert, receiver, options, nowMs) {
    return envelope(titleOf(alert), renderMessage(alert, options, "markdown", MAX_TEXT_BYTES), alert.severity, receiver, nowMs);
  },
  digest: { markup: "markdown", maxBytes: MAX_TEXT_BYTES, build: (d, receiver, nowMs) => envelope(d.title, d.text, d.severity, receiver, nowMs) },
  verdict(status, retryAfter, body) {
    const http = httpVerdict(status, retryAfter);
    if (http !== undefined) return http;
    const answer = jsonBody(body);
    const code = answer?.code ?? answer?.StatusCode;
    if (code === 0) return { ok: true };
    const reason = `code ${String(code)}`;
    return typeof code === "number" && RETRY_CODES.has(code) ? { ok: false, retriable: true, reason, retryAfterMs: 10_000 } : { ok: false, retriable: false, reason };
  },
};
