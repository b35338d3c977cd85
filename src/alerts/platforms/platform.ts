// What every chat platform adapter provides: the HTTP request for an alert, and the verdict on the
// answer (sent, retry, or give up). Adapters are pure; the dispatcher does the I/O.
import type { Alert } from "../alert.js";
import type { PlatformName, ReceiverConfig } from "../config.js";
import type { RenderedDigest } from "../digest.js";
import type { Markup, MessageOptions } from "../message.js";

export interface OutgoingRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type Verdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly retriable: boolean; readonly reason: string; readonly retryAfterMs?: number };

export interface Platform {
  readonly name: PlatformName;
  /** `nowMs` signs the request (DingTalk, Feishu, the generic webhook). */
  build(alert: Alert, receiver: ReceiverConfig, options: MessageOptions, nowMs: number): OutgoingRequest;
  verdict(status: number, retryAfter: string | null, body: string): Verdict;
  /** Digests of many alerts in one message; absent: the platform gets every alert alone (webhook). */
  readonly digest?: DigestBuilder;
}

export interface DigestBuilder {
  readonly markup: Markup;
  /** The digest text's limit in bytes of UTF-8, within the platform's body limit. */
  readonly maxBytes: number;
  build(digest: RenderedDigest, receiver: ReceiverConfig, nowMs: number): OutgoingRequest;
}

export const JSON_HEADERS: Readonly<Record<string, string>> = { "content-type": "application/json; charset=utf-8" };

/** Seconds (or an HTTP date) of a Retry-After header, in milliseconds. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The HTTP layer common to all: 2xx goes on to the platform's own check; 408, 429 and 5xx retry. */
export function httpVerdict(status: number, retryAfter: string | null): Verdict | undefined {
  if (status >= 200 && status < 300) return undefined;
  const retriable = status === 408 || status === 429 || status >= 500;
  const after = retryAfterMs(retryAfter, Date.now());
  return { ok: false, retriable, reason: `HTTP ${status}`, ...(after === undefined ? {} : { retryAfterMs: after }) };
}

/** Parses a platform's JSON answer; undefined when it is not JSON. */
export function jsonBody(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
