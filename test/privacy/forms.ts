// fast-check generators of personal numbers as people and systems write them (issue 12): mobiles,
// landlines, ID-card numbers (also followed by letters) and e-mail addresses, with separators of
// every kind, full-width digits, Chinese numerals and +86, inside random text; and numbers that
// are not personal (measures, amounts) that must stay as they are.
import fc from "fast-check";

export type NumberKind = "mobile" | "landline" | "id" | "email";

export interface PersonalNumber {
  readonly kind: NumberKind;
  /** The number itself (digits, X of an ID; the address of an e-mail), for the scanner. */
  readonly value: string;
  /** How it is written. */
  readonly written: string;
}

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(""));
const from = (chars: string) => fc.constantFrom(...chars);

const mobile = fc.tuple(from("3456789"), digits(9)).map(([second, rest]) => `1${second}${rest}`);
const landline = fc
  .tuple(fc.constantFrom("10", "21", "22", "25", "755", "571", "431", "898"), from("23456789"), fc.boolean())
  .chain(([area, first, long]) => digits(area.length === 2 || long ? 7 : 6).map((rest) => `0${area}${first}${rest}`));
const idNumber = fc
  .tuple(from("123456"), digits(5), fc.integer({ min: 1950, max: 2009 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), digits(3), from("0123456789X"))
  .map(([a, region, year, month, day, seq, check]) => `${a}${region}${year}${String(month).padStart(2, "0")}${String(day).padStart(2, "0")}${seq}${check}`);
const email = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9._]{1,10}[a-z0-9]$/), fc.stringMatching(/^[a-z]{2,8}$/), fc.constantFrom("com", "cn", "com.cn", "org"))
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);

/** What may stand between digits: every kind of space, dot and dash, alone or repeated. */
export const SEPARATORS = [" ", "  ", ".", "-", "—", "–", "‐", "－", "﹣", "−", " - ", "·", "\u3000"] as const;
const separator = fc.constantFrom(...SEPARATORS);

const FULL_WIDTH = (text: string) => text.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const CHINESE = [["〇", "零"], ["一", "幺"], ["二"], ["三"], ["四"], ["五"], ["六"], ["七"], ["八"], ["九"]] as const;

/** Groups of a number as people write it (138 1234 5678, 010 6512 3456, 110105 19491231 002X). */
function groups(kind: NumberKind, value: string): string[] {
  if (kind === "mobile") return [value.slice(0, 3), value.slice(3, 7), value.slice(7)];
  if (kind === "landline") return value.startsWith("01") || value.startsWith("02") ? [value.slice(0, 3), value.slice(3)] : [value.slice(0, 4), value.slice(4)];
  return [value.slice(0, 6), value.slice(6, 14), value.slice(14)];
}

/** One way of writing a number; `plainOnly` for identifiers whose characters are limited (codes). */
function written(kind: Exclude<NumberKind, "email">, value: string, plainOnly: boolean): fc.Arbitrary<string> {
  const grouped = separator.map((sep) => groups(kind, value).join(sep));
  const codeGrouped = fc.constantFrom("-", ".").map((sep) => groups(kind, value).join(sep));
  const everyDigit = fc.array(separator, { minLength: value.length - 1, maxLength: value.length - 1 }).map((seps) => [...value].map((d, i) => `${d}${seps[i] ?? ""}`).join(""));
  const mixed = fc.array(fc.option(separator, { nil: "" }), { minLength: value.length - 1, maxLength: value.length - 1 }).map((seps) => [...value].map((d, i) => `${d}${seps[i] ?? ""}`).join(""));
  const chinese = fc.array(fc.boolean(), { minLength: value.length, maxLength: value.length }).map((picks) => [...value].map((d, i) => (d === "X" ? "X" : CHINESE[Number(d)]![picks[i] && Number(d) < 2 ? 1 : 0])).join(""));
  if (plainOnly) return fc.oneof(fc.constant(value), codeGrouped);
  const forms: fc.Arbitrary<string>[] = [fc.constant(value), grouped, everyDigit, mixed, chinese, grouped.map(FULL_WIDTH)];
  if (kind === "mobile") forms.push(fc.tuple(fc.constantFrom("+86", "+86 ", "0086-", "(+86) ", "86"), grouped).map(([p, n]) => `${p}${n}`));
  if (kind === "id") forms.push(fc.tuple(fc.constantFrom("abc", "号", "XYZ", "a1"), fc.constant(value)).map(([letters, id]) => `${id}${letters}`));
  return fc.oneof(...forms);
}

/** A personal number and one way of writing it; `forCode` keeps to the characters of contract codes. */
export function personalNumber(forCode = false): fc.Arbitrary<PersonalNumber> {
  const numbers: fc.Arbitrary<PersonalNumber>[] = (
    [["mobile", mobile], ["landline", landline], ["id", idNumber]] as const
  ).map(([kind, arb]) => arb.chain((value) => written(kind, value, forCode).map((w) => ({ kind, value, written: w }))));
  return forCode ? fc.oneof(...numbers) : fc.oneof(...numbers, email.map((value) => ({ kind: "email" as const, value, written: value })));
}

// Words without digits at their edges, so a number planted between them stays the number it is.
const WORDS = ["市民", "反映", "电梯停运", "请回电", "谢谢", "小区", "住3号楼东侧", "噪音扰民", "物业", "已等待45分钟", "please call", "back", "罚款2000元整", "第一次来电", "两三天", "还是一直没人管", "等了五六天", "，", "。", " "];
const BEFORE = ["", "电话", "手机：", "tel ", "（", "号码是", "联系人 ", "身份证"];
const AFTER = ["", "。", "，谢谢", "）", " 请回电", "转分机"];
export const words = (max: number) => fc.array(fc.constantFrom(...WORDS), { maxLength: max }).map((w) => w.join(""));

/** Random text with the number somewhere in it. */
export function textWith(number: PersonalNumber): fc.Arbitrary<string> {
  return fc.tuple(words(6), fc.constantFrom(...BEFORE), fc.constantFrom(...AFTER), words(6)).map(([a, before, after, b]) => `${a}${before}${number.written}${after}${b}`);
}

/** Numbers in text that are not phone or ID numbers (measures, amounts) and must come out unchanged. */
export const notPersonal: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1_000_000, max: 99_999_999 }), fc.constantFrom(" ms", "ms", " bytes", "元", " 次", "%", "万元"), words(4))
  .map(([n, unit, text]) => `${text}more than ${n}${unit}${text}`);
