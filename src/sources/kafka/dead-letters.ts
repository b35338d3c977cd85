// The Kafka dead-letter topic: every rejected input is produced there (acks from all replicas)
// with its reason and source position in headers, before the batch's offsets are committed.
import Kafka from "node-rdkafka";
import type { KafkaConfig } from "../../config.js";
import { SensorError } from "../../errors.js";
import type { DeadLetterRow } from "../../pipeline/batch.js";
import type { DeadLetterSink } from "../../pipeline/writer.js";

export interface KafkaDeadLetterSink extends DeadLetterSink {
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createKafkaDeadLetterSink(config: KafkaConfig): KafkaDeadLetterSink {
  const producer = new Kafka.Producer({
    "bootstrap.servers": config.brokers,
    "client.id": `${config.clientId}-dead-letters`,
    dr_cb: true,
    "enable.idempotence": true,
    ...config.security,
  }, { "request.required.acks": -1, "message.timeout.ms": 30_000 });
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let nextId = 0;
  producer.on("delivery-report", (error, report) => {
    const id = report.opaque as number;
    const pending = waiting.get(id);
    waiting.delete(id);
    if (error) pending?.reject(new Error(error.message));
    else pending?.resolve();
  });

  return {
    start() {
      return new Promise((resolve, reject) =>
        producer.connect({ timeout: 30_000 }, (error) => {
          if (error) return reject(new SensorError("DEAD_LETTER_UNAVAILABLE", `cannot connect the dead-letter producer to ${config.brokers}: ${error.message}`));
          producer.setPollInterval(20);
          resolve();
        }),
      );
    },
    async publish(letters: readonly DeadLetterRow[]) {
      const deliveries = letters.map(
        (letter) =>
          new Promise<void>((resolve, reject) => {
            const id = nextId++;
            waiting.set(id, { resolve, reject });
            try {
              producer.produce(config.deadLetterTopic, null, Buffer.from(JSON.stringify(letter)), letter.source, Date.now(), id, [
                { reason: letter.reason_code },
                { source: letter.source },
              ]);
            } catch (error) {
              waiting.delete(id);
              reject(error as Error);
            }
          }),
      );
      try {
        await Promise.all(deliveries);
      } catch (error) {
        throw new SensorError("DEAD_LETTER_UNAVAILABLE", `the dead-letter topic ${config.deadLetterTopic} refused a message: ${(error as Error).message}`, { cause: error });
      }
    },
    close() {
      return new Promise((resolve) => producer.flush(10_000, () => producer.disconnect(() => resolve())));
    },
  };
}
