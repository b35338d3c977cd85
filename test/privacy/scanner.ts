// Finds phone and ID-card numbers and e-mail addresses in clear in any text: the known numbers of a
// test (with any separators between the digits, +86, full-width digits or Chinese numerals) and
// anything shaped like a mobile or an 18-digit ID.
const FULL_WIDTH = /[０-９Ｘｘ＋－\u3000]/g;
const CHINESE_NUMERALS: Readonly<Record<string, string>> = { 〇: "0", 零: "0", 一: "1", 幺: "1", 二: "2", 三: "3", 四: "4", 五: "5", 六: "6", 七: "7", 八: "8", 九: "9" };

/** Full-width digits, X, plus, minus and the ideographic space to ASCII. */
export function toAscii(text: string): string {
  return text.replace(FULL_WIDTH, (c) => (c === "\u3000" ? " " : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

/** Every space, dot and dash people put between digits, up to three in a row. */
const GAP = "[\\s.·\\-\\u2010-\\u2015\\u2212\\uFE58\\uFE63\\uFF0D]{0,3}";

/** Digits (and the X of an ID) with separators of any kind between them: where a known number may be written. */
const DIGIT_RUN = new RegExp(`[0-9Xx](?:${GAP}[0-9Xx])*`, "g");
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

// Shapes, not values: a mobile not inside a longer run of letters or digits (hex hashes, ids), and an 18-digit ID.
const MOBILE = /(?<![0-9A-Za-z.])1[3-9][0-9][\s-]?[0-9]{4}[\s-]?[0-9]{4}(?![0-9A-Za-z])/;
const RESIDENT_ID = /(?<![0-9A-Za-z])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z])/;

export interface Leak {
  readonly where: string;
  readonly what: string;
  readonly excerpt: string;
}

export class LeakScanner {
  private readonly known: ReadonlySet<string>;
  /** The lengths of the known numbers, longest first. */
  private readonly lengths: readonly number[];
  private readonly emails: string[];
  readonly leaks: Leak[] = [];
  scanned = 0;

  /** `secrets`: numbers as written anywhere (the scanner keeps their digits, and X of IDs), and e-mail addresses. */
  constructor(secrets: Iterable<string>) {
    const all = [...secrets];
    this.emails = all.filter((s) => s.includes("@")).map((s) => s.toLowerCase());
    const digits = new Set(all.filter((s) => !s.includes("@")).map((s) => toAscii(s).replace(/[^0-9Xx]/g, "").toUpperCase()).filter((d) => d.length >= 7));
    // the national form: +86 / 0086 are how the same number is written elsewhere, and the pattern allows them before it
    for (const d of [...digits]) {
      if (/^(?:00)?86(1[3-9][0-9]{9})$/.test(d)) {
        digits.delete(d);
        digits.add(d.replace(/^(?:00)?86/, ""));
      }
    }
    this.known = digits;
    this.lengths = [...new Set([...digits].map((d) => d.length))].sort((a, b) => b - a);
  }

  get secrets(): number {
    return this.known.size + this.emails.length;
  }

  /** Scans one text (a log line, a row, a body); records every number found in clear. */
  scan(where: string, text: string): void {
    this.scanned++;
    const ascii = toAscii(text);
    const found = (what: string, match: RegExpExecArray | null, in_: string) => {
      if (match !== null) this.leaks.push({ where, what, excerpt: in_.slice(Math.max(0, match.index - 40), match.index + match[0].length + 40) });
    };
    // Chinese numerals read as digits, for the known numbers only: 一 alone is everywhere in Chinese text.
    const numerals = /[〇零一幺二三四五六七八九]/.test(ascii) ? ascii.replace(/[〇零一幺二三四五六七八九]/g, (c) => CHINESE_NUMERALS[c] ?? c) : undefined;
    const known = (text: string, how: string) => {
      for (const run of text.matchAll(DIGIT_RUN)) this.knownIn(run[0], run.index, text, how, where);
    };
    known(ascii, "");
    if (numerals !== undefined) known(numerals, " (in Chinese numerals)");
    const lower = ascii.toLowerCase();
    for (const email of this.emails) {
      const at = lower.indexOf(email);
      if (at >= 0) this.leaks.push({ where, what: `known e-mail ${email}`, excerpt: ascii.slice(Math.max(0, at - 40), at + email.length + 40) });
    }
    found("a mobile number", MOBILE.exec(ascii), ascii);
    found("an ID-card number", RESIDENT_ID.exec(ascii), ascii);
  }

  /**
   * Known numbers inside one run of digits and separators that starts at `offset` of `text`: a number
   * counts where the character before it is no digit (a separator, or the 86 of +86) unless it ends a
   * decimal's integer part (39.13800138000 is a coordinate), and the character after it is no digit.
   */
  private knownIn(run: string, offset: number, text: string, how: string, where: string): void {
    const digits: string[] = [];
    const at: number[] = [];
    for (let i = 0; i < run.length; i++) {
      const c = run[i]!;
      if (isDigit(c) || c === "X" || c === "x") {
        digits.push(c.toUpperCase());
        at.push(offset + i);
      }
    }
    const all = digits.join("");
    for (let start = 0; start < all.length; start++) {
      const first = at[start]!;
      const before = text[first - 1];
      const afterPlus86 = start >= 2 && all.slice(start - 2, start) === "86";
      if (isDigit(before) && !afterPlus86) continue;
      if (before === "." && isDigit(text[first - 2])) continue;
      for (const length of this.lengths) {
        if (start + length > all.length) continue;
        const last = at[start + length - 1]!;
        if (isDigit(text[last + 1])) continue;
        const candidate = all.slice(start, start + length);
        if (this.known.has(candidate)) {
          this.leaks.push({ where, what: `known number ${candidate}${how}`, excerpt: text.slice(Math.max(0, first - 40), last + 41) });
          break;
        }
      }
    }
  }
}
