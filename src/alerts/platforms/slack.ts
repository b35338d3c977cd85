// Slack incoming webhook: one section block of mrkdwn (3000 characters at most) and a plain
// fallback text. Answers 200 "ok"; 429 with Retry-After when sending too fast (about 1 a second).
import type { Platform } from "./platform.js";
import { JSON_HEADERS, httpVerdict } from "./platform.js";
import { renderMessage, titleOf } from "../message.js";

const MAX_SECTION_BYTES = 3000;

export const slack: Platform = {
  name: "slack",
  build(alert, receiver, options) {
    const text = renderMessage(alert, options, "slack", MAX_SECTION_BYTES);
    return { url: receiver.url, headers: JSON_HEADERS, body: JSON.stringify({ text: titleOf(alert), blocks: [{ type: "section", text: { type: "mrkdwn", text } }] }) };
  },
  verdict(status, retryAfter, body) {
    return httpVerdict(status, retryAfter) ?? (body.trim() === "ok" || body.trim() === "" ? { ok: true } : { ok: false, retriable: false, reason: "unexpected answer" });
  },
};
