// SimHash over character n-grams of Chinese free text: near-identical texts (a copied complaint,
// one word changed) get fingerprints a few bits apart. 64 bits, as two 32-bit halves.

export interface Fingerprint {
  readonly hi: number;
  readonly lo: number;
}

const NGRAM = 3;

/** FNV-1a 64-bit of `text.slice(start, end)`, its halves left in `out` (no allocation per n-gram). */
function fnv64(text: string, start: number, end: number, out: { hi: number; lo: number }): void {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = start; i < end; i++) {
    lo ^= text.charCodeAt(i);
    // multiply (hi, lo) by the FNV prime 0x100000001b3 modulo 2^64
    const loMul = Math.imul(lo, 0x1b3) >>> 0;
    const carry = Math.floor(((lo >>> 0) * 0x1b3) / 0x100000000);
    hi = (Math.imul(hi, 0x1b3) + Math.imul(lo, 0x100) + carry) >>> 0;
    lo = loMul;
  }
  out.hi = hi >>> 0;
  out.lo = lo >>> 0;
}

/** Drops what does not carry meaning (spaces, punctuation, placeholders of scrubbed numbers). */
export function normaliseText(text: string): string {
  return text.replace(/\[(?:手机号|电话|身份证号)\]/g, "").replace(/[\s\p{P}\p{S}]+/gu, "");
}

export function simhash(text: string): Fingerprint | null {
  const clean = normaliseText(text);
  if (clean.length < NGRAM + 5) return null; // too short to say two texts are alike
  // a bit's weight (+1 for each n-gram with it set, -1 for each without) is 2 × ones - grams:
  // count the ones, visiting set bits only
  const ones = new Int32Array(64);
  const gram = { hi: 0, lo: 0 };
  let grams = 0;
  for (let i = 0; i + NGRAM <= clean.length; i++, grams++) {
    fnv64(clean, i, i + NGRAM, gram);
    for (let bits = gram.lo; bits !== 0; bits &= bits - 1) ones[31 - Math.clz32(bits & -bits)]! += 1;
    for (let bits = gram.hi; bits !== 0; bits &= bits - 1) ones[63 - Math.clz32(bits & -bits)]! += 1;
  }
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (2 * ones[bit]! > grams) lo |= 1 << bit;
    if (2 * ones[bit + 32]! > grams) hi |= 1 << bit;
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

function popcount(x: number): number {
  let v = x >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function hamming(a: Fingerprint, b: Fingerprint): number {
  return popcount(a.hi ^ b.hi) + popcount(a.lo ^ b.lo);
}

/** Four 16-bit bands: two fingerprints within 3 bits share at least one band exactly. */
export function bands(f: Fingerprint): readonly string[] {
  return [`0:${f.lo & 0xffff}`, `1:${f.lo >>> 16}`, `2:${f.hi & 0xffff}`, `3:${f.hi >>> 16}`];
}
