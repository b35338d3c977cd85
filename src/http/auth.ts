// Access control of the HTTP API: bearer tokens with roles, compared in constant time, and a token
// bucket per token. A token's text lives only here (as a SHA-256 digest) and in the frozen config:
// it never reaches a log line, an error message or a response.
import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiRole, ApiToken } from "../config.js";

export interface Caller {
  /** The token's name: who is calling, safe to log and to store (events.source of pushed events). */
  readonly name: string;
  readonly role: ApiRole;
}

/** What a route needs; admin may do everything, and only admin may change alerting (silences, acknowledgements). */
export type RouteRole = ApiRole | "any";

export function allows(role: ApiRole, needed: RouteRole): boolean {
  return role === "admin" || needed === "any" || role === needed;
}

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

export interface Authenticator {
  /** The caller named by an `Authorization: Bearer …` header, or undefined when it is missing or matches no token. */
  authenticate(header: string | undefined): Caller | undefined;
  readonly configured: number;
}

export function createAuthenticator(tokens: readonly ApiToken[]): Authenticator {
  const known = tokens.map((t) => ({ caller: { name: t.name, role: t.role } satisfies Caller, digest: digest(t.token) }));
  return {
    configured: known.length,
    authenticate(header) {
      const match = header === undefined ? null : /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
      if (match === null) return undefined;
      // Digests have one length whatever was sent, and every token is compared: the time taken
      // says nothing about how much of a token was right, nor which one matched.
      const presented = digest(match[1]!);
      let found: Caller | undefined;
      for (const k of known) if (timingSafeEqual(presented, k.digest) && found === undefined) found = k.caller;
      return found;
    },
  };
}

export interface RateLimiter {
  /** Takes one request from `key`'s bucket: 0 when allowed, else the seconds until one is available. */
  take(key: string): number;
  /** The seconds until `key`'s bucket has a request, without taking one: 0 when it has one now. */
  wait(key: string): number;
  /** Keys remembered (at most maxKeys). */
  readonly size: number;
}

/**
 * A token bucket per key, in memory: `burst` requests at once, refilled at `perSecond`. At most
 * `maxKeys` buckets are kept (the least recently used is forgotten, i.e. refilled), so keys a
 * client chooses (its address) cannot grow the table without bound.
 */
export function createRateLimiter(perSecond: number, burst: number, nowMs: () => number = Date.now, maxKeys = Number.POSITIVE_INFINITY): RateLimiter {
  const buckets = new Map<string, { tokens: number; atMs: number }>();
  const refilled = (key: string) => {
    const now = nowMs();
    const bucket = buckets.get(key) ?? { tokens: burst, atMs: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.atMs) / 1000) * perSecond);
    bucket.atMs = now;
    return bucket;
  };
  const waitOf = (tokens: number) => (tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / perSecond)));
  return {
    take(key) {
      const bucket = refilled(key);
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return waitOf(bucket.tokens);
    },
    wait(key) {
      return buckets.has(key) ? waitOf(refilled(key).tokens) : 0;
    },
    get size() {
      return buckets.size;
    },
  };
}
