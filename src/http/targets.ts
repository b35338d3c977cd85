// The two places POST /v1/events can deliver to: the embedded pipeline (through the push source,
// answered once the batch is in ClickHouse) or the Kafka events topic (answered once every in-sync
// replica has the message, keyed per the partitioning contract). Both answer "duplicate" for an
// event_id already stored; Kafka also for one this process produced recently, since the worker may
// not have stored it yet.
import Kafka from "node-rdkafka";
import type { KafkaConfig } from "../config.js";
import { SensorError } from "../errors.js";
import type { PushOutcome, PushSource } from "../sources/push.js";
import type { Store } from "../store/port.js";
import { storedEvents } from "../store/stored-events.js";
import type { IngestTarget, TargetItem } from "./ingest.js";

export function pipelineTarget(push: PushSource): IngestTarget {
  return { kind: "pipeline", submit: (client, items) => push.submit(client, items) };
}

export interface KafkaIngestTarget extends IngestTarget {
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Event ids this process produced, remembered up to this many (oldest forgotten first). */
const RECENT_IDS = 100_000;

export function createKafkaIngestTarget(config: KafkaConfig, store: Pick<Store, "query">): KafkaIngestTarget {
  const producer = new Kafka.Producer(
    {
      "bootstrap.servers": config.brokers,
      "client.id": `${config.clientId}-http-ingest`,
      dr_cb: true,
      "enable.idempotence": true,
      "linger.ms": 5,
      ...config.security,
    },
    { "request.required.acks": -1, "message.timeout.ms": 30_000 },
  );
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  const recent = new Set<string>();
  const inFlight = new Map<string, Promise<void>>();
  let nextId = 0;
  producer.on("delivery-report", (error, report) => {
    const id = report.opaque as number;
    const pending = waiting.get(id);
    waiting.delete(id);
    if (error) pending?.reject(new Error(error.message));
    else pending?.resolve();
  });

  const remember = (eventId: string) => {
    recent.add(eventId);
    if (recent.size > RECENT_IDS) recent.delete(recent.values().next().value!);
  };

  const deliver = (item: TargetItem) =>
    new Promise<void>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      try {
        producer.produce(config.topic, null, Buffer.from(item.bytes.buffer, item.bytes.byteOffset, item.bytes.byteLength), item.key, Date.now(), id);
      } catch (error) {
        waiting.delete(id);
        reject(error as Error);
      }
    });

  return {
    kind: "kafka",
    start() {
      return new Promise((resolve, reject) =>
        producer.connect({ timeout: 30_000 }, (error) => {
          if (error) return reject(new SensorError("SOURCE_UNAVAILABLE", `cannot connect the HTTP ingest producer to ${config.brokers}: ${error.message}`));
          producer.setPollInterval(10);
          resolve();
        }),
      );
    },
    async submit(_client, items) {
      const outcomes: (PushOutcome | Promise<PushOutcome>)[] = new Array(items.length);
      const fresh: number[] = [];
      const seen = new Set<string>();
      items.forEach((item, i) => {
        const earlier = inFlight.get(item.eventId);
        if (recent.has(item.eventId) || seen.has(item.eventId)) outcomes[i] = { status: "duplicate" };
        else if (earlier !== undefined) outcomes[i] = earlier.then(() => ({ status: "duplicate" }));
        else {
          seen.add(item.eventId);
          fresh.push(i);
        }
      });
      const stored = await storedEvents(store, fresh.map((i) => items[i]!.eventId));
      for (const i of fresh) {
        const item = items[i]!;
        const earlier = inFlight.get(item.eventId);
        if (stored.has(item.eventId) || recent.has(item.eventId)) outcomes[i] = { status: "duplicate" };
        else if (earlier !== undefined) outcomes[i] = earlier.then(() => ({ status: "duplicate" }));
        else {
          // A second request with this id waits for this delivery, and shares its failure.
          const delivery = deliver(item).then(
            () => remember(item.eventId),
            (error: unknown) => {
              throw new SensorError("SOURCE_UNAVAILABLE", `Kafka did not acknowledge every event (${(error as Error).message}); send them again, event_id makes that safe`, { cause: error });
            },
          );
          inFlight.set(item.eventId, delivery);
          const forget = () => inFlight.delete(item.eventId);
          delivery.then(forget, forget);
          outcomes[i] = delivery.then(() => ({ status: "accepted" }));
        }
      }
      return Promise.all(outcomes);
    },
    close() {
      return new Promise((resolve) => producer.flush(10_000, () => producer.disconnect(() => resolve())));
    },
  };
}
