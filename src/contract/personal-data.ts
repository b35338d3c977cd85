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
  /**
   * An identifier a caller controls (ticket_id, call_id, a code, a queue): unchanged, unless it
   * holds a phone or ID number or an e-mail address; then `pii:` and a keyed hash, so it stays
   * unique and joinable (the same id always gives the same form under the same secret).
   */
  identifier(id: string): string;
}

/** `previous`: the secret being rotated out, kept while callers' old keys must still be linked. */
export function createHasher(secret: Uint8Array, previous?: Uint8Array): PersonalDataHasher {
  const current = keyed(secret);
  if (previous === undefined) return { ...current, previousCallerKey: () => "", previousIdKey: () => "" };
  if (Buffer.compare(Buffer.from(secret), Buffer.from(previous)) === 0) throw new Error("the previous caller hash key must differ from the current one");
  const old = keyed(previous);
  return { ...current, previousCallerKey: old.callerKey, previousIdKey: old.idKey };
}

function keyed(secret: Uint8Array): Pick<PersonalDataHasher, "callerKey" | "idKey" | "identifier"> {
  if (secret.length < 16) throw new Error("the caller hash key must be at least 16 bytes");
  const identifiers = new Map<string, string>();
  const hmac = (domain: string, value: string) =>
    createHmac("sha256", secret).update(`${domain}\u0000${value}`).digest("hex").slice(0, 32);
  return {
    callerKey: (phone) => hmac("phone", normalisePhone(phone)),
    idKey: (idNumber) => hmac("id", toAscii(idNumber).replace(/[\s-]+/g, "").toUpperCase()),
    identifier: (id) => {
      // Codes, queues and ticket ids repeat from event to event, and scanning a long digit string costs microseconds.
      let known = identifiers.get(id);
      if (known === undefined) {
        if (identifiers.size >= MAX_REMEMBERED_IDENTIFIERS) identifiers.clear();
        // a dot in an id separates groups (02.05.03), it is never a decimal point: 02.13812345678 holds a mobile
        known = holdsPersonalData(id) || (id.includes(".") && holdsPersonalData(id.replace(/\./g, "-"))) ? `${PII_PREFIX}${lettersOnly(hmac("identifier", id).slice(0, 20))}` : id;
        identifiers.set(id, known);
      }
      return known;
    },
  };
}

const MAX_REMEMBERED_IDENTIFIERS = 50_000;

/** The prefix of an identifier replaced by its keyed hash (README, "Personal data"). */
export const PII_PREFIX = "pii:";

/** Hex written with the letters a–p: a hashed identifier has no digits, so no scrubber or scanner reads a number into it. */
function lettersOnly(hex: string): string {
  return hex.replace(/[0-9a-f]/g, (c) => String.fromCharCode(97 + parseInt(c, 16)));
}

const PLACEHOLDER = /\[(?:手机号|电话|身份证号|邮箱)\]/g;
/** Every mark scrubbing leaves in text (scrubText's and scrubQuoted's): text analysis splits there, never reads one as words. */
export const SCRUB_MARKS = /\[(?:手机号|电话|身份证号|邮箱|数字)\]/g;
/** Whether scrubText finds a phone or ID number or an e-mail address in the text. */
export function holdsPersonalData(text: string): boolean {
  const scrubbed = scrubText(text);
  return scrubbed !== text && (scrubbed.match(PLACEHOLDER)?.length ?? 0) > (text.match(PLACEHOLDER)?.length ?? 0);
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

/** Full-width digits, X, plus, minus, dot, at sign and the ideographic space to their ASCII forms. */
function toAscii(text: string): string {
  return text.replace(/[０-９Ｘｘ＋－．＠\u3000]/g, (c) => (c === "\u3000" ? " " : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

// What may stand between the digits of one number: whitespace, dots, the middle dot and every kind
// of dash (- ‐ ‑ ‒ – — ― − ﹘ ﹣), up to three of them ("137  3456  7890", "1 5 8 9 …").
const SEP_CHARS = "\\s.·\\-\\u2010-\\u2015\\u2212\\uFE58\\uFE63";
const G = `[${SEP_CHARS}]{0,3}`;
/** Digit patterns joined so that separators may stand between any two of them. */
const spaced = (...parts: string[]) => parts.join(G);
const D = "\\d";
const MONTH = `(?:0${G}[1-9]|1${G}[0-2])`;
const DAY = `(?:0${G}[1-9]|[12]${G}\\d|3${G}[01])`;
// Not inside a longer number, nor the fraction of a decimal (a coordinate such as 39.13800138000).
const START = "(?<![0-9])(?<![0-9][.])";
const END = "(?![0-9])";
const AREA = `(?:0${G}(?:1${G}0|2${G}\\d|[3-9]${G}\\d${G}\\d))`;
/** Units after which a bare number is a measure, not a phone: "86400000 ms", "12000000元". */
const UNIT = "\\s*(?:ms|s\\b|秒|毫秒|分|小时|天|日|年|元|万|亿|米|平|公里|千克|斤|吨|字节|bytes?|[KMG]?B\\b|次|个|人|户|件|条|%|％|px)";

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const patterns: readonly (readonly [RegExp, string])[] = [
  // 18-character resident ID (region, date of birth, sequence, check digit), letters may follow; then the old 15-digit form.
  [new RegExp(`${START}${spaced("[1-9]", D, D, D, D, D, `(?:1${G}[89]|2${G}0)`, D, D, MONTH, DAY, D, D, D, "[\\dXx]")}${END}`, "g"), "[身份证号]"],
  [new RegExp(`${START}${spaced("[1-9]", D, D, D, D, D, D, D, MONTH, DAY, D, D, D)}${END}`, "g"), "[身份证号]"],
  // Mobile numbers: 11 digits from 13 to 19, with or without +86 / 0086.
  [new RegExp(`${START}(?:\\(?(?:\\+|00)?${G}8${G}6${G}\\)?${G})?${spaced("1", "[3-9]", D, D, D, D, D, D, D, D, D)}${END}`, "g"), "[手机号]"],
  // Landlines with an area code: 010 / 02x / 0xxx (or +86 without the trunk 0), then a 7–8 digit local number.
  [new RegExp(`${START}(?:[(（]?${G}${AREA}|(?:\\+|00)${G}8${G}6${G}[(（]?${G}(?:1${G}0|2${G}\\d|[3-9]${G}\\d${G}\\d))${G}[)）]?${G}[2-9](?:${G}\\d){6,7}${END}`, "g"), "[电话]"],
  // Bare 7–8 digit local numbers (6512 3456, 65123456), written in one piece or two groups; not dates such as
  // 20261126, not measures ("86400000 ms"), not part of a longer run of separated digits.
  [new RegExp(`(?<![0-9])(?<![0-9][${SEP_CHARS}])(?!(?:19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])(?![0-9]))(?:[2-9]\\d{6,7}|[2-9]\\d{2,3}[${SEP_CHARS}]\\d{4})(?![0-9])(?![${SEP_CHARS}]{1,3}[0-9])(?!${UNIT})`, "g"), "[电话]"],
];

const CHINESE_DIGITS: Readonly<Record<string, string>> = { 〇: "0", 零: "0", 一: "1", 幺: "1", 二: "2", 三: "3", 四: "4", 五: "5", 六: "6", 七: "7", 八: "8", 九: "9" };
const NUMERAL = "〇零一幺二三四五六七八九";
// A run of at least 7 digits of which some are written as Chinese numerals (一五零一二三四五六七八).
const CHINESE_RUN = new RegExp(`[0-9${NUMERAL}](?:${G}[0-9${NUMERAL}]){6,}(?:${G}[Xx])?`, "g");
// Such a run has a numeral next to another digit; "一" alone is everywhere in Chinese text, two together are rare.
const NUMERAL_PAIR = new RegExp(`[${NUMERAL}]${G}[0-9${NUMERAL}]|[0-9]${G}[${NUMERAL}]`);
const HAS_CHINESE_DIGIT = new RegExp(`[${NUMERAL}]`);
/** Whatever a number or an address could be made of: a text without any of these is returned as it is. */
const MAY_HOLD = new RegExp(`[0-9０-９@＠${NUMERAL}]`);
// A cheap test first: every number pattern needs 7 digits in a row (separators allowed), and most texts have none.
const SEVEN_DIGITS = new RegExp(`\\d(?:${G}\\d){6}`);

function scrubAscii(text: string): string {
  let out = text.includes("@") ? text.replace(EMAIL, "[邮箱]") : text;
  if (!SEVEN_DIGITS.test(out)) return out;
  for (const [pattern, placeholder] of patterns) out = out.replace(pattern, placeholder);
  return out;
}

/**
 * Replaces phone numbers, ID-card numbers and e-mail addresses in free text with placeholders
 * ([手机号], [电话], [身份证号], [邮箱]); full-width digits are read as ASCII and kept so.
 */
export function scrubText(text: string): string {
  if (!MAY_HOLD.test(text)) return text;
  let out = toAscii(text);
  if (NUMERAL_PAIR.test(out)) {
    out = out.replace(CHINESE_RUN, (run) => {
      if (!HAS_CHINESE_DIGIT.test(run)) return run;
      const scrubbed = scrubAscii(run.replace(/[〇零一幺二三四五六七八九]/g, (c) => CHINESE_DIGITS[c] ?? c));
      return scrubbed.includes("[") ? scrubbed : run;
    });
  }
  return scrubAscii(out);
}

const LONG_DIGIT_RUN = new RegExp(`[0-9${NUMERAL}](?:${G}[0-9${NUMERAL}]){6,}`, "g");
/**
 * For text that quotes an input it did not check (a parser's error excerpt, a value that failed
 * validation): scrubText, and then any remaining run of 7 or more digits, because an excerpt cut
 * in the middle of a number no longer looks like one.
 */
export function scrubQuoted(text: string): string {
  return scrubText(text).replace(LONG_DIGIT_RUN, (run) => (/[0-9]/.test(run) ? "[数字]" : run));
}
