// The value types of the configuration's environment variables: each parses and validates one
// variable's text (numbers with bounds, flags, time zones, code lists, deadlines per tier, API tokens).
import { z } from "zod";

export const int = (min: number, max: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
export const nonEmpty = z.string().trim().min(1);
export const timeZone = nonEmpty.refine(isTimeZone, "must be an IANA time zone such as Asia/Shanghai");

export const flag = z.enum(["true", "false", "1", "0"], { error: "must be true or false" }).transform((v) => v === "true" || v === "1");
/** Comma-separated category code prefixes, e.g. `03,07.02`. */
export const codeList = z.string().transform((v, ctx) => {
  const codes = v.split(",").map((c) => c.trim()).filter((c) => c !== "");
  for (const code of codes) if (!/^[0-9A-Za-z.]+$/.test(code)) ctx.addIssue({ code: "custom", message: `"${code}" is not a category code (digits, letters and dots)` });
  return codes;
});
export const TIERS = ["emergency", "utility", "general", "complex"] as const;
/** Close deadlines per SLA tier in hours: `emergency=2,utility=24,general=168,complex=360` (tiers left out keep their default). */
export const closeHours = z.string().transform((v, ctx) => {
  const hours: Record<string, number> = { emergency: 2, utility: 24, general: 7 * 24, complex: 15 * 24 };
  for (const part of v.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
    const [tier, value] = part.split("=").map((x) => x.trim());
    const n = Number(value);
    if (!TIERS.includes(tier as (typeof TIERS)[number]) || !(n > 0)) {
      ctx.addIssue({ code: "custom", message: `"${part}" must be tier=hours with tier one of ${TIERS.join(", ")} and hours > 0` });
    } else hours[tier as string] = n;
  }
  return hours as Record<(typeof TIERS)[number], number>;
});

/** Roles of API bearer tokens: admin may do what ingest and read may. */
export const API_ROLES = ["ingest", "read", "admin"] as const;
export type ApiRole = (typeof API_ROLES)[number];
export interface ApiToken {
  readonly name: string;
  readonly role: ApiRole;
  readonly token: string;
}
/**
 * `name:role:token` entries separated by commas or newlines. Problems name the entry by its
 * number, never by its text: the text holds a secret.
 */
export const apiTokens = z.string().transform((v, ctx) => {
  const tokens: ApiToken[] = [];
  const entries = v.split(/[,\n]/).map((e) => e.trim()).filter((e) => e !== "" && !e.startsWith("#"));
  entries.forEach((entry, i) => {
    const [name = "", role = "", ...rest] = entry.split(":");
    const token = rest.join(":");
    const problem =
      !/^[A-Za-z0-9_.-]{1,64}$/.test(name) ? "its name must be 1-64 letters, digits, _ . -"
      : !(API_ROLES as readonly string[]).includes(role) ? `its role must be one of ${API_ROLES.join(", ")}`
      : token.length < 16 ? "its token must be at least 16 characters"
      : /\s/.test(token) ? "its token must not contain spaces"
      : tokens.some((t) => t.name === name) ? "its name is used by an earlier entry"
      : undefined;
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: `entry ${i + 1} (of name:role:token) is invalid: ${problem}` });
    else tokens.push({ name, role: role as ApiRole, token });
  });
  return tokens;
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
