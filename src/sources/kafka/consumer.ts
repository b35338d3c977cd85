// The Kafka source: one member of a consumer group (node-rdkafka). Offsets are committed by `ack`,
// which the pipeline calls only after the batch is durable in ClickHouse; auto-commit is off. A
// partition revoked while a batch is being written is released to the group only once that batch
// is durable and committed (`fenced`), so its next owner never writes the same events at once.
import Kafka from "node-rdkafka";
import type { KafkaConfig } from "../../config.js";
import { SensorError } from "../../errors.js";
import type { Logger } from "../../telemetry/log.js";
import type { Metrics } from "../../telemetry/metrics.js";
import type { Source, SourceMessage } from "../message.js";

const EMPTY = new Uint8Array(0);
/** Messages asked of librdkafka per call while a batch fills. */
const CHUNK_ROWS = 100;
/** How long a revoked partition's release waits for this worker's offset commits to be answered. */
const COMMIT_WAIT_MS = 10_000;

export function createKafkaSource(config: KafkaConfig, deps: { logger: Logger; metrics: Metrics }): Source {
  const logger = deps.logger.child({ component: "kafka-source", topic: config.topic, group: config.groupId });
  const consumer = new Kafka.KafkaConsumer(
    {
      "bootstrap.servers": config.brokers,
      "group.id": config.groupId,
      "client.id": config.clientId,
      "enable.auto.commit": false,
      "enable.partition.eof": false,
      // assignments and revocations are applied by `rebalance` below, which may defer a revocation
      rebalance_cb: (error: Kafka.LibrdKafkaError, assignments: Kafka.Assignment[]) => rebalance(error, assignments),
      // commits are asynchronous (a synchronous one blocks the event loop while the broker is away); results are logged
      offset_commit_cb: true,
      // A store outage pauses the loop; give it longer than librdkafka's 5 minutes before the group evicts us.
      "max.poll.interval.ms": 900_000,
      "socket.keepalive.enable": true,
      "session.timeout.ms": config.sessionTimeoutMs,
      ...(config.groupInstanceId === undefined ? {} : { "group.instance.id": config.groupInstanceId }),
      ...config.security,
    },
    { "auto.offset.reset": "earliest" },
  );
  consumer.on("event.error", (error) => logger.warn({ err: error.message }, "kafka consumer error"));
  /** Commits sent and not yet answered, and who waits for them all to be. */
  let commitsInFlight = 0;
  const commitWaiters: (() => void)[] = [];
  consumer.on("offset.commit", (error) => {
    commitsInFlight = Math.max(0, commitsInFlight - 1);
    if (commitsInFlight === 0) for (const settled of commitWaiters.splice(0)) settled();
    // the batch is durable already; a lost commit only means re-delivery, which the writer skips
    if (error) logger.warn({ err: error.message }, "offset commit failed; the batch may be re-delivered and will be skipped as already stored");
  });
  /** Resolves once every commit sent so far is answered, or after COMMIT_WAIT_MS (the broker may be away). */
  function commitsAnswered(): Promise<void> {
    if (commitsInFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, COMMIT_WAIT_MS);
      commitWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  let assigned = 0;
  /** `topic/partition` of the partitions held now. */
  const held = new Set<string>();
  /** Batches being written (see `fenced`), and the releases of revoked partitions waiting for them. */
  let writing = 0;
  const releases: (() => void)[] = [];

  function rebalance(error: Kafka.LibrdKafkaError, assignments: Kafka.Assignment[]): void {
    const cooperative = consumer.rebalanceProtocol() === "COOPERATIVE";
    if (error.code === Kafka.CODES.ERRORS.ERR__ASSIGN_PARTITIONS) {
      assigned++;
      for (const a of assignments) held.add(`${a.topic}/${a.partition}`);
      logger.info({ event: "assigned", partitions: assignments.map((a) => a.partition) }, "rebalance");
      apply(() => (cooperative ? consumer.incrementalAssign(assignments) : consumer.assign(assignments)));
      return;
    }
    if (error.code !== Kafka.CODES.ERRORS.ERR__REVOKE_PARTITIONS) {
      logger.warn({ err: error.message }, "rebalance failed");
      return;
    }
    // no longer ours from now on: the pipeline drops what it read of them and has not begun to write
    for (const a of assignments) held.delete(`${a.topic}/${a.partition}`);
    // after the commits of what was written, so the next owner starts where this worker stopped
    const release = () => void commitsAnswered().then(() => apply(() => (cooperative ? consumer.incrementalUnassign(assignments) : consumer.unassign())));
    if (writing === 0) {
      logger.info({ event: "revoked", partitions: assignments.map((a) => a.partition) }, "rebalance");
      release();
    } else {
      logger.info({ event: "revoked", partitions: assignments.map((a) => a.partition) }, "rebalance: released once the batch being written is durable");
      releases.push(release);
    }
  }

  function apply(change: () => void): void {
    try {
      change();
    } catch (error) {
      // a client that is closing may refuse it; librdkafka ends the assignment itself then
      if (consumer.isConnected()) logger.warn({ err: (error as Error).message }, "rebalance could not be applied");
    }
  }
  let closed = false;

  function consume(maxRows: number): Promise<Kafka.Message[]> {
    return new Promise((resolve, reject) =>
      consumer.consume(maxRows, (error, messages) => (error ? reject(error) : resolve(messages))),
    );
  }

  function reportLag(messages: readonly Kafka.Message[]): void {
    const last = new Map<number, number>();
    for (const m of messages) last.set(m.partition, Math.max(last.get(m.partition) ?? -1, m.offset));
    for (const [partition, offset] of last) {
      try {
        const { highOffset } = consumer.getWatermarkOffsets(config.topic, partition);
        deps.metrics.consumerLag.set({ topic: config.topic, partition: String(partition) }, Math.max(0, highOffset - offset - 1));
      } catch {
        // watermarks are cached from fetch responses and may not be known yet; the next batch reports it
      }
    }
  }

  return {
    name: "kafka",
    start() {
      return new Promise((resolve, reject) => {
        consumer.connect({ timeout: 30_000 }, (error) => {
          if (error) {
            reject(new SensorError("SOURCE_UNAVAILABLE", `cannot connect to Kafka at ${config.brokers}: ${error.message}; check KAFKA_BROKERS`, { cause: error }));
            return;
          }
          consumer.subscribe([config.topic]);
          logger.info("subscribed");
          resolve();
        });
      });
    },
    async next(maxRows, maxWaitMs) {
      if (closed) return null;
      // consume(n) alone returns only once it has n messages or a wait brings nothing new, so at a
      // steady trickle a large batch would fill for seconds: read in small chunks and close the
      // batch once maxWaitMs has passed in all.
      const started = Date.now();
      const messages: Kafka.Message[] = [];
      try {
        while (messages.length < maxRows) {
          const remainingMs = maxWaitMs - (Date.now() - started);
          if (remainingMs <= 0 && messages.length > 0) break;
          consumer.setDefaultConsumeTimeout(Math.max(1, Math.min(remainingMs, maxWaitMs)));
          const chunk = await consume(Math.min(maxRows - messages.length, CHUNK_ROWS));
          messages.push(...chunk);
          if (chunk.length === 0 || remainingMs <= 0) break;
        }
      } catch (error) {
        logger.warn({ err: (error as Error).message }, "consume failed; retrying");
        if (messages.length === 0) return [];
      }
      if (messages.length > 0) reportLag(messages);
      return messages.map(
        (m): SourceMessage => ({ bytes: m.value ?? EMPTY, position: { kind: "kafka", topic: m.topic, partition: m.partition, offset: m.offset } }),
      );
    },
    async ack(batch) {
      const next = new Map<string, { topic: string; partition: number; offset: number }>();
      for (const { position } of batch) {
        if (position.kind !== "kafka") continue;
        const key = `${position.topic}/${position.partition}`;
        const known = next.get(key);
        if (known === undefined || known.offset <= position.offset) next.set(key, { topic: position.topic, partition: position.partition, offset: position.offset + 1 });
      }
      if (next.size === 0) return;
      try {
        consumer.commit([...next.values()]);
        commitsInFlight++;
      } catch (error) {
        logger.warn({ err: (error as Error).message }, "offset commit failed; the batch may be re-delivered and will be skipped as already stored");
      }
    },
    async idle() {},
    async fenced(write) {
      writing++;
      try {
        return await write();
      } finally {
        writing--;
        if (writing === 0) for (const release of releases.splice(0)) release();
      }
    },
    assignments: () => assigned,
    owns: (position) => position.kind !== "kafka" || held.has(`${position.topic}/${position.partition}`),
    async ready() {
      return !closed && consumer.isConnected();
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise((resolve) => {
        consumer.unsubscribe();
        consumer.disconnect(() => resolve());
      });
    },
  };
}
