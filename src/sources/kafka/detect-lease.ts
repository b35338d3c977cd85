// Who runs the detectors in a consumer group: the member Kafka assigns the single partition of the
// detect topic (`<topic>.detect`, group `<group>.detect`). Kafka's own group protocol elects it and
// hands the partition to another member when it leaves or dies, so no coordination is home-made;
// the topic carries no messages, only the assignment. The lease is polled to keep the membership.
import Kafka from "node-rdkafka";
import type { KafkaConfig } from "../../config.js";
import { SensorError } from "../../errors.js";
import type { Logger } from "../../telemetry/log.js";

export interface DetectLease {
  start(): Promise<void>;
  /** Keeps the membership alive and resolves the current term: a number that changes each time this worker gains the lease, undefined while it holds none. */
  poll(): Promise<number | undefined>;
  /** The partitions of the events topic that hold or held messages, with the offset of their last message. */
  partitionsWithData(): Promise<{ readonly partition: number; readonly lastOffset: number }[]>;
  close(): Promise<void>;
}

export function detectTopicOf(config: KafkaConfig): string {
  return `${config.topic}.detect`;
}

export function createDetectLease(config: KafkaConfig, logger: Logger): DetectLease {
  const topic = detectTopicOf(config);
  const log = logger.child({ component: "detect-lease", topic });
  let term = 0;
  let held = false;
  const consumer = new Kafka.KafkaConsumer(
    {
      "bootstrap.servers": config.brokers,
      "group.id": `${config.groupId}.detect`,
      "client.id": `${config.clientId}-detect`,
      "enable.auto.commit": false,
      "enable.partition.eof": false,
      rebalance_cb: true,
      "session.timeout.ms": config.sessionTimeoutMs,
      // the owner reads the store between polls; a long catch-up must not cost it the lease
      "max.poll.interval.ms": 900_000,
      ...config.security,
    },
    { "auto.offset.reset": "latest" },
  );
  consumer.on("rebalance", (error, assignments) => {
    const assigned = error.code === Kafka.CODES.ERRORS.ERR__ASSIGN_PARTITIONS;
    const gained = assigned && assignments.length > 0;
    if (gained) term++;
    held = gained;
    log.info({ holds: held, term }, assigned ? "detect lease assigned" : "detect lease revoked");
  });

  async function ensureTopic(): Promise<void> {
    const admin = Kafka.AdminClient.create({ "bootstrap.servers": config.brokers, "client.id": `${config.clientId}-admin`, ...config.security });
    try {
      await new Promise<void>((resolve, reject) =>
        admin.createTopic({ topic, num_partitions: 1, replication_factor: -1 }, 30_000, (error) =>
          !error || error.code === Kafka.CODES.ERRORS.ERR_TOPIC_ALREADY_EXISTS ? resolve() : reject(new Error(error.message)),
        ),
      );
    } finally {
      admin.disconnect();
    }
  }

  return {
    async start() {
      try {
        await ensureTopic();
      } catch (error) {
        throw new SensorError("SOURCE_UNAVAILABLE", `cannot create the detect topic ${topic}: ${(error as Error).message}; create it with one partition, or let the worker's principal create topics`);
      }
      await new Promise<void>((resolve, reject) =>
        consumer.connect({ timeout: 30_000 }, (error) => {
          if (error) return reject(new SensorError("SOURCE_UNAVAILABLE", `cannot connect the detect lease to Kafka at ${config.brokers}: ${error.message}`));
          consumer.subscribe([topic]);
          resolve();
        }),
      );
    },
    poll() {
      consumer.setDefaultConsumeTimeout(0);
      return new Promise((resolve) =>
        consumer.consume(1, (error) => {
          if (error) log.warn({ err: error.message }, "detect lease poll failed");
          resolve(held ? term : undefined);
        }),
      );
    },
    async partitionsWithData() {
      const metadata = await new Promise<Kafka.Metadata>((resolve, reject) =>
        consumer.getMetadata({ topic: config.topic, timeout: 10_000 }, (error, data) => (error ? reject(new Error(error.message)) : resolve(data))),
      );
      const partitions = metadata.topics.find((t) => t.name === config.topic)?.partitions.map((p) => p.id) ?? [];
      const withData = await Promise.all(
        partitions.map(
          (partition) =>
            new Promise<{ partition: number; lastOffset: number } | undefined>((resolve, reject) =>
              consumer.queryWatermarkOffsets(config.topic, partition, 10_000, (error, offsets) =>
                error ? reject(new Error(error.message)) : resolve(offsets.highOffset > 0 ? { partition, lastOffset: offsets.highOffset - 1 } : undefined),
              ),
            ),
        ),
      );
      return withData.filter((p) => p !== undefined).sort((a, b) => a.partition - b.partition);
    },
    close() {
      // disconnect() alone leaves the group; an unsubscribe() just before it fires a revoke while
      // the client is closing, and a worker once died with SIGSEGV on stop in CI.
      return new Promise((resolve) => consumer.disconnect(() => resolve()));
    },
  };
}
