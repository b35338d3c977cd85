// `hotline-sensor simulate`: writes the simulated city's events as NDJSON (a file or stdout), or
// produces them into Kafka at a chosen rate.
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type { Config } from "../config.js";
import { SensorError } from "../errors.js";
import type { HotlineEvent } from "../contract/event.js";
import { openEventProducer } from "../sources/kafka/event-producer.js";
import { simulate, type SimulationOptions } from "../sources/simulator/index.js";
import type { Logger } from "../telemetry/log.js";

export interface SimulateArgs {
  readonly simulation: SimulationOptions;
  /** A file path, or "-" for stdout. Ignored with `kafka`. */
  readonly out: string;
  readonly kafka: boolean;
  /** Events per second into Kafka; 0 means as fast as the broker takes them. */
  readonly ratePerSecond: number;
}

/** The partition key of an event: its ticket, or its call. See the README's partitioning contract. */
export function partitionKey(event: HotlineEvent): string {
  return "ticket_id" in event ? event.ticket_id : event.call_id;
}

export async function simulateCommand(config: Config, logger: Logger, args: SimulateArgs): Promise<number> {
  return args.kafka ? produceToKafka(config, logger, args) : writeNdjson(args);
}

async function writeNdjson(args: SimulateArgs): Promise<number> {
  const out = args.out === "-" ? process.stdout : createWriteStream(args.out);
  let count = 0;
  for (const event of simulate(args.simulation)) {
    if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, "drain");
    count += 1;
  }
  if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return count;
}

async function produceToKafka(config: Config, logger: Logger, args: SimulateArgs): Promise<number> {
  if (config.kafka === undefined) throw new SensorError("CONFIG_INVALID", "simulate --kafka needs KAFKA_BROKERS (and KAFKA_TOPIC)");
  const producer = await openEventProducer({ brokers: config.kafka.brokers, topic: config.kafka.topic, clientId: `${config.kafka.clientId}-simulator`, security: config.kafka.security });
  const started = Date.now();
  let count = 0;
  let stopping = false;
  const stop = () => (stopping = true);
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    for (const event of simulate(args.simulation)) {
      if (stopping) break;
      await producer.send(partitionKey(event), Buffer.from(JSON.stringify(event)));
      count += 1;
      if (args.ratePerSecond > 0) {
        const dueMs = started + (count / args.ratePerSecond) * 1000;
        if (dueMs > Date.now() + 5) await new Promise((resolve) => setTimeout(resolve, dueMs - Date.now()));
      }
      if (count % 100_000 === 0) logger.info({ produced: count, perSecond: Math.round(count / ((Date.now() - started) / 1000)) }, "producing");
    }
    await producer.flush();
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await producer.close();
  }
  logger.info({ produced: count, topic: config.kafka.topic }, "simulated events produced");
  return count;
}
