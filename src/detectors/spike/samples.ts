// Recent tickets kept in event-time order, so a spike can name a few of its own tickets.
import type { TicketObservation } from "./types.js";

const before = (a: TicketObservation, b: TicketObservation): boolean =>
  a.occurredAtMs < b.occurredAtMs || (a.occurredAtMs === b.occurredAtMs && a.ticketId < b.ticketId);

export class RecentTickets {
  private readonly tickets: TicketObservation[] = [];

  add(ticket: TicketObservation): void {
    let low = 0;
    let high = this.tickets.length;
    // Usually appended at the end; late tickets are placed by binary search.
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (before(this.tickets[mid] as TicketObservation, ticket)) low = mid + 1;
      else high = mid;
    }
    this.tickets.splice(low, 0, ticket);
  }

  /** Drops tickets that occurred before the cutoff. */
  forgetBefore(cutoffMs: number): void {
    let n = 0;
    while (n < this.tickets.length && (this.tickets[n]?.occurredAtMs ?? Infinity) < cutoffMs) n++;
    // Removing from the front moves the whole array: do it in batches.
    if (n > 1024 || (n > 0 && n * 4 > this.tickets.length)) this.tickets.splice(0, n);
  }

  /** The earliest `limit` ids in [fromMs, toMs] that match, ordered by (occurredAtMs, ticketId). */
  sample(fromMs: number, toMs: number, limit: number, matches: (t: TicketObservation) => boolean): string[] {
    const out: string[] = [];
    let low = 0;
    let high = this.tickets.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.tickets[mid]?.occurredAtMs ?? Infinity) < fromMs) low = mid + 1;
      else high = mid;
    }
    for (let i = low; i < this.tickets.length && out.length < limit; i++) {
      const t = this.tickets[i] as TicketObservation;
      if (t.occurredAtMs > toMs) break;
      if (matches(t)) out.push(t.ticketId);
    }
    return out;
  }
}
