// Golden fixture for suspected unreasonable or malicious requests: callers are flagged, never blocked.
import { describe, expect, it } from "vitest";
import { CallerFlagsDetector, DEFAULT_CALLER_FLAGS_CONFIG, type CallerEventInput } from "./caller-flags.js";

const H = 3_600_000;
const T0 = Date.UTC(2026, 9, 1);
const created = (ticketId: string, hours: number, callerKey: string, text = ""): CallerEventInput => ({
  type: "ticket.created",
  ticketId,
  occurredAtMs: T0 + hours * H,
  callerKey,
  text,
  resolution: "",
});

describe("caller flags", () => {
  it("flags a very frequent caller and identical texts, and closes the flags once the caller is quiet", () => {
    const d = new CallerFlagsDetector({ ...DEFAULT_CALLER_FLAGS_CONFIG, dailyTickets: 4, identicalTexts: 3 });
    const same = "我要求立即处理楼上噪音问题否则天天打电话";
    for (let i = 0; i < 4; i++) d.observe(created(`F${i}`, i, "frequent", i < 3 ? same : `第${i}次不同的内容请处理谢谢`));
    for (let i = 0; i < 3; i++) d.observe(created(`N${i}`, i * 30, "normal", `普通诉求第${i}次内容各不相同`));
    const flags = d.advance(T0 + 5 * H).map((f) => [f.flagId, f.status, f.tickets, f.reason, (f.firstSeenMs - T0) / H]);
    expect(flags).toEqual([
      ["frequent:identical_text", "open", 3, "the same text in 3 tickets within 30 days", 2],
      ["frequent:frequent_caller", "open", 4, "4 tickets in 24 h, 4 in 30 days", 3],
    ]);
    expect(d.advance(T0 + 24 * 40 * H).map((f) => [f.flagId, f.status])).toEqual([
      ["frequent:identical_text", "closed"],
      ["frequent:frequent_caller", "closed"],
    ]);
  });

  it("flags a caller whose tickets are repeatedly closed as out of scope", () => {
    const d = new CallerFlagsDetector({ ...DEFAULT_CALLER_FLAGS_CONFIG, outOfScope: 2 });
    for (let i = 0; i < 2; i++) {
      d.observe(created(`O${i}`, i * 48, "odd"));
      d.observe({ type: "ticket.closed", ticketId: `O${i}`, occurredAtMs: T0 + (i * 48 + 1) * H, callerKey: "", text: "", resolution: "out_of_scope" });
    }
    expect(d.advance(T0 + 100 * H).map((f) => [f.flagId, f.tickets])).toEqual([["odd:out_of_scope", 2]]);
  });

  it("judges a caller who sends thousands of tickets at a bounded cost per ticket: counts exact, texts compared among the newest 512", () => {
    const d = new CallerFlagsDetector();
    const same = "我要求立即处理楼上噪音问题否则天天打电话";
    // 5,000 tickets within an hour, one every 0.72 s; the code before this scanned and copied the window per ticket (cubic)
    for (let i = 0; i < 5_000; i++) d.observe(created(`B${String(i).padStart(4, "0")}`, i / 5_000, "bot", same));
    const flags = d.advance(T0 + 2 * H).map((f) => [f.flagId, f.tickets, f.reason, f.sampleTicketIds.length, f.sampleTicketIds.at(-1)]);
    // identical_text stops changing at the cap (its reason stays the same): its row is as it was then
    expect(flags).toEqual([
      ["bot:identical_text", 512, "the same text in 512 tickets within 30 days", 10, "B0511"],
      ["bot:frequent_caller", 5_000, "5000 tickets in 24 h, 5000 in 30 days", 10, "B4999"],
    ]);
  });
});
