// Personal data at the door: phone and ID-card numbers become keyed hashes (HMAC-SHA256) and are
// scrubbed from free text, so nothing downstream of ingest ever sees them in clear.
import { createHmac } from "node:crypto";

/** Keyed hashing of personal identifiers. The key comes from configuration, never from code. */
export interface PersonalDataHasher {
  /** 诉求人 key: the same phone always gives the same key under the same secret. */
  callerKey(phone: string): string;
  /** Key for an ID-card number; a different domain from phones so the two never collide. */
  idKey(idNumber: string): string;
  /**
   * During a key rotation, the phone's key under the previous secret (HOTLINE_CALLER_HASH_KEY_PREVIOUS),
   * stored beside the current one so detectors can link a caller across the rotation; "" otherwise.
   */
  previousCallerKey(phone: string): string;
  /** The ID-card number's key under the previous secret during a rotation; "" otherwise. */
  previousIdKey(idNumber: string): string;
}

/** `previous`: the secret being rotated out, kept while callers' old keys must still be linked. */
export function createHasher(secret: Uint8Array, previous?: Uint8Array): PersonalDataHasher {
  const current = keyed(secret);
  if (previous === undefined) return { ...current, previousCallerKey: () => "", previousIdKey: () => "" };
  if (Buffer.compare(Buffer.from(secret), Buffer.from(previous)) === 0) throw new Error("the previous caller hash key must differ from the current one");
  const old = keyed(previous);
  return { ...current, previousCallerKey: old.callerKey, previousIdKey: old.idKey };
}

function keyed(secret: Uint8Array): Pick<PersonalDataHasher, "callerKey" | "idKey"> {
  if (secret.length < 16) throw new Error("the caller hash key must be at least 16 bytes");
  const hmac = (domain: string, value: string) =>
    createHmac("sha256", secret).update(`${domain}\u0000${value}`).digest("hex").slice(0, 32);
  return {
    callerKey: (phone) => hmac("phone", normalisePhone(phone)),
    idKey: (idNumber) => hmac("id", toAscii(idNumber).replace(/[\s-]+/g, "").toUpperCase()),
  };
}

/** Digits only, in national form (+86 10 … is 010 …), so formatting never splits one caller in two. */
export function normalisePhone(phone: string): string {
  const digits = toAscii(phone).replace(/\D+/g, "");
  const national = /^(?:00)?86(\d{9,12})$/.exec(digits)?.[1];
  if (national === undefined) return digits;
  if (/^1[3-9]\d{9}$/.test(national) || national.startsWith("0")) return national;
  if (/^(?:10|[2-9]\d{1,2})\d{7,8}$/.test(national)) return `0${national}`;
  return digits;
}

/**
 * Whether a phone field identifies anybody: masked (138****8000) or digit-less values such as
 * 未提供 would otherwise all hash to one key and look like a single very frequent caller.
 */
export function isUsablePhone(phone: string): boolean {
  return !/[*＊]/.test(phone) && normalisePhone(phone).length >= 5;
}

/** Full-width digits, X, plus, minus and the ideographic space to their ASCII forms. */
function toAscii(text: string): string {
  return text.replace(/[０-９Ｘｘ＋－\u3000]/g, (c) => (c === "\u3000" ? " " : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

const SEP = "[\\s-]?";
const patterns: readonly (readonly [RegExp, string])[] = [
  // 18-digit resident ID (date of birth, check digit), also written in groups, then the old 15-digit form.
  [new RegExp(`(?<![0-9])[1-9]\\d{5}${SEP}(?:18|19|20)\\d{2}${SEP}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])${SEP}\\d{3}[\\dXx](?![0-9A-Za-z])`, "g"), "[身份证号]"],
  [/(?<![0-9])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9])/g, "[身份证号]"],
  // Mobile numbers, with or without +86 / 0086 and separators (138-1234-5678, 138 1234 5678).
  [new RegExp(`(?<![0-9])(?:(?:\\+|00)?86${SEP})?1[3-9]\\d${SEP}\\d{4}${SEP}\\d{4}(?![0-9])`, "g"), "[手机号]"],
  // Landlines with an area code (010-12345678, 010 6512 3456), then bare local numbers (6512 3456).
  [/(?<![0-9])0\d{2,3}[\s-]?(?:\d{7,8}|\d{3,4}[\s-]\d{4})(?![0-9])/g, "[电话]"],
  // Bare 7–8 digit numbers, except 8-digit dates such as 20261126 that are far more common in text.
  [/(?<![0-9.])(?!(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![0-9]))(?:[2-9]\d{6,7}|[2-9]\d{2,3}[\s-]\d{4})(?![0-9.])/g, "[电话]"],
];

/** Replaces phone and ID-card numbers in free text with placeholders (full-width digits too). */
export function scrubText(text: string): string {
  let out = toAscii(text);
  for (const [pattern, placeholder] of patterns) out = out.replace(pattern, placeholder);
  return out;
}
