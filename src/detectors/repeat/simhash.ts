// SimHash over character n-grams of Chinese free text: near-identical texts (a copied complaint,
// one word changed) get fingerprints a few bits apart. 64 bits, as two 32-bit halves.

export interface Fingerprint {
  readonly hi: number;
  readonly lo: number;
}

const NGRAM = 3;

/** FNV-1a 64-bit of a string, as two unsigned 32-bit halves. */
function fnv64(text: string): Fingerprint {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < text.length; i++) {
    lo ^= text.charCodeAt(i);
    // multiply (hi, lo) by the FNV prime 0x100000001b3 modulo 2^64
    const loMul = Math.imul(lo, 0x1b3) >>> 0;
    const carry = Math.floor(((lo >>> 0) * 0x1b3) / 0x100000000);
    hi = (Math.imul(hi, 0x1b3) + Math.imul(lo, 0x100) + carry) >>> 0;
    lo = loMul;
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

/** Drops what does not carry meaning (spaces, punctuation, placeholders of scrubbed numbers). */
export function normaliseText(text: string): string {
  return text.replace(/\[(?:手机号|电话|身份证号)\]/g, "").replace(/[\s\p{P}\p{S}]+/gu, "");
}

export function simhash(text: string): Fingerprint | null {
  const clean = normaliseText(text);
  if (clean.length < NGRAM + 5) return null; // too short to say two texts are alike
  const weights: number[] = new Array<number>(64).fill(0);
  for (let i = 0; i + NGRAM <= clean.length; i++) {
    const { hi, lo } = fnv64(clean.slice(i, i + NGRAM));
    for (let bit = 0; bit < 32; bit++) {
      weights[bit] = weights[bit]! + ((lo >>> bit) & 1 ? 1 : -1);
      weights[bit + 32] = weights[bit + 32]! + ((hi >>> bit) & 1 ? 1 : -1);
    }
  }
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (weights[bit]! > 0) lo |= 1 << bit;
    if (weights[bit + 32]! > 0) hi |= 1 << bit;
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
