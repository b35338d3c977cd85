// Emerging phrases: word n-grams of the (scrubbed) free text, in any script, whose daily ticket
// count bursts against their own history — problems the category tree has no code for yet (a new
// scam, a new construction site, a new app, flooded catch basins). Words come from ICU word
// segmentation (words.ts), so Chinese, Latin words, numbers and mixed units (5G基站, PM2.5, 3号楼)
// all count. A phrase is 1 to `maxWords` consecutive words of one passage with at least
// `minChars` characters and a letter. Phrases in a large share of recent tickets are stop phrases
// (市民来电反映, "please help"), learned from the corpus's own document frequency, never raised.
// History lives in decayed count-min sketches and the open day holds at most `maxTrackedPerDay`
// n-grams, so memory and the work per ticket stay bounded however large the vocabulary.
// Evaluated once per closed local day; pure.
import { EpisodeTracker } from "../episodes.js";
import { poissonUpperTail } from "../stats/distributions.js";
import { joinWords, passagesOf, type Word } from "./words.js";

export interface PhraseConfig {
  /** Longest n-gram, in words (a Chinese word is one to a few characters). */
  readonly maxWords: number;
  /** Shortest n-gram, in characters without spaces: a lone 了 or "a" is no phrase. */
  readonly minChars: number;
  /** Tickets containing the phrase on the day, at least. */
  readonly minCount: number;
  readonly minRatio: number;
  readonly alpha: number;
  /** Days of history before a phrase may burst. */
  readonly warmupDays: number;
  /** Daily decay of the history (0.95: a memory of about 20 days). */
  readonly decay: number;
  /** A phrase in at least this share of recent tickets (decayed like the history) is a stop phrase. */
  readonly stopShare: number;
  /** Distinct n-grams held for the open day; past it the rarest are evicted (their counts stay in the day's sketch). */
  readonly maxTrackedPerDay: number;
  /** Words read from one ticket, at most. */
  readonly maxWordsPerTicket: number;
  /** Bursting n-grams merged into phrases per day, at most (the most significant). */
  readonly maxBurstsPerDay: number;
}

export const DEFAULT_PHRASE_CONFIG: PhraseConfig = {
  maxWords: 3,
  minChars: 2,
  minCount: 5,
  minRatio: 4,
  alpha: 1e-6,
  warmupDays: 14,
  decay: 0.95,
  stopShare: 0.05,
  maxTrackedPerDay: 200_000,
  maxWordsPerTicket: 500,
  maxBurstsPerDay: 300,
};

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

type GramWord = Pick<Word, "text" | "shown" | "spacedAfter" | "spacedBefore">;

interface DayEntry {
  readonly words: readonly GramWord[];
  count: number;
  tickets: string[];
  examples: string[];
  /** The last observation that counted it: a gram counts once per ticket. */
  seenIn: number;
}

const WIDTH = 1 << 19;
const DEPTH = 2;

/** Count-min sketch of counts: estimates never fall below the true value. */
class Sketch {
  private readonly rows = Array.from({ length: DEPTH }, () => new Float32Array(WIDTH));
  add(key: string, amount: number): void {
    for (let d = 0; d < DEPTH; d++) this.rows[d]![hash(key, d) & (WIDTH - 1)]! += amount;
  }
  estimate(key: string): number {
    let min = Infinity;
    for (let d = 0; d < DEPTH; d++) min = Math.min(min, this.rows[d]![hash(key, d) & (WIDTH - 1)]!);
    return min;
  }
  /** this = this × factor + other; other is emptied. */
  decayAndDrain(factor: number, other: Sketch): void {
    for (let d = 0; d < DEPTH; d++) {
      const row = this.rows[d]!;
      const add = other.rows[d]!;
      for (let i = 0; i < WIDTH; i++) row[i] = row[i]! * factor + add[i]!;
      add.fill(0);
    }
  }
}

function hash(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class PhraseDetector {
  /** Decayed daily ticket counts per n-gram, before the open day. */
  private readonly history = new Sketch();
  /** The open day's ticket counts of every n-gram, tracked or evicted. */
  private readonly daySketch = new Sketch();
  /** Sum of decay weights: the expected count is history / weight, a decayed mean per day. */
  private weight = 0;
  /** Decayed ticket count, the denominator of a phrase's document frequency. */
  private historyTickets = 0;
  private ticketsToday = 0;
  private days = 0;
  private currentDay: number | undefined;
  private today = new Map<string, DayEntry>();
  private evictedToday = false;
  private observations = 0;
  private readonly episodes = new EpisodeTracker<Phrase>();

  /** Read-only counts of the state held, for bench:memory (the history is two fixed-size sketches). */
  get tracked(): { phrasesToday: number } {
    return { phrasesToday: this.today.size };
  }

  constructor(private readonly config: PhraseConfig = DEFAULT_PHRASE_CONFIG) {}

  /** Tickets must come day by day: a ticket of a later day closes the earlier ones (call advance first). */
  observe(t: PhraseInput): void {
    if (this.currentDay === undefined) this.currentDay = t.day;
    if (t.day !== this.currentDay) return; // late or early: only the open day counts
    const c = this.config;
    const observation = ++this.observations;
    this.ticketsToday += 1;
    for (const passage of passagesOf(t.text, c.maxWordsPerTicket)) {
      const words = passage.words;
      for (let i = 0; i < words.length; i++) {
        let chars = 0;
        let letters = false;
        let gram = "";
        for (let n = 1; n <= c.maxWords && i + n <= words.length; n++) {
          const last = words[i + n - 1]!;
          // grown word by word, joined as joinWords joins
          gram = n === 1 ? last.text : words[i + n - 2]!.spacedAfter && last.spacedBefore ? `${gram} ${last.text}` : gram + last.text;
          chars += last.text.length;
          letters ||= last.letters;
          if (chars < c.minChars || !letters) continue;
          let entry = this.today.get(gram);
          if (entry?.seenIn === observation) continue;
          this.daySketch.add(gram, 1);
          if (entry === undefined) {
            // an evicted n-gram comes back with the day's count so far (the sketch may overcount a little)
            const before = this.evictedToday ? this.daySketch.estimate(gram) - 1 : 0;
            entry = { words: words.slice(i, i + n).map(({ text, shown, spacedAfter, spacedBefore }) => ({ text, shown, spacedAfter, spacedBefore })), count: before, tickets: [], examples: [], seenIn: 0 };
            this.today.set(gram, entry);
          }
          entry.seenIn = observation;
          entry.count += 1;
          if (entry.tickets.length < 10) entry.tickets.push(t.ticketId);
          if (entry.examples.length < 3) entry.examples.push(snippet(passage.text, words, i, i + n - 1));
        }
      }
    }
    if (this.today.size > c.maxTrackedPerDay) this.evictRarest();
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

  /** Drops the n-grams with the lowest counts until a quarter of the room is free: linear, and rare. */
  private evictRarest(): void {
    const target = Math.floor(this.config.maxTrackedPerDay * 0.75);
    const histogram = new Array<number>(65).fill(0);
    for (const entry of this.today.values()) histogram[Math.min(entry.count, 64)]! += 1;
    let threshold = 0;
    for (let kept = this.today.size; threshold < 64 && kept > target; threshold++) kept -= histogram[threshold + 1]!;
    for (const [gram, entry] of this.today) if (entry.count <= threshold) this.today.delete(gram);
    for (const gram of this.today.keys()) {
      if (this.today.size <= target) break;
      this.today.delete(gram);
    }
    this.evictedToday = true;
  }

  private closeDay(day: number): Phrase[] {
    const c = this.config;
    const bursts: { words: readonly GramWord[]; phrase: Phrase }[] = [];
    if (this.days >= c.warmupDays) {
      for (const [gram, entry] of this.today) {
        if (entry.count < c.minCount) continue;
        const history = this.history.estimate(gram);
        if (history >= c.stopShare * this.historyTickets) continue; // a stop phrase: everyday wording, not news
        const expected = Math.max(history / this.weight, 0.2);
        if (entry.count < c.minRatio * expected) continue;
        const pValue = poissonUpperTail(entry.count, expected);
        if (pValue >= c.alpha) continue;
        bursts.push({ words: entry.words, phrase: { phraseId: "", phrase: gram, status: "open", observed: entry.count, expected, pValue, sampleTicketIds: entry.tickets, examples: entry.examples, firstSeenDay: day, lastUpdatedDay: day } });
      }
    }
    bursts.sort((a, b) => a.phrase.pValue - b.phrase.pValue || b.phrase.observed - a.phrase.observed || (a.phrase.phrase < b.phrase.phrase ? -1 : 1));
    const isStop = (words: readonly GramWord[]) => this.history.estimate(joinWords(words)) >= c.stopShare * this.historyTickets;
    const merged = mergeOverlapping(bursts.slice(0, c.maxBurstsPerDay), isStop);
    this.history.decayAndDrain(c.decay, this.daySketch);
    this.weight = this.weight * c.decay + 1;
    this.historyTickets = this.historyTickets * c.decay + this.ticketsToday;
    this.ticketsToday = 0;
    this.days += 1;
    this.today = new Map();
    this.evictedToday = false;
    return this.reconcile(merged, day);
  }

  private reconcile(found: Map<string, Phrase>, day: number): Phrase[] {
    // found is keyed by the lower-cased phrase, so an episode keeps its id whatever the case of the day's first ticket
    return this.episodes.reconcile(found, day, (p, status, firstSeenDay) => ({ ...p, phraseId: `${p.phraseId}:${firstSeenDay}`, status, firstSeenDay }));
  }
}

/** The text around words from…to, up to about 20 characters either side, cut between words. */
function snippet(text: string, words: readonly Word[], from: number, to: number): string {
  let first = from;
  while (first > 0 && words[first - 1]!.start >= words[from]!.start - 20) first--;
  let last = to;
  while (last + 1 < words.length && words[last + 1]!.end <= words[to]!.end + 20) last++;
  return text.slice(words[first]!.start, words[last]!.end);
}

/** Longest assembled phrase, in words. */
const MAX_PHRASE_WORDS = 12;

/**
 * N-grams of one burst overlap (catch basin, basin flooding, catch basin flooding …): they share
 * most tickets. Each group becomes one phrase, assembled from its n-grams by their overlaps, with
 * the figures of its strongest n-gram, keyed (and its id, until stamped) by its lower-cased words.
 */
function mergeOverlapping(bursts: readonly { words: readonly GramWord[]; phrase: Phrase }[], isStop: (words: readonly GramWord[]) => boolean): Map<string, Phrase> {
  const grams = [...bursts].sort((a, b) => b.phrase.observed - a.phrase.observed || b.words.length - a.words.length || (a.phrase.phrase < b.phrase.phrase ? -1 : 1));
  const used = new Set<string>();
  const out = new Map<string, Phrase>();
  for (const lead of grams) {
    if (used.has(lead.phrase.phrase)) continue;
    const tickets = new Set(lead.phrase.sampleTicketIds);
    const group = grams.filter((g) => !used.has(g.phrase.phrase) && overlap(tickets, g.phrase.sampleTicketIds) >= 0.8);
    for (const g of group) used.add(g.phrase.phrase);
    const words = trimStops(assemble(lead.words, group.map((g) => g.words)), isStop);
    const key = joinWords(words);
    out.set(key, { ...lead.phrase, phraseId: key, phrase: joinWords(words, "shown") });
  }
  return out;
}

/**
 * An n-gram that straddles a stop phrase and the news (电|反映|接到 in 市民来电反映：接到…, "at the"
 * before "corner") bursts with the news: words at either end that are, alone or with a neighbour
 * (the next word in, or the word just trimmed: 举|报 of 举报), a stop phrase are trimmed, unless
 * nothing would be left.
 */
function trimStops(words: readonly GramWord[], isStop: (words: readonly GramWord[]) => boolean): readonly GramWord[] {
  let from = 0;
  let to = words.length;
  const stopAt = (i: number, inner: number, outer: number, trimmed: boolean) =>
    isStop([words[i]!]) || isStop(inner > i ? [words[i]!, words[inner]!] : [words[inner]!, words[i]!]) || (trimmed && isStop(outer < i ? [words[outer]!, words[i]!] : [words[i]!, words[outer]!]));
  while (to - from > 1 && stopAt(from, from + 1, from - 1, from > 0)) from++;
  while (to - from > 1 && stopAt(to - 1, to - 2, to, to < words.length)) to--;
  return words.slice(from, to);
}

function overlap(a: ReadonlySet<string>, b: readonly string[]): number {
  if (b.length === 0) return 0;
  return b.filter((t) => a.has(t)).length / Math.max(a.size, b.length);
}

/** Extends `seed` left and right with grams that overlap it by all but their last (first) word. */
function assemble(seed: readonly GramWord[], grams: readonly (readonly GramWord[])[]): GramWord[] {
  let words = [...seed];
  for (let grown = true; grown && words.length < MAX_PHRASE_WORDS; ) {
    grown = false;
    for (const g of grams) {
      if (g.length < 2 || contains(words, g)) continue;
      if (sameWords(words.slice(words.length - (g.length - 1)), g.slice(0, -1))) {
        words.push(g[g.length - 1]!);
        grown = true;
      } else if (sameWords(words.slice(0, g.length - 1), g.slice(1))) {
        words = [g[0]!, ...words];
        grown = true;
      }
    }
  }
  return words;
}

function sameWords(a: readonly GramWord[], b: readonly GramWord[]): boolean {
  return a.length === b.length && a.every((w, i) => w.text === b[i]!.text);
}

function contains(words: readonly GramWord[], g: readonly GramWord[]): boolean {
  for (let i = 0; i + g.length <= words.length; i++) if (sameWords(words.slice(i, i + g.length), g)) return true;
  return false;
}
