// DingTalk (钉钉) custom robot with signing (加签): HMAC-SHA256 keyed with the secret over
// `timestamp_ms + "\n" + secret`, Base64, URL-encoded, appended as &timestamp=…&sign=…
// 20 messages a minute per robot, then 10 minutes of errcode 130101; bodies up to about 20 KB.
import { createHmac } from "node:crypto";
import type { ReceiverConfig } from "../config.js";
import type { OutgoingRequest, Platform } from "./platform.js";
import { JSON_HEADERS, httpVerdict, jsonBody } from "./platform.js";
import { renderMessage, titleOf } from "../message.js";

const MAX_TEXT_BYTES = 18_000;
const THROTTLED = 130101;

export function dingtalkSign(timestampMs: number, secret: string): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`, "utf8").digest("base64");
}

export function dingtalkSignedUrl(url: string, secret: string | undefined, nowMs: number): string {
  if (secret === undefined) return url;
  const signed = new URL(url);
  signed.searchParams.set("timestamp", String(nowMs));
  signed.searchParams.set("sign", dingtalkSign(nowMs, secret));
  return signed.toString();
}

function envelope(title: string, text: string, receiver: ReceiverConfig, nowMs: number): OutgoingRequest {
  return {
    url: dingtalkSignedUrl(receiver.url, receiver.secret, nowMs),
    headers: JSON_HEADERS,
    body: JSON.stringify({ msgtype: "markdown", markdown: { title, text } }),
  };
}

export const dingtalk: Platform = {
  name: "dingtalk",
  build(alert, receiver, options, nowMs) {
    return envelope(titleOf(alert), renderMessage(alert, options, "markdown", MAX_TEXT_BYTES), receiver, nowMs);
  },
  digest: { markup: "markdown", maxBytes: MAX_TEXT_BYTES, build: (d, receiver, nowMs) => envelope(d.title, d.text, receiver, nowMs) },
  verdict(status, retryAfter, body) {
    const http = httpVerdict(status, retryAfter);
    if (http !== undefined) return http;
    const code = jsonBody(body)?.errcode;
    if (code === 0) return { ok: true };
    if (code === THROTTLED) return { ok: false, retriable: true, reason: `errcode ${THROTTLED} (throttled)`, retryAfterMs: 60_000 };
    return { ok: false, retriable: code === -1, reason: `errcode ${String(code)}` };
  },
};
