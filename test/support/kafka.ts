// Kafka helpers for end-to-end tests against the real broker: produce inputs keyed like a
// producer following the partitioning contract, wait until a group has committed everything,
// and count what a topic holds.
import Kafka from "node-rdkafka";
import { openEventProducer } from "../../src/sources/kafka/event-producer.js";

export async function produce(bootstrap: string, topic: string, messages: readonly { key: string; value: string | Uint8Array }[]): Promise<void> {
  const producer = await openEventProducer({ brokers: bootstrap, topic, clientId: "test-producer" });
  for (const m of messages) await producer.send(m.key, typeof m.value === "string" ? Buffer.from(m.value) : m.value);
  await producer.flush();
  await producer.close();
}

async function withConsumer<T>(bootstrap: string, groupId: string, use: (consumer: Kafka.KafkaConsumer) => Promise<T>): Promise<T> {
  const consumer = new Kafka.KafkaConsumer({ "bootstrap.servers": bootstrap, "group.id": groupId, "enable.auto.commit": false }, {});
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 20_000 }, (error) => (error ? reject(error) : resolve())));
  try {
    return await use(consumer);
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}

export async function endOffsets(bootstrap: string, topic: string, partitions: number): Promise<number[]> {
  return withConsumer(bootstrap, `watermarks-${Date.now()}`, (consumer) =>
    Promise.all(
      Array.from({ length: partitions }, (_, partition) =>
        new Promise<number>((resolve, reject) =>
          consumer.queryWatermarkOffsets(topic, partition, 10_000, (error, offsets) => (error ? reject(error) : resolve(offsets.highOffset))),
        ),
      ),
    ),
  );
}

export async function committedOffsets(bootstrap: string, groupId: string, topic: string, partitions: number): Promise<number[]> {
  return withConsumer(bootstrap, groupId, (consumer) =>
    new Promise<number[]>((resolve, reject) =>
      consumer.committed(
        Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
        10_000,
        (error, offsets) => (error ? reject(error) : resolve(offsets.map((o) => (o.offset ?? -1) < 0 ? 0 : o.offset!))),
      ),
    ),
  );
}

/** Waits until the group's committed offsets reach the end of every partition. */
export async function waitForCaughtUp(bootstrap: string, groupId: string, topic: string, partitions: number, timeoutMs = 120_000): Promise<void> {
  const ends = await endOffsets(bootstrap, topic, partitions);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const committed = await committedOffsets(bootstrap, groupId, topic, partitions);
    if (committed.every((offset, i) => offset >= ends[i]!)) return;
    if (Date.now() > deadline) throw new Error(`group ${groupId} did not catch up: committed ${committed.join(",")} of ${ends.join(",")}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** How many messages a topic holds in all (low to high watermark). */
export async function topicSize(bootstrap: string, topic: string, partitions: number): Promise<number> {
  return (await endOffsets(bootstrap, topic, partitions)).reduce((a, b) => a + b, 0);
}
