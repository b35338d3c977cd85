// Golden fixture for emerging phrases: a new word that suddenly appears in many tickets bursts
// (and is assembled from its overlapping n-grams); everyday words do not.
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../stats/random.js";
import { DEFAULT_PHRASE_CONFIG, PhraseDetector } from "./phrases.js";

const everyday = ["小区物业服务差请相关部门处理", "道路积水严重影响出行", "噪音扰民晚上无法休息", "拖欠工资请求帮助追讨", "垃圾清运不及时气味难闻"];

describe("emerging phrases", () => {
  it("finds a new phrase that bursts, assembled whole, and stays quiet on everyday text", () => {
    const d = new PhraseDetector(DEFAULT_PHRASE_CONFIG);
    const random = mulberry32(3);
    let n = 0;
    const found = [];
    for (let day = 0; day < 30; day++) {
      found.push(...d.advance(day));
      for (let i = 0; i < 40; i++) d.observe({ ticketId: `t${n++}`, day, text: everyday[Math.floor(random() * everyday.length)]! });
      if (day === 25) for (let i = 0; i < 12; i++) d.observe({ ticketId: `s${i}`, day, text: `接到冒充客服退款诈骗电话，对方自称快递理赔。${everyday[i % everyday.length]!}` });
    }
    found.push(...d.advance(30));
    const opened = found.filter((p) => p.status === "open");
    expect(opened.map((p) => p.phrase)).toEqual(["接到冒充客服退款诈骗电话对方自称快递理赔"]);
    expect(opened[0]!.observed).toBe(12);
    expect(opened[0]!.sampleTicketIds).toHaveLength(10);
    expect(found.filter((p) => p.status === "closed").map((p) => p.phraseId)).toEqual([opened[0]!.phraseId]);
  });
});
