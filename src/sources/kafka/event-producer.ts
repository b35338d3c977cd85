// Produces contract events into the events topic, keyed by ticket (or call) id so every event of a
// ticket lands on one partition in order. Used by `simulate --kafka` and by tests and benchmarks.
import Kafka from "node-rdkafka";
import { SensorError } from "../../errors.js";

export interface EventProducer {
  /** Queues one message; resolves when librdkafka accepted it (waits when its queue is full). */
  send(key: string, value: Uint8Array): Promise<void>;
  /** Waits until every queued message is acknowledged by all in-sync replicas. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function openEventProducer(options: { brokers: string; topic: string; clientId: string; security?: Readonly<Record<string, string>> }): Promise<EventProducer> {
  const producer = new Kafka.Producer(
    {
      "bootstrap.servers": options.brokers,
      "client.id": options.clientId,
      "enable.idempotence": true,
      "linger.ms": 20,
      "batch.num.messages": 10_000,
      "queue.buffering.max.messages": 200_000,
      dr_cb: true,
      ...options.security,
    },
    { "request.required.acks": -1 },
  );
  let failure: Error | undefined;
  let inFlight = 0;
  producer.on("delivery-report", (error) => {
    inFlight -= 1;
    if (error) failure ??= new Error(error.message);
  });
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: 30_000 }, (error) =>
      error ? reject(new SensorError("SOURCE_UNAVAILABLE", `cannot connect a producer to ${options.brokers}: ${error.message}`)) : resolve(),
    ),
  );
  producer.setPollInterval(10);
  const check = () => {
    if (failure !== undefined) throw new SensorError("SOURCE_UNAVAILABLE", `Kafka refused a message: ${failure.message}`);
  };
  return {
    async send(key, value) {
      check();
      for (;;) {
        try {
          producer.produce(options.topic, null, Buffer.from(value.buffer, value.byteOffset, value.byteLength), key, Date.now());
          inFlight += 1;
          return;
        } catch (error) {
          if ((error as { code?: number }).code !== Kafka.CODES.ERRORS.ERR__QUEUE_FULL) throw error;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
    },
    async flush() {
      await new Promise<void>((resolve, reject) => producer.flush(60_000, (error) => (error ? reject(error) : resolve())));
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      check();
    },
    async close() {
      await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
    },
  };
}
