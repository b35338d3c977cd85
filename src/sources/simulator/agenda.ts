// The simulator's agenda: everything due to happen (a ticket's next step, a call, the next arrival)
// in a binary heap ordered by time, so events come out with non-decreasing occurred_at and memory
// grows with what is open, not with how many days are simulated.
import { SCHEMA_VERSION, type CallEvent, type EventOf, type HotlineEvent, type TicketEvent } from "../../contract/event.js";

/** An event whose envelope (event_id, occurred_at, source_system) is stamped when it is emitted. */
export type Draft = HotlineEvent;

// Every draft is built with the envelope first and blank, so all ticket events share one object
// shape (and all call events another): stamping is three property writes, not a copy.
/** A ticket event with a blank envelope. */
export function ticketDraft<T extends TicketEvent["type"]>(type: T, ticketId: string, data: EventOf<T>["data"]): EventOf<T> {
  const draft = { schema_version: SCHEMA_VERSION, event_id: "", occurred_at: "", source_system: "", type, ticket_id: ticketId, data };
  return draft as EventOf<T>;
}

/** A call event with a blank envelope. */
export function callDraft<T extends CallEvent["type"]>(type: T, callId: string, data: EventOf<T>["data"]): EventOf<T> {
  const draft = { schema_version: SCHEMA_VERSION, event_id: "", occurred_at: "", source_system: "", type, call_id: callId, data };
  return draft as EventOf<T>;
}

export interface Planned {
  readonly atMs: number;
  readonly draft: Draft;
}

/** Something on the agenda. `fire` runs at `atMs`, may schedule more, and moves `atMs` on (Infinity: done). */
export interface Agenda {
  atMs: number;
  /** Tie-break among equal times: the order of scheduling, so replays are identical. */
  order: number;
  fire(): Draft | null;
}

/** Width of the far buckets: items due later than the current hour wait unsorted in their hour. */
const BUCKET_MS = 3_600_000;

/**
 * The agenda, ordered by (atMs, order). Items due before the horizon sit in a binary heap; later
 * ones wait unsorted in hourly buckets and join the heap when their hour comes. A large city has
 * some 200 000 open tickets, nearly all due days ahead: keeping them out of the heap keeps it
 * small and hot in cache. The order of pops is exactly that of one big heap.
 */
export class AgendaQueue {
  private readonly near = new AgendaHeap();
  private readonly far = new Map<number, Agenda[]>();
  private readonly farHours = new NumberHeap();
  private horizon = -Infinity;
  private counter = 0;

  push(item: Agenda): void {
    item.order = this.counter++;
    if (item.atMs < this.horizon) return this.near.push(item);
    const hour = Math.floor(item.atMs / BUCKET_MS);
    const bucket = this.far.get(hour);
    if (bucket !== undefined) return void bucket.push(item);
    this.far.set(hour, [item]);
    this.farHours.push(hour);
  }

  pop(): Agenda | undefined {
    if (this.near.size === 0 && !this.advance()) return undefined;
    return this.near.pop();
  }

  /** Moves the earliest waiting hour into the heap. */
  private advance(): boolean {
    const hour = this.farHours.pop();
    if (hour === undefined) return false;
    const bucket = this.far.get(hour) ?? [];
    this.far.delete(hour);
    this.horizon = (hour + 1) * BUCKET_MS;
    for (const item of bucket) this.near.push(item);
    return true;
  }
}

/** A binary min-heap of agenda items by (atMs, order). */
class AgendaHeap {
  private readonly heap: Agenda[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(item: Agenda): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Agenda;
      if (!before(item, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  }

  pop(): Agenda | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const l = heap[left] as Agenda;
      const child = right < n && before(heap[right] as Agenda, l) ? right : left;
      const c = heap[child] as Agenda;
      if (!before(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

/** A binary min-heap of numbers (the hours that have waiting items). */
class NumberHeap {
  private readonly heap: number[] = [];

  push(value: number): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(value);
    while (i > 0 && (heap[(i - 1) >> 1] as number) > value) {
      heap[i] = heap[(i - 1) >> 1] as number;
      i = (i - 1) >> 1;
    }
    heap[i] = value;
  }

  pop(): number | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && (heap[right] as number) < (heap[left] as number) ? right : left;
      if ((heap[child] as number) >= last) break;
      heap[i] = heap[child] as number;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: Agenda, b: Agenda): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.order < b.order);
}

/** A fixed run of planned events, e.g. one call: offered, answered, ended. */
export class Timeline implements Agenda {
  atMs: number;
  order = 0;
  private index = 0;

  constructor(private readonly planned: readonly Planned[]) {
    this.atMs = planned[0]?.atMs ?? Infinity;
  }

  fire(): Draft | null {
    const step = this.planned[this.index++];
    this.atMs = this.planned[this.index]?.atMs ?? Infinity;
    return step?.draft ?? null;
  }
}

/** One action at a given time that emits nothing itself (a caller comes back, a burst starts). */
export class Deferred implements Agenda {
  order = 0;

  constructor(
    public atMs: number,
    private readonly action: () => void,
  ) {}

  fire(): Draft | null {
    this.atMs = Infinity;
    this.action();
    return null;
  }
}
