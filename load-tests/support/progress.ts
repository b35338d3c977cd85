// Progress of a long benchmark phase on stderr: done, rate, remaining and the time left, every
// few seconds (never on stdout, which carries the report).

export interface PhaseProgress {
  /** Records the new total done; prints at most every `everyMs`. */
  update(done: number): void;
  /** Prints the final line of the phase. */
  done(done: number): void;
}

export function phaseProgress(label: string, total: number, options: { everyMs?: number; now?: () => number; out?: NodeJS.WritableStream } = {}): PhaseProgress {
  const now = options.now ?? (() => performance.now());
  const out = options.out ?? process.stderr;
  const everyMs = options.everyMs ?? 3_000;
  const started = now();
  let printed = started;
  const line = (done: number): string => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = done / seconds;
    const remaining = Math.max(0, total - done);
    const eta = rate > 0 ? `${Math.ceil(remaining / rate)} s left` : "";
    return `[${label}] ${done.toLocaleString("en")} / ${total.toLocaleString("en")} done, ${Math.round(rate).toLocaleString("en")}/s, ${remaining.toLocaleString("en")} remaining${eta ? `, ${eta}` : ""} (${seconds.toFixed(1)} s)\n`;
  };
  return {
    update(done) {
      if (now() - printed < everyMs) return;
      printed = now();
      out.write(line(done));
    },
    done(done) {
      out.write(line(done));
    },
  };
}
