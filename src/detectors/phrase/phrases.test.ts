// Golden fixtures for emerging phrases: a new wording that suddenly appears in many tickets bursts
// (assembled from its overlapping word n-grams), in any script; everyday wording, stop phrases and
// scrubbing marks do not.
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../stats/random.js";
import { DEFAULT_PHRASE_CONFIG, PhraseDetector, type Phrase } from "./phrases.js";

const everyday = ["小区物业服务差请相关部门处理", "道路积水严重影响出行", "噪音扰民晚上无法休息", "拖欠工资请求帮助追讨", "垃圾清运不及时气味难闻"];
const everydayEnglish = [
  "Garbage was not collected on our street this week.",
  "Loud music from the neighbours every night after midnight.",
  "Streetlight out in front of the school.",
  "Pothole on the road near the bus stop, please repair.",
  "Graffiti on the wall of the community centre.",
];

/** 30 days of 40 everyday tickets (`perDay` on the day of `burst`), and the burst's tickets on day 25. */
function run(texts: readonly string[], burst: (day: number) => readonly string[], perDay: (day: number) => number = () => 40): Phrase[] {
  const d = new PhraseDetector(DEFAULT_PHRASE_CONFIG);
  const random = mulberry32(3);
  let n = 0;
  const found: Phrase[] = [];
  for (let day = 0; day < 30; day++) {
    found.push(...d.advance(day));
    for (let i = 0; i < perDay(day); i++) d.observe({ ticketId: `t${n++}`, day, text: texts[Math.floor(random() * texts.length)]! });
    burst(day).forEach((text, i) => d.observe({ ticketId: `s${day}-${i}`, day, text }));
  }
  found.push(...d.advance(30));
  return found;
}

const opened = (found: readonly Phrase[]) => found.filter((p) => p.status === "open");

describe("emerging phrases", () => {
  it("finds a new phrase that bursts, assembled whole, and stays quiet on everyday text", () => {
    const found = run(everyday, (day) => (day === 25 ? Array.from({ length: 12 }, (_, i) => `接到冒充客服退款诈骗电话，对方自称快递理赔。${everyday[i % everyday.length]!}`) : []));
    expect(opened(found).map((p) => p.phrase)).toEqual(["接到冒充客服退款诈骗电话对方自称快递理赔"]);
    expect(opened(found)[0]!.observed).toBe(12);
    expect(opened(found)[0]!.sampleTicketIds).toHaveLength(10);
    expect(found.filter((p) => p.status === "closed").map((p) => p.phraseId)).toEqual([opened(found)[0]!.phraseId]);
  });

  it("finds a burst in English text, in words, and nothing in everyday English", () => {
    const found = run(everydayEnglish, (day) => (day === 25 ? Array.from({ length: 12 }, (_, i) => `Catch basin flooding at the corner. ${everydayEnglish[i % everydayEnglish.length]!}`) : []));
    expect(opened(found).map((p) => p.phrase)).toEqual(["Catch basin flooding at the corner"]);
    expect(opened(found)[0]!.observed).toBe(12);
    expect(opened(found)[0]!.examples[0]).toContain("flooding at the corner");
  });

  it("keeps Latin words and numbers inside Chinese text as units: 5G基站, PM2.5, 3号楼", () => {
    const mixed = ["小区旁边新建5G基站担心辐射", "工地扬尘PM2.5爆表呼吸困难", "3号楼电梯困人无人处理"];
    const found = run(everyday, (day) => (day === 25 ? mixed.flatMap((m) => Array.from({ length: 8 }, (_, i) => `${m}。${everyday[i % everyday.length]!}`)) : []));
    const phrases = opened(found).map((p) => p.phrase);
    expect(phrases).toHaveLength(3);
    for (const unit of ["5G基站", "PM2.5", "3号楼"]) expect(phrases.filter((p) => p.includes(unit)), unit).toHaveLength(1);
  });

  it("learns a phrase in most tickets as a stop phrase and does not raise it when volume surges", () => {
    const templated = everyday.map((t) => `市民来电反映：${t}`);
    const found = run(
      templated,
      (day) => (day === 25 ? Array.from({ length: 12 }, (_, i) => `市民来电反映：接到冒充客服退款诈骗电话。${everyday[i % everyday.length]!}`) : []),
      (day) => (day === 25 ? 200 : 40),
    );
    expect(opened(found).map((p) => p.phrase)).toEqual(["接到冒充客服退款诈骗电话"]);
  });

  it("never makes a phrase of, across or around a scrubbing mark", () => {
    const marks = ["[手机号]", "[电话]", "[身份证号]", "[邮箱]", "[数字]"];
    const found = run(everyday, (day) => (day === 25 ? Array.from({ length: 12 }, (_, i) => `请回电${marks.join("或")}联系王女士。${everyday[i % everyday.length]!}`) : []));
    const texts = found.flatMap((p) => [p.phrase, ...p.examples]);
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) {
      expect(text).not.toMatch(/手机号|身份证号|邮箱|数字|\[|\]/);
      expect(text).not.toMatch(/电话/);
    }
    expect(opened(found).map((p) => p.phrase)).toEqual(["联系王女士"]);
  });

  it("holds at most maxTrackedPerDay n-grams of a day, and a burst among evictions keeps its count", () => {
    const config = { ...DEFAULT_PHRASE_CONFIG, maxTrackedPerDay: 100 };
    const d = new PhraseDetector(config);
    const random = mulberry32(5);
    const noise = () => Array.from({ length: 8 }, () => String.fromCharCode(0x4e00 + Math.floor(random() * 512))).join("");
    let n = 0;
    let most = 0;
    const found: Phrase[] = [];
    for (let day = 0; day < 30; day++) {
      found.push(...d.advance(day));
      for (let i = 0; i < 120; i++) {
        const text = i % 3 === 0 ? everyday[i % everyday.length]! : noise();
        d.observe({ ticketId: `t${n++}`, day, text });
        if (day === 25 && i % 10 === 0) d.observe({ ticketId: `s${i}`, day, text: `接到冒充客服退款诈骗电话。${noise()}` });
        most = Math.max(most, d.tracked.phrasesToday);
      }
    }
    found.push(...d.advance(30));
    expect(most).toBeLessThanOrEqual(100);
    expect(opened(found).map((p) => [p.phrase, p.observed])).toEqual([["接到冒充客服退款诈骗电话", 12]]);
  });
});
