// `hotline-sensor simulate`: writes the simulated city's events as NDJSON (a file or stdout), or
// produces them into Kafka at a chosen rate; optionally with labelled incidents staged in them and
// their ground truth written as JSON, for benchmarking detectors.
import { createWriteStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { once } from "node:events";
import type { Config } from "../config.js";
import { SensorError } from "../errors.js";
import type { HotlineEvent } from "../contract/event.js";
import { openEventProducer } from "../sources/kafka/event-producer.js";
import { buildWorld, defaultRandomIncidents, parseIncidents, simulateWithLabels, type Incident, type SimulationOptions } from "../sources/simulator/index.js";
import type { Logger } from "../telemetry/log.js";

export interface SimulateArgs {
  readonly simulation: SimulationOptions;
  /** A file path, or "-" for stdout. Ignored with `kafka`. */
  readonly out: string;
  readonly kafka: boolean;
  /** Events per second into Kafka; 0 means as fast as the broker takes them. */
  readonly ratePerSecond: number;
  /** Incidents to stage: `random` for a default random set, or the path of a JSON array of them. */
  readonly incidents?: string;
  /** Where to write the incidents' labels (a JSON array) once every event is out. */
  readonly labels?: string;
}

/** The partition key of an event: its ticket, or its call. See the README's partitioning contract. */
export function partitionKey(event: HotlineEvent): string {
  return "ticket_id" in event ? event.ticket_id : event.call_id;
}

export async function simulateCommand(config: Config, logger: Logger, args: SimulateArgs): Promise<number> {
  const incidents = await loadIncidents(args);
  let run: ReturnType<typeof simulateWithLabels>;
  try {
    run = simulateWithLabels({ ...args.simulation, incidents });
  } catch (error) {
    if (error instanceof RangeError) throw new SensorError("CONFIG_INVALID", `simulate: ${error.message}`);
    throw error;
  }
  const count = args.kafka ? await produceToKafka(config, logger, args, run.events) : await writeNdjson(args, run.events);
  if (args.labels !== undefined) {
    const labels = run.labels();
    await writeFile(args.labels, `${JSON.stringify(labels, null, 2)}\n`);
    logger.info({ incidents: labels.length, file: args.labels }, "incident labels written");
  }
  return count;
}

async function loadIncidents(args: SimulateArgs): Promise<readonly Incident[]> {
  const source = args.incidents;
  if (source === undefined) return [];
  const { seed, size, startMs, days } = args.simulation;
  if (source === "random") return defaultRandomIncidents(buildWorld(seed, size), { seed, startMs, days });
  try {
    return parseIncidents(JSON.parse(await readFile(source, "utf8")));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SensorError("CONFIG_INVALID", `--incidents ${source}: expected "random" or a JSON file with an array of incidents: ${reason}`);
  }
}

async function writeNdjson(args: SimulateArgs, events: Iterable<HotlineEvent>): Promise<number> {
  const out = args.out === "-" ? process.stdout : createWriteStream(args.out);
  let count = 0;
  for (const event of events) {
    if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, "drain");
    count += 1;
  }
  if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return count;
}

async function produceToKafka(config: Config, logger: Logger, args: SimulateArgs, events: Iterable<HotlineEvent>): Promise<number> {
  if (config.kafka === undefined) throw new SensorError("CONFIG_INVALID", "simulate --kafka needs KAFKA_BROKERS (and KAFKA_TOPIC)");
  const producer = await openEventProducer({ brokers: config.kafka.brokers, topic: config.kafka.topic, clientId: `${config.kafka.clientId}-simulator`, security: config.kafka.security });
  const started = Date.now();
  let count = 0;
  let stopping = false;
  const stop = () => (stopping = true);
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    for (const event of events) {
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
