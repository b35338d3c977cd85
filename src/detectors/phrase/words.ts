// Words of free text in any script, for phrase n-grams. ICU word segmentation (Intl.Segmenter)
// splits Chinese by dictionary and other scripts at their word boundaries; Latin words and
// numbers stay whole units (5G, PM2.5, 3 in 3号楼). Scrubbing marks split the text: a phrase never
// spans or contains one.
import { SCRUB_MARKS } from "../../contract/personal-data.js";

const segmenter = new Intl.Segmenter("zh", { granularity: "word" });
const LETTER = /\p{L}/u;
/** Scripts written without spaces between words: their words join without one. */
const UNSPACED_START = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const UNSPACED_END = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]$/u;

export interface Word {
  /** Lower-cased and NFKC (full-width ＰＭ２.５ reads pm2.5): what counts. */
  readonly text: string;
  /** As written, NFKC: what a supervisor reads. */
  readonly shown: string;
  /** Whether it holds a letter (a number alone is no phrase). */
  readonly letters: boolean;
  /** Whether the next word of a phrase follows it with a space. */
  readonly spacedAfter: boolean;
  readonly spacedBefore: boolean;
  /** Where it lies in its passage. */
  readonly start: number;
  readonly end: number;
}

/** A stretch of text between scrubbing marks, with its words. */
export interface Passage {
  readonly text: string;
  readonly words: readonly Word[];
}

/** The passages of a text, with at most `maxWords` words in all (bounds the cost of one ticket). */
export function passagesOf(text: string, maxWords: number): Passage[] {
  const out: Passage[] = [];
  let budget = maxWords;
  for (const piece of text.normalize("NFKC").split(SCRUB_MARKS)) {
    if (budget <= 0) break;
    const words: Word[] = [];
    for (const s of segmenter.segment(piece)) {
      if (s.isWordLike !== true) continue;
      const w = s.segment.toLowerCase();
      words.push({ text: w, shown: s.segment, letters: LETTER.test(w), spacedAfter: !UNSPACED_END.test(w), spacedBefore: !UNSPACED_START.test(w), start: s.index, end: s.index + s.segment.length });
      if (--budget === 0) break;
    }
    if (words.length > 0) out.push({ text: piece, words });
  }
  return out;
}

/** Words joined as the phrase reads: a space between two spaced words (catch basin), none otherwise (5G基站, 3号楼). */
export function joinWords(words: readonly Pick<Word, "text" | "shown" | "spacedAfter" | "spacedBefore">[], form: "text" | "shown" = "text"): string {
  let out = words[0]?.[form] ?? "";
  for (let i = 1; i < words.length; i++) out += words[i - 1]!.spacedAfter && words[i]!.spacedBefore ? ` ${words[i]![form]}` : words[i]![form];
  return out;
}
