// The push source: events handed in over the HTTP API (POST /v1/events) enter the embedded pipeline
// here. `submit` queues them and resolves only once their batch is durable and acknowledged, with
// what became of each: stored, a duplicate of an event_id stored before, or a dead letter (e.g.
// too_late) with its reason. Outcomes are read back from the store after the ack, so the answer is
// what the tables hold, not what the source hoped. Id sets go into the SQL as quoted literals
// (store/sql.ts), as in the writer: as parameters they would overflow the URL of the HTTP adapter.
import { SensorError } from "../errors.js";
import type { Store } from "../store/port.js";
import { stringArrayLiteral } from "../store/sql.js";
import { storedEvents } from "../store/stored-events.js";
import { describePosition, type Source, type SourceMessage } from "./message.js";

export interface PushItem {
  readonly eventId: string;
  readonly bytes: Uint8Array;
}

export type PushOutcome =
  | { readonly status: "accepted" }
  | { readonly status: "duplicate" }
  | { readonly status: "rejected"; readonly reasonCode: string; readonly message: string };

export interface PushSource extends Source {
  /**
   * Queues the items of one request from `client` (a token name) and resolves, per item, once the
   * batch holding it is durable. Rejects with SHUTDOWN when the source closes first, and with
   * SOURCE_UNAVAILABLE when more than `maxQueued` items would wait (the caller should retry later).
   */
  submit(client: string, items: readonly PushItem[]): Promise<PushOutcome[]>;
}

export interface PushSourceOptions {
  readonly store: Pick<Store, "query">;
  /** Items queued but not yet read by the pipeline, at most. */
  readonly maxQueued: number;
  /** Wall clock (ms); seeds the sequence so positions stay unique across restarts. */
  readonly nowMs?: () => number;
  /** Attempts and first backoff of the read-back after an ack (the store may be briefly away). */
  readonly settleAttempts?: number;
  readonly settleBackoffMs?: number;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

interface Pending {
  readonly message: SourceMessage;
  readonly item: PushItem;
  readonly outcome: Deferred<PushOutcome>;
}

export function createPushSource(options: PushSourceOptions): PushSource {
  const nowMs = options.nowMs ?? Date.now;
  const attempts = options.settleAttempts ?? 6;
  const firstBackoffMs = options.settleBackoffMs ?? 200;
  let queue: Pending[] = [];
  /** Read by the pipeline, not acknowledged yet, by source text. */
  const inFlight = new Map<string, Pending>();
  /** Every event_id queued or in flight: a second submission waits for the first and is a duplicate. */
  const waitingIds = new Map<string, Promise<PushOutcome>>();
  let lastSeq = 0;
  let closed = false;
  let wake: (() => void) | undefined;

  // Microseconds of the wall clock, strictly increasing: a restarted worker never reuses a position,
  // so the writer's dead-letter check (by source position) never mistakes a new letter for an old one.
  const nextSeq = () => (lastSeq = Math.max(lastSeq + 1, nowMs() * 1000));

  async function settle(batch: readonly Pending[]): Promise<void> {
    for (let attempt = 1, backoffMs = firstBackoffMs; ; attempt++, backoffMs *= 2) {
      try {
        const outcomes = await readOutcomes(options.store, batch);
        batch.forEach((p, i) => p.outcome.resolve(outcomes[i]!));
        return;
      } catch (error) {
        if (attempt >= attempts) {
          const failure = new SensorError("STORE_UNAVAILABLE", `the batch was written but its outcome could not be read back: ${(error as Error).message}`, { cause: error });
          for (const p of batch) p.outcome.reject(failure);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
      }
    }
  }

  return {
    name: "push",
    async start() {},

    async submit(client, items) {
      if (closed) throw new SensorError("SHUTDOWN", "the worker is stopping; send the events again to another worker or later");
      const answers: (Promise<PushOutcome> | PushOutcome | undefined)[] = new Array(items.length);
      const fresh: number[] = [];
      const seen = new Map<string, number>();
      items.forEach((item, i) => {
        const earlier = waitingIds.get(item.eventId);
        if (earlier !== undefined) answers[i] = earlier.then(duplicate, duplicate);
        else if (seen.has(item.eventId)) answers[i] = { status: "duplicate" };
        else {
          seen.set(item.eventId, i);
          fresh.push(i);
        }
      });
      const stored = await storedEvents(options.store, fresh.map((i) => items[i]!.eventId));
      const toQueue = fresh.filter((i) => !stored.has(items[i]!.eventId));
      for (const i of fresh) if (stored.has(items[i]!.eventId)) answers[i] = { status: "duplicate" };
      // Another request may have queued the same ids while the store answered.
      for (const i of [...toQueue]) {
        const earlier = waitingIds.get(items[i]!.eventId);
        if (earlier !== undefined) {
          answers[i] = earlier.then(duplicate, duplicate);
          toQueue.splice(toQueue.indexOf(i), 1);
        }
      }
      if (closed) throw new SensorError("SHUTDOWN", "the worker is stopping; send the events again later");
      if (queue.length + toQueue.length > options.maxQueued) {
        throw new SensorError("SOURCE_UNAVAILABLE", `the pipeline is busy (${queue.length} events waiting); retry shortly`);
      }
      for (const i of toQueue) {
        const item = items[i]!;
        const pending: Pending = { item, message: { bytes: item.bytes, position: { kind: "http", client, seq: nextSeq() } }, outcome: deferred() };
        waitingIds.set(item.eventId, pending.outcome.promise);
        const forget = () => waitingIds.delete(item.eventId);
        pending.outcome.promise.then(forget, forget);
        queue.push(pending);
        answers[i] = pending.outcome.promise;
      }
      wake?.();
      return Promise.all(answers as (Promise<PushOutcome> | PushOutcome)[]);
    },

    async next(maxRows, maxWaitMs) {
      if (closed) return null;
      if (queue.length === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, maxWaitMs);
          function done() {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          }
          wake = done;
        });
      }
      if (closed) return null;
      const batch = queue.slice(0, maxRows);
      queue = queue.slice(batch.length);
      for (const p of batch) inFlight.set(describePosition(p.message.position), p);
      return batch.map((p) => p.message);
    },

    async ack(messages) {
      const batch: Pending[] = [];
      for (const message of messages) {
        const source = describePosition(message.position);
        const pending = inFlight.get(source);
        if (pending === undefined) continue;
        inFlight.delete(source);
        batch.push(pending);
      }
      // Read back in the background: the pipeline goes on with its next batch meanwhile, and a
      // failing read-back answers the callers with an error instead of stopping the worker.
      if (batch.length > 0) void settle(batch);
    },

    async idle() {},

    async close() {
      if (closed) return;
      closed = true;
      wake?.();
      const stopping = new SensorError("SHUTDOWN", "the worker stopped before these events were stored; send them again (event_id makes that safe)");
      for (const p of [...queue, ...inFlight.values()]) p.outcome.reject(stopping);
      queue = [];
      inFlight.clear();
    },
  };
}

const duplicate = (): PushOutcome => ({ status: "duplicate" });

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // rejections are observed by the request that waits, if any
  return { promise, resolve, reject };
}

/** What the store holds for each item of an acknowledged batch: its own row, another's (duplicate), or a dead letter. */
async function readOutcomes(store: Pick<Store, "query">, batch: readonly Pending[]): Promise<PushOutcome[]> {
  const sources = batch.map((p) => describePosition(p.message.position));
  const storedBy = await storedEvents(store, batch.map((p) => p.item.eventId));
  const missing = sources.filter((_, i) => !storedBy.has(batch[i]!.item.eventId));
  const letters =
    missing.length === 0
      ? []
      : await store.query<{ source: string; reason_code: string; reason: string }>(
          `SELECT source, reason_code, reason FROM dead_letters WHERE source IN ${stringArrayLiteral(missing)}`,
        );
  const letterBy = new Map(letters.map((l) => [l.source, l]));
  return batch.map((p, i) => {
    const by = storedBy.get(p.item.eventId);
    if (by !== undefined) return by === sources[i] ? { status: "accepted" } : { status: "duplicate" };
    const letter = letterBy.get(sources[i]!);
    if (letter !== undefined) return { status: "rejected", reasonCode: letter.reason_code, message: letter.reason };
    throw new SensorError("STORE_REJECTED", `event ${p.item.eventId} was acknowledged but is neither in events nor in dead_letters`);
  });
}
