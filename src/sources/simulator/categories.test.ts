// The category tree: shape, codes, the examples hotline staff expect, SLA tiers, seasons.
import { describe, expect, it } from "vitest";
import { category } from "../../contract/fields.js";
import { CATEGORY_LEAVES, leafByCode, SLA_TIERS, seasonalWeight } from "./categories.js";

describe("categories", () => {
  it("is a three-level tree of 60–120 leaves with codes like 02.05.03", () => {
    expect(CATEGORY_LEAVES.length).toBeGreaterThanOrEqual(60);
    expect(CATEGORY_LEAVES.length).toBeLessThanOrEqual(120);
    for (const leaf of CATEGORY_LEAVES) {
      expect(leaf.code).toMatch(/^\d{2}\.\d{2}\.\d{2}$/);
      expect(category.safeParse(leaf.category).success).toBe(true);
      expect(leaf.category.path).toHaveLength(3);
      expect(leaf.weight).toBeGreaterThan(0);
      expect(leaf.urgency.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    }
    expect(new Set(CATEGORY_LEAVES.map((l) => l.code)).size).toBe(CATEGORY_LEAVES.length);
  });

  it("files the examples where a hotline person expects them", () => {
    const names = (code: string) => leafByCode(code).category.path.map((p) => p.name).join(" > ");
    expect(names("02.05.03")).toBe("城乡建设 > 物业管理 > 电梯故障");
    expect(names("01.01.01")).toBe("城市管理 > 市容环境 > 占道经营");
    expect(names("03.05.01")).toBe("水电气热 > 供暖 > 暖气不热");
    expect(names("07.03.01")).toBe("生态环境 > 噪声污染 > 施工噪音");
    const paths = CATEGORY_LEAVES.map((l) => l.category.path.map((p) => p.name).join(" > "));
    expect(paths).toContain("市场监管 > 消费维权 > 预付卡退费");
    expect(paths).toContain("劳动社保 > 劳动关系 > 拖欠工资");
  });

  it("uses every SLA tier, with deadlines of 2 h, 24 h, 7 and 15 days", () => {
    expect(new Set(CATEGORY_LEAVES.map((l) => l.tier))).toEqual(new Set(["emergency", "utility", "general", "complex"]));
    expect(SLA_TIERS.emergency.closeMs).toBe(2 * 3_600_000);
    expect(SLA_TIERS.utility.closeMs).toBe(24 * 3_600_000);
    expect(SLA_TIERS.complex.closeMs).toBe(15 * 86_400_000);
  });

  it("asks about heating only in the heating season", () => {
    const heating = leafByCode("03.05.01");
    expect(seasonalWeight(heating, "heating")).toBeGreaterThan(0);
    expect(seasonalWeight(heating, "summer")).toBe(0);
  });
});
