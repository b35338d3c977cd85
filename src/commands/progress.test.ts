// Unit tests of the terminal progress reporter with a fake output stream and clock: redrawn in place on a TTY, throttled lines otherwise.
import { describe, expect, it } from "vitest";
import type { PipelineProgress } from "../pipeline/pipeline.js";
import { createProgressReporter } from "./progress.js";

const START_MS = 1_764_120_000_000;

interface FakeTerminal {
  readonly isTTY: boolean;
  readonly writes: string[];
  write(text: string): boolean;
}

function terminal(isTTY: boolean): FakeTerminal {
  const writes: string[] = [];
  return { isTTY, writes, write: (text) => writes.push(text) > 0 };
}

function reporterOn(out: FakeTerminal) {
  let now = START_MS;
  // The reporter only writes and reads isTTY; a whole tty.WriteStream is not needed to observe that.
  const reporter = createProgressReporter(out as unknown as NodeJS.WriteStream, "replay", () => now);
  return { reporter, advance: (ms: number) => void (now += ms) };
}

function progress(inputs: number, overrides: Partial<PipelineProgress> = {}): PipelineProgress {
  return { inputs, stored: inputs, duplicates: 0, deadLetters: 0, deadLettersByReason: {}, batches: 1, ...overrides };
}

describe("createProgressReporter on a terminal", () => {
  it("redraws one line in place on every update", () => {
    const out = terminal(true);
    const { reporter, advance } = reporterOn(out);
    advance(2_000);
    reporter.update(progress(500, { stored: 480, duplicates: 5, deadLetters: 15, deadLettersByReason: { malformed_json: 10, unknown_type: 5 } }));
    advance(500);
    reporter.update(progress(1_000));
    expect(out.writes).toEqual([
      "\rreplay: 500 inputs, 250/s, stored 480, already stored 5, dead letters 15 (malformed_json 10, unknown_type 5), 2.0 s\u001b[K",
      "\rreplay: 1000 inputs, 400/s, stored 1000, already stored 0, dead letters 0, 2.5 s\u001b[K",
    ]);
    expect(out.writes.join("")).not.toContain("\n");
  });

  it("ends with the final line and a newline", () => {
    const out = terminal(true);
    const { reporter, advance } = reporterOn(out);
    advance(4_000);
    reporter.done(progress(12_000, { stored: 11_990, deadLetters: 10, deadLettersByReason: { schema_violation: 10 } }));
    expect(out.writes).toEqual(["\rreplay: 12000 inputs, 3000/s, stored 11990, already stored 0, dead letters 10 (schema_violation 10), 4.0 s\u001b[K\n"]);
  });
});

describe("createProgressReporter on a pipe or file", () => {
  it("prints plain lines, at most one every five seconds", () => {
    const out = terminal(false);
    const { reporter, advance } = reporterOn(out);
    reporter.update(progress(10));
    advance(1_000);
    reporter.update(progress(20));
    advance(3_999);
    reporter.update(progress(30));
    advance(1);
    reporter.update(progress(40));
    advance(4_000);
    reporter.update(progress(50));
    expect(out.writes.map((w) => w.split(":")[1]?.split(",")[0])).toEqual([" 10 inputs", " 40 inputs"]);
    for (const line of out.writes) {
      expect(line.endsWith(" s\n")).toBe(true);
      expect(line).not.toMatch(/[\r\u001b]/);
    }
  });

  it("always prints the final line, without terminal control codes", () => {
    const out = terminal(false);
    const { reporter, advance } = reporterOn(out);
    advance(1_000);
    reporter.update(progress(10));
    advance(1_000);
    reporter.done(progress(20, { duplicates: 20, stored: 0 }));
    expect(out.writes).toEqual([
      "replay: 10 inputs, 10/s, stored 10, already stored 0, dead letters 0, 1.0 s\n",
      "replay: 20 inputs, 10/s, stored 0, already stored 20, dead letters 0, 2.0 s\n",
    ]);
  });
});
