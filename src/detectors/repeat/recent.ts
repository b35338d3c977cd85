// The index lists of the repeat detector (per caller and issue, per place and issue, per SimHash
// band): tickets kept in creation-time order, read from the newest end with a cap, so the work a
// new ticket costs never grows with how many tickets share its list (a 群体诉求 of 50,000 tickets,
// a copied text sent by thousands).

export interface Timed {
  readonly id: string;
  readonly createdMs: number;
}

/** Puts `t` into `list` in creation-time order, after those created at the same time (arrival order); returns the list. */
export function insertByTime<T extends Timed>(index: Map<string, T[]>, key: string, t: T): T[] {
  let list = index.get(key);
  if (list === undefined) {
    list = [];
    index.set(key, list);
  }
  if (list.length === 0 || list[list.length - 1]!.createdMs <= t.createdMs) {
    list.push(t);
    return list;
  }
  // a late ticket: binary search for its place (a second sender's burst may fall among 50,000 of the first's)
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.createdMs <= t.createdMs) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, t);
  return list;
}

/**
 * The tickets of `list` created at or after `sinceMs`, oldest first, but at most the `cap` newest of
 * them: what a new ticket is compared with. `more` says whether older ones in the window were left out.
 */
export function newestSince<T extends Timed>(list: readonly T[], sinceMs: number, cap: number): { readonly tickets: T[]; readonly more: boolean } {
  let from = list.length;
  while (from > 0 && list.length - from < cap && list[from - 1]!.createdMs >= sinceMs) from--;
  return { tickets: list.slice(from), more: from > 0 && list[from - 1]!.createdMs >= sinceMs };
}

/** The `cap` oldest of a group's tickets, by (created, id): what its row lists. Returns the list. */
export function keepOldest<T extends Timed>(oldest: T[], t: T, cap: number): T[] {
  const before = (a: T, b: T) => a.createdMs < b.createdMs || (a.createdMs === b.createdMs && a.id < b.id);
  if (oldest.length >= cap && !before(t, oldest[oldest.length - 1]!)) return oldest;
  let at = oldest.length;
  while (at > 0 && before(t, oldest[at - 1]!)) at--;
  oldest.splice(at, 0, t);
  if (oldest.length > cap) oldest.pop();
  return oldest;
}
