// Progress of long runs on a terminal: done, rate and dead letters, redrawn in place on a TTY and
// printed every few seconds otherwise.
import type { PipelineProgress } from "../pipeline/pipeline.js";

export interface ProgressReporter {
  update(progress: Readonly<PipelineProgress>): void;
  done(progress: Readonly<PipelineProgress>): void;
}

export function createProgressReporter(out: NodeJS.WriteStream, label: string, now: () => number = Date.now): ProgressReporter {
  const started = now();
  let lastPrinted = 0;
  const line = (p: Readonly<PipelineProgress>) => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const reasons = Object.entries(p.deadLettersByReason).map(([reason, n]) => `${reason} ${n}`).join(", ");
    return `${label}: ${p.inputs} inputs, ${Math.round(p.inputs / seconds)}/s, stored ${p.stored}, already stored ${p.duplicates}, dead letters ${p.deadLetters}${reasons === "" ? "" : ` (${reasons})`}, ${seconds.toFixed(1)} s`;
  };
  return {
    update(progress) {
      if (out.isTTY) {
        out.write(`\r${line(progress)}\u001b[K`);
      } else if (now() - lastPrinted >= 5_000) {
        lastPrinted = now();
        out.write(`${line(progress)}\n`);
      }
    },
    done(progress) {
      out.write(`${out.isTTY ? "\r" : ""}${line(progress)}${out.isTTY ? "\u001b[K" : ""}\n`);
    },
  };
}
