// Personal data at the door: phone and ID-card numbers become keyed hashes (HMAC-SHA256) and are
// scrubbed from free text, so nothing downstream of ingest ever sees them in clear.
import { createHmac } from "node:crypto";

/** Keyed hashing of personal identifiers. The key comes from configuration, never from code. */
export interface PersonalDataHasher {
  /** 诉求人 key: the same phone always gives the same key under the same secret. */
  callerKey(phone: string): string;
  /** Key for an ID-card number; a different domain from phones so the two never collide. */
  idKey(idNumber: string): string;
}

export function createHasher(secret: Uint8Array): PersonalDataHasher {
  if (secret.length < 16) throw new Error("the caller hash key must be at least 16 bytes");
  const hmac = (domain: string, value: string) =>
    createHmac("sha256", secret).update(`${domain}\u0000${value}`).digest("hex").slice(0, 32);
  return {
    callerKey: (phone) => hmac("phone", normalisePhone(phone)),
    idKey: (idNumber) => hmac("id", idNumber.replace(/\s+/g, "").toUpperCase()),
  };
}

/** Digits only, without the +86 / 0086 country prefix, so formatting never splits one caller in two. */
export function normalisePhone(phone: string): string {
  const digits = toAsciiDigits(phone).replace(/\D+/g, "");
  const national = digits.replace(/^(?:0086|86)(?=1[3-9]\d{9}$)/, "");
  return national;
}

function toAsciiDigits(text: string): string {
  return text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

const SEP = "[\\s-]?";
const patterns: readonly (readonly [RegExp, string])[] = [
  // 18-digit resident ID (with date of birth and check digit), then the old 15-digit form.
  [/(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g, "[身份证号]"],
  [/(?<![0-9])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9])/g, "[身份证号]"],
  // Mobile numbers, with or without +86 and separators (138-1234-5678, 138 1234 5678).
  [new RegExp(`(?<![0-9])(?:\\+?86${SEP})?1[3-9]\\d${SEP}\\d{4}${SEP}\\d{4}(?![0-9])`, "g"), "[手机号]"],
  // Landlines with an area code (010-12345678), then bare 7–8 digit local numbers.
  [/(?<![0-9])0\d{2,3}[\s-]?\d{7,8}(?![0-9])/g, "[电话]"],
  [/(?<![0-9.])[2-9]\d{6,7}(?![0-9.])/g, "[电话]"],
];

/** Replaces phone and ID-card numbers in free text with placeholders (full-width digits too). */
export function scrubText(text: string): string {
  let out = toAsciiDigits(text);
  for (const [pattern, placeholder] of patterns) out = out.replace(pattern, placeholder);
  return out;
}
