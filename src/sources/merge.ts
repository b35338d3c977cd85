// Several sources read as one: the embedded default merges the simulated city with events pushed
// over the HTTP API. Each child keeps at most one read outstanding; a batch holds what one or more
// children returned, and its ack is split back to the children that produced each message.
import type { Source, SourceMessage } from "./message.js";

interface Child {
  readonly source: Source;
  /** The read in progress, kept across calls so no child is ever asked twice at once. */
  pending: Promise<void> | undefined;
  /** Messages read and not yet handed out. */
  buffered: SourceMessage[];
  ended: boolean;
}

export function mergeSources(name: string, sources: readonly Source[]): Source {
  const children: Child[] = sources.map((source) => ({ source, pending: undefined, buffered: [], ended: false }));
  const owner = new WeakMap<SourceMessage, Source>();
  let arrived: (() => void) | undefined;
  let failure: unknown;
  /** Round-robin start, so a busy child cannot starve the others. */
  let turn = 0;

  function read(child: Child, maxRows: number, maxWaitMs: number): void {
    if (child.pending !== undefined || child.ended || child.buffered.length > 0) return;
    child.pending = child.source.next(maxRows, maxWaitMs).then(
      (messages) => {
        child.pending = undefined;
        if (messages === null) child.ended = true;
        else
          for (const m of messages) {
            owner.set(m, child.source);
            child.buffered.push(m);
          }
        arrived?.();
      },
      (error: unknown) => {
        child.pending = undefined;
        // Surfaces on the next call of next(), as the child's own failure would have.
        failure ??= error;
        arrived?.();
      },
    );
  }

  function take(maxRows: number): SourceMessage[] {
    const batch: SourceMessage[] = [];
    for (let k = 0; k < children.length && batch.length < maxRows; k++) {
      const child = children[(turn + k) % children.length]!;
      batch.push(...child.buffered.splice(0, maxRows - batch.length));
    }
    turn = (turn + 1) % children.length;
    return batch;
  }

  return {
    name,
    async start() {
      await Promise.all(sources.map((s) => s.start()));
    },
    async next(maxRows, maxWaitMs) {
      const deadline = Date.now() + maxWaitMs;
      for (;;) {
        if (failure !== undefined) {
          const error = failure;
          failure = undefined;
          throw error;
        }
        const batch = take(maxRows);
        if (batch.length > 0) return batch;
        if (children.every((c) => c.ended)) return null;
        const remaining = deadline - Date.now();
        for (const child of children) read(child, maxRows, Math.max(0, remaining));
        if (remaining <= 0) {
          // One turn of the event loop for reads that answer at once (a queue already holding items).
          await new Promise((resolve) => setImmediate(resolve));
          const late = take(maxRows);
          return late.length > 0 || !children.every((c) => c.ended) ? late : null;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, remaining);
          function done() {
            clearTimeout(timer);
            arrived = undefined;
            resolve();
          }
          arrived = done;
        });
      }
    },
    async ack(batch) {
      for (const child of children) {
        const own = batch.filter((m) => owner.get(m) === child.source);
        if (own.length > 0) await child.source.ack(own);
      }
    },
    async idle() {
      await Promise.all(sources.map((s) => s.idle()));
    },
    owns(position) {
      return sources.every((s) => s.owns === undefined || s.owns(position));
    },
    fenced(write) {
      // each source's fence around the next one's, the write innermost
      return sources.reduce<typeof write>((inner, s) => (s.fenced === undefined ? inner : () => s.fenced!(inner)), write)();
    },
    async ready() {
      const answers = await Promise.all(sources.map((s) => (s.ready === undefined ? true : s.ready())));
      return answers.every(Boolean);
    },
    async close() {
      await Promise.all(sources.map((s) => s.close()));
      await Promise.all(children.map((c) => c.pending?.catch(() => undefined)));
    },
  };
}
