// What every source yields: the raw bytes of one input and where it was read. The acknowledgement
// travels with the batch (see Source.ack), and runs only after the store confirmed the write.

export type SourcePosition =
  | { readonly kind: "kafka"; readonly topic: string; readonly partition: number; readonly offset: number }
  | { readonly kind: "file"; readonly file: string; readonly line: number }
  | { readonly kind: "simulator"; readonly seed: number; readonly seq: number }
  /** Pushed over the HTTP API by the client named by its token; seq is unique across restarts (push.ts). */
  | { readonly kind: "http"; readonly client: string; readonly seq: number };

export interface SourceMessage {
  readonly bytes: Uint8Array;
  readonly position: SourcePosition;
}

/** A finite or endless stream of raw inputs, read in batches. */
export interface Source {
  readonly name: string;
  start(): Promise<void>;
  /**
   * Up to `maxRows` messages, waiting at most `maxWaitMs` for the first ones. Resolves `null`
   * once a finite source is exhausted and everything before was returned.
   */
  next(maxRows: number, maxWaitMs: number): Promise<SourceMessage[] | null>;
  /** Marks everything up to and including these messages as durable (Kafka: commits offsets). */
  ack(batch: readonly SourceMessage[]): Promise<void>;
  /** Called while the store is unavailable, so the source can pause fetching yet stay alive. */
  idle(): Promise<void>;
  /**
   * How many times this consumer was handed partitions (Kafka rebalances). The pipeline rebuilds
   * detector state from the store when it changes. Absent: a single stream, assigned once.
   */
  assignments?(): number;
  /**
   * Whether this consumer still holds the position's stream (Kafka: the partition is assigned to it
   * now). The pipeline drops the messages of a partition lost in a rebalance before writing them:
   * its new owner reads them again from the committed offset. Absent: always.
   */
  owns?(position: SourcePosition): boolean;
  /**
   * Runs `write` (the write and ack of messages read from this source) so that no stream is handed
   * to another consumer while it runs (Kafka: a partition revoked meanwhile is released to the
   * group only once it ends), so two consumers never write the same messages at once. Absent: the
   * source gives streams up only on close.
   */
  fenced?<T>(write: () => Promise<T>): Promise<T>;
  /** For /readyz: whether the upstream (the Kafka broker) is reachable. Absent means always ready. */
  ready?(): Promise<boolean>;
  /** Stops reading; drains what is in flight. Idempotent. */
  close(): Promise<void>;
}

/** The text form stored in `events.source` and `dead_letters.source`. */
export function describePosition(position: SourcePosition): string {
  switch (position.kind) {
    case "kafka":
      return `kafka:${position.topic}/${position.partition}@${position.offset}`;
    case "file":
      return `file:${position.file}:${position.line}`;
    case "simulator":
      return `sim:${position.seed}#${position.seq}`;
    case "http":
      return `http:${position.client}#${position.seq}`;
  }
}

/**
 * The ordered stream a position belongs to (a Kafka partition, a file, a simulation): events keep
 * their order within it, so lateness is judged per stream.
 */
export function streamOf(position: SourcePosition): string {
  switch (position.kind) {
    case "kafka":
      return `kafka:${position.topic}/${position.partition}`;
    case "file":
      return `file:${position.file}`;
    case "simulator":
      return `sim:${position.seed}`;
    case "http":
      return `http:${position.client}`;
  }
}

/** streamOf in SQL, over a stored `source` column (describePosition's text less its position). */
export const STREAM_OF_SOURCE_SQL = "replaceRegexpOne(source, '(@[0-9]+|:[0-9]+|#[0-9]+)$', '')";
