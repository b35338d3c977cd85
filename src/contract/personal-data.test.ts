// Unit tests of personal-data handling: phone normalisation and keyed hashing of callers and ID
// numbers, and scrubbing phone and ID-card numbers out of Chinese free text.
import { describe, expect, it } from "vitest";
import { createHasher, normalisePhone, scrubQuoted, scrubText } from "./personal-data.js";

const secret = new TextEncoder().encode("test-secret-0123456789abcdef");
const hasher = createHasher(secret);

describe("normalisePhone and callerKey", () => {
  const mobile = [
    "13800138000",
    "138 0013 8000",
    "138-0013-8000",
    "+86 138 0013 8000",
    "+86-138-0013-8000",
    "+8613800138000",
    "8613800138000",
    "0086 138 0013 8000",
    "(+86) 138-0013-8000",
    "１３８００１３８０００",
    "＋８６ １３８ ００１３ ８０００",
  ];

  it.each(mobile)("reads %j as the mobile 13800138000", (phone) => {
    expect(normalisePhone(phone)).toBe("13800138000");
    expect(hasher.callerKey(phone)).toBe(hasher.callerKey("13800138000"));
  });

  it.each(["010-65123456", "010 6512 3456", "(010) 6512-3456", "０１０－６５１２３４５６"])("reads the landline %j as 01065123456", (phone) => {
    expect(normalisePhone(phone)).toBe("01065123456");
  });

  // The doc comment promises that the +86 prefix never splits one caller in two; for landlines
  // the national form keeps the trunk 0 (010-…), so +86 10 … must become 010….
  it("reads a landline with +86 as the same caller as its national form", () => {
    expect(hasher.callerKey("+86 10 6512 3456")).toBe(hasher.callerKey("010-65123456"));
  });

  it("keeps different phones apart", () => {
    expect(hasher.callerKey("13800138000")).not.toBe(hasher.callerKey("13800138001"));
    expect(hasher.callerKey("13800138000")).not.toBe(hasher.callerKey("010-65123456"));
  });

  it("gives a 32-character lowercase hex key that depends on the secret", () => {
    const key = hasher.callerKey("13800138000");
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(key).not.toContain("13800138000");
    expect(createHasher(secret).callerKey("13800138000")).toBe(key);
    const otherSecret = new TextEncoder().encode("another-secret-0123456789abcdef");
    expect(createHasher(otherSecret).callerKey("13800138000")).not.toBe(key);
  });

  it("keeps identifiers without personal data and replaces the others by a keyed, digit-free hash", () => {
    expect(hasher.identifier("T-2026-000123")).toBe("T-2026-000123");
    expect(hasher.identifier("general")).toBe("general");
    const hashed = hasher.identifier("T13812345678");
    expect(hashed).toMatch(/^pii:[a-p]{20}$/);
    expect(hasher.identifier("T13812345678")).toBe(hashed);
    expect(hasher.identifier("T13812345679")).not.toBe(hashed);
    expect(hasher.identifier("zhang@example.com")).toMatch(/^pii:/);
    expect(hasher.identifier("02.13812345678")).toMatch(/^pii:/);
    expect(hasher.identifier("02.05.03")).toBe("02.05.03");
    expect(createHasher(new TextEncoder().encode("another-secret-0123456789abcdef")).identifier("T13812345678")).not.toBe(hashed);
  });

  it("rejects a secret shorter than 16 bytes and accepts 16", () => {
    expect(() => createHasher(new Uint8Array(15))).toThrow(/at least 16 bytes/);
    expect(() => createHasher(new Uint8Array(0))).toThrow(/at least 16 bytes/);
    expect(() => createHasher(new Uint8Array(16))).not.toThrow();
  });
});

describe("idKey", () => {
  it("ignores the case of the check digit and spaces", () => {
    const key = hasher.idKey("11010519491231002X");
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(hasher.idKey("11010519491231002x")).toBe(key);
    expect(hasher.idKey("110105 19491231 002X")).toBe(key);
  });

  it("hashes in a different domain from phones", () => {
    expect(hasher.idKey("13800138000")).not.toBe(hasher.callerKey("13800138000"));
  });

  it("keeps different ID numbers apart", () => {
    expect(hasher.idKey("11010519491231002X")).not.toBe(hasher.idKey("110105194912310021"));
  });
});

/**
 * The digit runs of `text` (full-width digits read as ASCII) that share four consecutive digits
 * with `secret`: empty when nothing of the phone or ID number survived scrubbing.
 */
function leftOf(secret: string, text: string): string[] {
  const ascii = (t: string) => t.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  const secretDigits = ascii(secret).replace(/\D+/g, "");
  const runs = ascii(text).match(/\d{4,}/g) ?? [];
  return runs.filter((run) => [...run].some((_, i) => i + 4 <= run.length && secretDigits.includes(run.slice(i, i + 4))));
}

describe("scrubText", () => {
  describe("mobiles", () => {
    it.each([
      ["市民来电反映13800138000无人接听", "市民来电反映[手机号]无人接听"],
      ["联系电话：138-0013-8000。", "联系电话：[手机号]。"],
      ["请回电138 0013 8000，谢谢", "请回电[手机号]，谢谢"],
      ["手机+86 138 0013 8000", "手机[手机号]"],
      ["手机+8613800138000", "手机[手机号]"],
      ["备用电话１３８００１３８０００", "备用电话[手机号]"],
      ["电话13800138000或19912345678都可以", "电话[手机号]或[手机号]都可以"],
    ])("%j → %j", (input, expected) => {
      expect(scrubText(input)).toBe(expected);
    });

    it.each(["手机＋８６１３８００１３８０００", "手机0086 138 0013 8000", "手机0086-13800138000"])("removes the mobile from %j", (input) => {
      expect(leftOf("13800138000", scrubText(input))).toEqual([]);
    });

    it("removes a mobile with the 0086 prefix written without a separator", () => {
      expect(leftOf("13800138000", scrubText("手机008613800138000"))).toEqual([]);
    });
  });

  describe("landlines", () => {
    it.each([
      ["座机010-65123456", "座机[电话]"],
      ["座机010 65123456", "座机[电话]"],
      ["深圳0755-86012345转分机", "深圳[电话]转分机"],
      ["打65123456找物业", "打[电话]找物业"],
    ])("%j → %j", (input, expected) => {
      expect(scrubText(input)).toBe(expected);
    });

    it("removes the number from (010)65123456", () => {
      expect(leftOf("65123456", scrubText("座机（010）65123456"))).toEqual([]);
    });

    it.each(["座机010-6512-3456", "座机010 6512 3456", "物业电话6512 3456"])("removes the grouped landline in %j", (input) => {
      expect(leftOf("65123456", scrubText(input))).toEqual([]);
    });
  });

  describe("ID-card numbers", () => {
    it.each([
      ["身份证号11010519491231002X，住3号楼", "身份证号[身份证号]，住3号楼"],
      ["身份证号11010519491231002x", "身份证号[身份证号]"],
      ["身份证号110105194912310021。", "身份证号[身份证号]。"],
      ["身份证１１０１０５１９４９１２３１００２１", "身份证[身份证号]"],
      ["老身份证110105491231002", "老身份证[身份证号]"],
      ["老身份证１１０１０５４９１２３１００２", "老身份证[身份证号]"],
    ])("%j → %j", (input, expected) => {
      expect(scrubText(input)).toBe(expected);
    });

    it("removes an ID number whose check digit is a full-width Ｘ", () => {
      expect(leftOf("11010519491231002", scrubText("身份证１１０１０５１９４９１２３１００２Ｘ"))).toEqual([]);
    });

    it.each(["身份证110105 19491231 002X", "身份证110105-19491231-002X", "身份证 110105 1949 1231 002X"])("removes the ID number with separators in %j", (input) => {
      expect(leftOf("11010519491231002", scrubText(input))).toEqual([]);
    });
  });

  describe("ordinary numbers stay", () => {
    it.each([
      "永安里小区3号楼2单元1102室",
      "电梯自2026年11月23日起停运",
      "拨打12345热线反映",
      "乘坐1号线到国贸站",
      "缴费500元，面积89.5平方米",
      "邮编100020",
      "第3次来电，已等待45分钟",
      "2026-11-26上午9点",
    ])("%j", (text) => {
      expect(scrubText(text)).toBe(text);
    });
  });

  describe("numbers in unusual forms (issue 12)", () => {
    it.each([
      ["回电139.2345.6789", "回电[手机号]"],
      ["回电137  3456  7890谢谢", "回电[手机号]谢谢"],
      ["回电136—4567—8901", "回电[手机号]"],
      ["回电136–4567‐8901", "回电[手机号]"],
      ["回电136－4567－8901", "回电[手机号]"],
      ["回电138 - 0013 . 8000", "回电[手机号]"],
      ["号码1 5 8 9 1 2 3 4 5 6 7，谢谢", "号码[手机号]，谢谢"],
      ["电话一五零一二三四五六七八", "电话[手机号]"],
      ["电话幺三八〇〇幺三八〇〇〇", "电话[手机号]"],
      ["电话一三八 零零一三 八零零零", "电话[手机号]"],
      ["电话13800138000-13912345678", "电话[手机号]-[手机号]"],
      ["身份证11010519491231002Xabc", "身份证[身份证号]abc"],
      ["身份证110105194912310021号", "身份证[身份证号]号"],
      ["身份证110105194912310021ABC", "身份证[身份证号]ABC"],
      ["座机（010）65123456", "座机[电话]"],
    ])("%j → %j", (input, expected) => {
      expect(scrubText(input)).toBe(expected);
    });

    it.each([
      ["邮箱zhang.san+hotline@example.com.cn，", "邮箱[邮箱]，"],
      ["mail LI_SI@qq.com please", "mail [邮箱] please"],
      ["mail ｗａｎｇ＠163.com", "mail ｗａｎｇ@163.com"],
    ])("e-mail %j → %j", (input, expected) => {
      expect(scrubText(input)).not.toMatch(/[A-Za-z0-9]@[A-Za-z0-9]/);
      if (!input.includes("ｗ")) expect(scrubText(input)).toBe(expected);
    });
  });

  describe("numbers that cannot be phone or ID numbers stay", () => {
    it.each([
      "more than 86400000 ms ahead of the worker clock",
      "more than 5000 ms",
      "event is 70000 bytes, above the limit of 65536",
      "罚款12000000元",
      "1 2 3 4 5 6 7 8 9 10 11",
      "一二三四五六七八九十",
      "坐标39.13800138000",
      "时间戳1764142272123",
      "2026-01-05 12:30:45",
      "12345热线，编号12-3456",
    ])("%j", (text) => {
      expect(scrubText(text)).toBe(text);
    });
  });

  describe("scrubQuoted (texts that quote an unchecked input)", () => {
    it("masks a cut-off number that no longer looks like a phone", () => {
      expect(scrubQuoted('Unexpected token \'x\', ..."t": x138123456"... is not valid JSON')).toBe('Unexpected token \'x\', ..."t": x[数字]"... is not valid JSON');
      expect(scrubQuoted("…3812345 678")).toBe("…[数字]");
    });

    it("keeps short numbers such as positions", () => {
      expect(scrubQuoted("Unexpected end of JSON input at position 123456")).toBe("Unexpected end of JSON input at position 123456");
    });
  });

  it("scrubs several numbers in one text and keeps the rest", () => {
    const text = "市民（身份证11010519491231002X）反映3号楼电梯停运，请回电13800138000或010-65123456，12345热线已登记。";
    expect(scrubText(text)).toBe("市民（身份证[身份证号]）反映3号楼电梯停运，请回电[手机号]或[电话]，12345热线已登记。");
  });
});

describe("key rotation", () => {
  const next = new TextEncoder().encode("next-secret-0123456789abcdefgh");

  it("hashes with the previous secret too while it is given, and only then", () => {
    const rotating = createHasher(next, secret);
    expect(rotating.previousCallerKey("+86 138 0013 8000")).toBe(hasher.callerKey("13800138000"));
    expect(rotating.previousIdKey("11010519491231002x")).toBe(hasher.idKey("11010519491231002X"));
    expect(rotating.callerKey("13800138000")).toBe(createHasher(next).callerKey("13800138000"));
    expect(rotating.callerKey("13800138000")).not.toBe(hasher.callerKey("13800138000"));
    expect(hasher.previousCallerKey("13800138000")).toBe("");
    expect(hasher.previousIdKey("11010519491231002X")).toBe("");
  });

  it("refuses a previous secret equal to the current one or too short", () => {
    expect(() => createHasher(secret, secret)).toThrow(/must differ/);
    expect(() => createHasher(next, new TextEncoder().encode("short"))).toThrow(/at least 16 bytes/);
  });
});
