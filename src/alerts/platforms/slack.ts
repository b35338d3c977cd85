// Slack incoming webhook: one section block of mrkdwn (3000 characters at most) and a plain
// fallback text. Answers 200 "ok"; 429 with Retry-After when sending too fast (about 1 a second).
import type { ReceiverConfig } from "../config.js";
import type { OutgoingRequest, Platform } from "./platform.js";
import { JSON_HEADERS, httpVerdict } from "./platform.js";
import { renderMessage, titleOf } from "../message.js";

const MAX_SECTION_BYTES = 3000;

function envelope(title: string, text: string, receiver: ReceiverConfig): OutgoingRequest {
  return { url: receiver.url, headers: JSON_HEADERS, body: JSON.stringify({ text: title, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] }) };
}

export const slack: Platform = {
  name: "slack",
  build(alert, receiver, options) {
    return envelope(titleOf(alert), renderMessage(alert, options, "slack", MAX_SECTION_BYTES), receiver);
  },
  digest: { markup: "slack", maxBytes: MAX_SECTION_BYTES, build: (d, receiver) => envelope(d.title, d.text, receiver) },
  verdict(status, retryAfter, body) {
    return httpVerdict(status, retryAfter) ?? (body.trim() === "ok" || body.trim() === "" ? { ok: true } : { ok: false, retriable: false, reason: "unexpected answer" });
  },
};
