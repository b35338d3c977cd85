// Text the store can hold. ClickHouse reads rows as JSON, where JavaScript writes a lone UTF-16
// surrogate (the JSON escape `\ud800` without its pair) as that escape again. Probed on the real
// engine (chdb 3.4 = ClickHouse 26.7, both adapters; test/store/contract.test.ts keeps the probe):
// - a lone high surrogate (U+D800–U+DBFF), alone, at the end, or before another high one, is
//   refused: `Code: 25 CANNOT_PARSE_ESCAPE_SEQUENCE`, the whole insert with it;
// - a lone low surrogate (U+DC00–U+DFFF) is taken but stored as three invalid UTF-8 bytes, read
//   back as three U+FFFD: the text is silently broken;
// - NUL and every other control character, U+FFFE, U+FFFF, U+FDD0, a BOM, U+2028/U+2029, quotes,
//   backslashes (also ones spelling an escape), `$$` and 3 MB strings all come back byte for byte.
// So a lone surrogate is the one thing in a string that the engine refuses or breaks.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");

/** Where a string breaks, and how: the index of its first lone surrogate and that code unit. */
export interface BrokenText {
  readonly index: number;
  readonly codeUnit: string;
}

/** The first lone surrogate of `text`, or undefined when the text is well-formed Unicode. */
export function brokenText(text: string): BrokenText | undefined {
  const match = LONE_SURROGATE.exec(text);
  if (match === null) return undefined;
  return { index: match.index, codeUnit: `\\u${match[0].charCodeAt(0).toString(16)}` };
}

/** `text` with every lone surrogate replaced by U+FFFD (String.prototype.toWellFormed, which ES2023 lacks). */
export function wellFormed(text: string): string {
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATES, "\uFFFD") : text;
}

/** `text` as plain ASCII: every other code unit as a `\uXXXX` escape, spelled out. Safe for any column. */
export function asciiEscaped(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export interface TextFault {
  /** Where in the value: `data.text`, `data.location.<key>` for a key. */
  readonly path: string;
  readonly broken: BrokenText;
  readonly inKey: boolean;
}

/**
 * The first string (value at any depth, or object key) of a parsed JSON value that the store cannot
 * hold, in document order. Iterative: a hostile nesting depth cannot overflow the stack.
 */
export function findBrokenText(root: unknown): TextFault | undefined {
  const stack: { readonly value: unknown; readonly path: string; readonly key?: string }[] = [{ value: root, path: "" }];
  while (stack.length > 0) {
    const { value, path, key } = stack.pop()!;
    const keyBroken = key === undefined ? undefined : brokenText(key);
    if (keyBroken !== undefined) return { path, broken: keyBroken, inKey: true };
    if (typeof value === "string") {
      const broken = brokenText(value);
      if (broken !== undefined) return { path: path === "" ? "(event)" : path, broken, inKey: false };
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    const entries = Array.isArray(value) ? value.map((v: unknown, i) => [String(i), v] as const) : Object.entries(value);
    // pushed in reverse, so the first fault in document order is popped first
    for (let i = entries.length - 1; i >= 0; i--) {
      const [name, inner] = entries[i]!;
      const at = path === "" ? wellFormed(name) : `${path}.${wellFormed(name)}`;
      stack.push(Array.isArray(value) ? { value: inner, path: at } : { value: inner, path: at, key: name });
    }
  }
  return undefined;
}
