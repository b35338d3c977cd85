// Finds phone and ID-card numbers in clear in any text: the known numbers of a test (in any spacing,
// with dashes, +86, or full-width digits) and anything shaped like a mobile or an 18-digit ID.
const FULL_WIDTH = /[０-９Ｘｘ＋－\u3000]/g;

/** Full-width digits, X, plus, minus and the ideographic space to ASCII. */
export function toAscii(text: string): string {
  return text.replace(FULL_WIDTH, (c) => (c === "\u3000" ? " " : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

/** A pattern for one number written with any single separator (space, dash, dot) between its digits. */
function spaced(digits: string): RegExp {
  const body = [...digits].map((d) => (d === "X" ? "[Xx]" : d)).join("[\\s\\-.]?");
  // not the fraction of a decimal number (coordinates)
  return new RegExp(`(?<![0-9])(?<![0-9]\\.)${body}(?![0-9])`);
}

// Shapes, not values: a mobile not inside a longer run of letters or digits (hex hashes, ids), and an 18-digit ID.
const MOBILE = /(?<![0-9A-Za-z.])1[3-9][0-9][\s-]?[0-9]{4}[\s-]?[0-9]{4}(?![0-9A-Za-z])/;
const RESIDENT_ID = /(?<![0-9A-Za-z])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z])/;

export interface Leak {
  readonly where: string;
  readonly what: string;
  readonly excerpt: string;
}

export class LeakScanner {
  private readonly known: { readonly digits: string; readonly pattern: RegExp }[];
  readonly leaks: Leak[] = [];
  scanned = 0;

  /** `secrets`: numbers as written anywhere (the scanner keeps their digits, and X of IDs). */
  constructor(secrets: Iterable<string>) {
    const digits = new Set([...secrets].map((s) => toAscii(s).replace(/[^0-9Xx]/g, "").toUpperCase()).filter((d) => d.length >= 7));
    // national form too: +86 / 0086 prefixes are how the same number is written elsewhere
    for (const d of [...digits]) if (/^(?:00)?86(1[3-9][0-9]{9})$/.test(d)) digits.add(d.replace(/^(?:00)?86/, ""));
    this.known = [...digits].map((d) => ({ digits: d, pattern: spaced(d) }));
  }

  get secrets(): number {
    return this.known.length;
  }

  /** Scans one text (a log line, a row, a body); records every number found in clear. */
  scan(where: string, text: string): void {
    this.scanned++;
    const ascii = toAscii(text);
    const found = (what: string, match: RegExpExecArray | null) => {
      if (match !== null) this.leaks.push({ where, what, excerpt: ascii.slice(Math.max(0, match.index - 40), match.index + match[0].length + 40) });
    };
    for (const { digits, pattern } of this.known) found(`known number ${digits}`, pattern.exec(ascii));
    found("a mobile number", MOBILE.exec(ascii));
    found("an ID-card number", RESIDENT_ID.exec(ascii));
  }
}
