// Emerging phrases: character n-grams of the (scrubbed) Chinese free text whose daily ticket count
// bursts against their own history — problems the category tree has no code for yet (a new scam, a
// new construction site, a new app). History lives in a decayed count-min sketch, so memory stays
// fixed however large the vocabulary. Evaluated once per closed local day; pure.
import { EpisodeTracker } from "../episodes.js";
import { poissonUpperTail } from "../stats/distributions.js";
import { normaliseText } from "../repeat/simhash.js";

export interface PhraseConfig {
  readonly minLength: number;
  readonly maxLength: number;
  /** Tickets containing the phrase on the day, at least. */
  readonly minCount: number;
  readonly minRatio: number;
  readonly alpha: number;
  /** Days of history before a phrase may burst. */
  readonly warmupDays: number;
  /** Daily decay of the history (0.95: a memory of about 20 days). */
  readonly decay: number;
}

export const DEFAULT_PHRASE_CONFIG: PhraseConfig = { minLength: 2, maxLength: 4, minCount: 5, minRatio: 4, alpha: 1e-6, warmupDays: 14, decay: 0.95 };

export interface PhraseInput {
  readonly ticketId: string;
  readonly day: number;
  readonly text: string;
}

export interface Phrase {
  readonly phraseId: string;
  readonly phrase: string;
  readonly status: "open" | "updated" | "closed";
  readonly observed: number;
  readonly expected: number;
  readonly pValue: number;
  readonly sampleTicketIds: readonly string[];
  readonly examples: readonly string[];
  readonly firstSeenDay: number;
  readonly lastUpdatedDay: number;
}

const WIDTH = 1 << 19;
const DEPTH = 2;

/** For each position, how many characters from it on are CJK ideographs (U+3400–U+9FFF). */
function cjkRuns(text: string): Uint16Array {
  const run = new Uint16Array(text.length + 1);
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    run[i] = c >= 0x3400 && c <= 0x9fff ? Math.min(run[i + 1]! + 1, 0xffff) : 0;
  }
  return run;
}

/** Count-min sketch of decayed daily counts: estimates never fall below the true value. */
class DecayedSketch {
  private readonly rows = Array.from({ length: DEPTH }, () => new Float32Array(WIDTH));
  add(key: string, amount: number): void {
    for (let d = 0; d < DEPTH; d++) this.rows[d]![hash(key, d) & (WIDTH - 1)]! += amount;
  }
  estimate(key: string): number {
    let min = Infinity;
    for (let d = 0; d < DEPTH; d++) min = Math.min(min, this.rows[d]![hash(key, d) & (WIDTH - 1)]!);
    return min;
  }
  decay(factor: number): void {
    for (const row of this.rows) for (let i = 0; i < row.length; i++) row[i]! *= factor;
  }
}

function hash(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class PhraseDetector {
  private readonly history = new DecayedSketch();
  /** Sum of decay weights: the expected count is history / weight, a decayed mean per day. */
  private weight = 0;
  private days = 0;
  private currentDay: number | undefined;
  /** The open day's n-grams; `seenIn` is the last observation that counted one (a gram counts once per ticket). */
  private today = new Map<string, { count: number; tickets: string[]; examples: string[]; seenIn: number }>();
  private observations = 0;
  private readonly episodes = new EpisodeTracker<Phrase>();

  /** Read-only counts of the state held, for bench:memory (the decayed history is a fixed-size sketch). */
  get tracked(): { phrasesToday: number } {
    return { phrasesToday: this.today.size };
  }

  constructor(private readonly config: PhraseConfig = DEFAULT_PHRASE_CONFIG) {}

  /** Tickets must come day by day: a ticket of a later day closes the earlier ones (call advance first). */
  observe(t: PhraseInput): void {
    if (this.currentDay === undefined) this.currentDay = t.day;
    if (t.day !== this.currentDay) return; // late or early: only the open day counts
    const text = normaliseText(t.text);
    const run = cjkRuns(text);
    const observation = ++this.observations;
    for (let n = Math.max(this.config.minLength, 1); n <= this.config.maxLength; n++) {
      for (let i = 0; i + n <= text.length; i++) {
        if (run[i]! < n) continue; // not all CJK ideographs
        const gram = text.slice(i, i + n);
        let entry = this.today.get(gram);
        if (entry === undefined) {
          entry = { count: 0, tickets: [], examples: [], seenIn: 0 };
          this.today.set(gram, entry);
        } else if (entry.seenIn === observation) {
          continue;
        }
        entry.seenIn = observation;
        entry.count += 1;
        if (entry.tickets.length < 10) entry.tickets.push(t.ticketId);
        if (entry.examples.length < 3) entry.examples.push(text.slice(Math.max(0, i - 12), i + n + 12));
      }
    }
  }

  /** Closes every day before `day` (the day now open); returns the phrases that changed. */
  advance(day: number): Phrase[] {
    const out: Phrase[] = [];
    while (this.currentDay !== undefined && this.currentDay < day) {
      out.push(...this.closeDay(this.currentDay));
      this.currentDay += 1;
    }
    return out;
  }

  private closeDay(day: number): Phrase[] {
    const c = this.config;
    const found = new Map<string, Phrase>();
    if (this.days >= c.warmupDays) {
      for (const [gram, entry] of this.today) {
        if (entry.count < c.minCount) continue;
        const expected = Math.max(this.history.estimate(gram) / this.weight, 0.2);
        if (entry.count < c.minRatio * expected) continue;
        const pValue = poissonUpperTail(entry.count, expected);
        if (pValue >= c.alpha) continue;
        found.set(gram, { phraseId: "", phrase: gram, status: "open", observed: entry.count, expected, pValue, sampleTicketIds: entry.tickets, examples: entry.examples, firstSeenDay: day, lastUpdatedDay: day });
      }
    }
    const merged = mergeOverlapping(found);
    this.history.decay(c.decay);
    this.weight = this.weight * c.decay + 1;
    for (const [gram, entry] of this.today) this.history.add(gram, entry.count);
    this.days += 1;
    this.today = new Map();
    return this.reconcile(merged, day);
  }

  private reconcile(found: Map<string, Phrase>, day: number): Phrase[] {
    return this.episodes.reconcile(found, day, (p, status, firstSeenDay) => ({ ...p, phraseId: `${p.phrase}:${firstSeenDay}`, status, firstSeenDay }));
  }
}

/**
 * N-grams of one burst overlap (反映五里, 映五里苑, 五里苑社 …): they share most tickets. Each group
 * becomes one phrase, assembled from its n-grams by their overlaps (反映五里苑社区), with the
 * figures of its strongest n-gram.
 */
function mergeOverlapping(found: ReadonlyMap<string, Phrase>): Map<string, Phrase> {
  const grams = [...found.values()].sort((a, b) => b.observed - a.observed || b.phrase.length - a.phrase.length || (a.phrase < b.phrase ? -1 : 1));
  const used = new Set<string>();
  const out = new Map<string, Phrase>();
  for (const lead of grams) {
    if (used.has(lead.phrase)) continue;
    const tickets = new Set(lead.sampleTicketIds);
    const group = grams.filter((g) => !used.has(g.phrase) && overlap(tickets, g.sampleTicketIds) >= 0.8);
    for (const g of group) used.add(g.phrase);
    const phrase = assemble(lead.phrase, group.map((g) => g.phrase));
    out.set(phrase, { ...lead, phrase });
  }
  return out;
}

function overlap(a: ReadonlySet<string>, b: readonly string[]): number {
  if (b.length === 0) return 0;
  return b.filter((t) => a.has(t)).length / Math.max(a.size, b.length);
}

/** Extends `seed` left and right with grams that overlap it by all but their last (first) character. */
function assemble(seed: string, grams: readonly string[]): string {
  let text = seed;
  for (let grown = true; grown && text.length < 24; ) {
    grown = false;
    for (const g of grams) {
      if (text.includes(g)) continue;
      if (text.endsWith(g.slice(0, -1))) {
        text += g.slice(-1);
        grown = true;
      } else if (text.startsWith(g.slice(1))) {
        text = g[0] + text;
        grown = true;
      }
    }
  }
  return text;
}
