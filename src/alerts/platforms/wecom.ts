// WeCom (企业微信) group robot: the key is in the webhook URL, no signature; markdown content of
// at most 4096 bytes. Answers {"errcode":0}; 45009 means too many requests (20 a minute).
import type { ReceiverConfig } from "../config.js";
import type { OutgoingRequest, Platform } from "./platform.js";
import { JSON_HEADERS, httpVerdict, jsonBody } from "./platform.js";
import { renderMessage } from "../message.js";

export const WECOM_MAX_CONTENT_BYTES = 4096;
const RETRY_CODES = new Set([-1, 45009, 45033]);

function envelope(content: string, receiver: ReceiverConfig): OutgoingRequest {
  return { url: receiver.url, headers: JSON_HEADERS, body: JSON.stringify({ msgtype: "markdown", markdown: { content } }) };
}

export const wecom: Platform = {
  name: "wecom",
  build(alert, receiver, options) {
    return envelope(renderMessage(alert, options, "markdown", WECOM_MAX_CONTENT_BYTES), receiver);
  },
  digest: { markup: "markdown", maxBytes: WECOM_MAX_CONTENT_BYTES, build: (d, receiver) => envelope(d.text, receiver) },
  verdict(status, retryAfter, body) {
    const http = httpVerdict(status, retryAfter);
    if (http !== undefined) return http;
    const code = jsonBody(body)?.errcode;
    if (code === 0) return { ok: true };
    const reason = `errcode ${String(code)}`;
    return typeof code === "number" && RETRY_CODES.has(code) ? { ok: false, retriable: true, reason, retryAfterMs: 60_000 } : { ok: false, retriable: false, reason };
  },
};
