// Descriptive statistics and multiple-testing adjustments (Benjamini–Hochberg, Bonferroni), as R computes them.

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : sum(values) / values.length;
}

/** The sample variance (denominator n − 1), NaN below two values. */
export function variance(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) * (v - m);
  return squares / (values.length - 1);
}

/** The sample standard deviation (denominator n − 1), as R's sd. */
export function sd(values: readonly number[]): number {
  return Math.sqrt(variance(values));
}

/** Benjamini–Hochberg adjusted p-values, in the input order (R: p.adjust(p, "BH")). */
export function benjaminiHochbergAdjust(pValues: readonly number[]): number[] {
  const n = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => b.p - a.p || a.i - b.i);
  const adjusted = new Array<number>(n).fill(1);
  let running = 1;
  order.forEach(({ p, i }, k) => {
    const rank = n - k;
    running = Math.min(running, (p * n) / rank);
    adjusted[i] = Math.min(1, running);
  });
  return adjusted;
}

/** Which hypotheses Benjamini–Hochberg rejects at false discovery rate q. */
export function benjaminiHochberg(pValues: readonly number[], q: number): boolean[] {
  return benjaminiHochbergAdjust(pValues).map((p) => p <= q);
}

/** Bonferroni adjusted p-values (R: p.adjust(p, "bonferroni")). */
export function bonferroniAdjust(pValues: readonly number[]): number[] {
  return pValues.map((p) => Math.min(1, p * pValues.length));
}
