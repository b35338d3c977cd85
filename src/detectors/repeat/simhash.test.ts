// SimHash: near-identical Chinese texts are close, unrelated ones far, and the banding finds the close ones.
import { describe, expect, it } from "vitest";
import { bands, hamming, simhash } from "./simhash.js";

const a = "来电人反映：朝阳区望京街道花家地社区12号楼电梯已经停运三天，老人上下楼困难，物业不予理睬，请相关部门尽快督促维修。";
const b = "来电人反映：朝阳区望京街道花家地社区12号楼电梯已经停运四天，老人上下楼困难，物业不予理睬，请相关部门尽快督促维修！";
const c = "市民咨询：今年冬季供暖什么时候开始，小区暖气试水的时间安排是怎样的，希望能有个明确答复。";

describe("simhash", () => {
  it("puts near-identical texts a few bits apart and unrelated texts far apart", () => {
    const [fa, fb, fc] = [simhash(a)!, simhash(b)!, simhash(c)!];
    expect(hamming(fa, fa)).toBe(0);
    expect(hamming(fa, fb)).toBeLessThanOrEqual(8);
    expect(hamming(fa, fc)).toBeGreaterThan(16);
    expect(simhash("好的")).toBeNull();
  });

  it("ignores punctuation, spaces and scrubbed-number placeholders", () => {
    expect(simhash("电梯停运三天 请尽快 维修[手机号]")).toEqual(simhash("电梯停运三天，请尽快维修。"));
  });

  it("bands share at least one value for fingerprints within 3 bits", () => {
    const f = simhash(a)!;
    const g = { hi: f.hi ^ 0b1, lo: f.lo ^ 0b101 };
    expect(hamming(f, g)).toBe(3);
    expect(bands(f).some((band) => bands(g).includes(band))).toBe(true);
  });
});
