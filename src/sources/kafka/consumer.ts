// The Kafka source: one member of a consumer group (node-rdkafka). Offsets are committed by `ack`,
// which the pipeline calls only after the batch is durable in ClickHouse; auto-commit is off.
import Kafka from "node-rdkafka";
import type { KafkaConfig } from "../../config.js";
import { SensorError } from "../../errors.js";
import type { Logger } from "../../telemetry/log.js";
import type { Metrics } from "../../telemetry/metrics.js";
import type { Source, SourceMessage } from "../message.js";

const EMPTY = new Uint8Array(0);
/** Messages asked of librdkafka per call while a batch fills. */
const CHUNK_ROWS = 100;

export function createKafkaSource(config: KafkaConfig, deps: { logger: Logger; metrics: Metrics }): Source {
  const logger = deps.logger.child({ component: "kafka-source", topic: config.topic, group: config.groupId });
  const consumer = new Kafka.KafkaConsumer(
    {
      "bootstrap.servers": config.brokers,
      "group.id": config.groupId,
      "client.id": config.clientId,
      "enable.auto.commit": false,
      "enable.partition.eof": false,
      // node-rdkafka then assigns and revokes itself and emits "rebalance", which we log.
      rebalance_cb: true,
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
  let assigned = 0;
  /** `topic/partition` of the partitions held now. */
  const held = new Set<string>();
  consumer.on("rebalance", (error, assignments) => {
    const received = error.code === Kafka.CODES.ERRORS.ERR__ASSIGN_PARTITIONS;
    if (received) assigned++;
    for (const a of assignments) {
      if (received) held.add(`${a.topic}/${a.partition}`);
      else held.delete(`${a.topic}/${a.partition}`);
    }
    logger.info({ event: received ? "assigned" : "revoked", partitions: assignments.map((a) => a.partition) }, "rebalance");
  });
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
        consumer.commitSync([...next.values()]);
      } catch (error) {
        // The batch is durable already; a failed commit only means re-delivery, which the writer skips.
        logger.warn({ err: (error as Error).message }, "offset commit failed; the batch may be re-delivered and will be skipped as already stored");
      }
    },
    async idle() {},
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
