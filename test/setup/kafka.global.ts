// Vitest global setup: starts one real Kafka broker for the whole run and hands its bootstrap
// address to tests as inject("kafkaBootstrap").
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
// Brings "vitest" into this file so the ProvidedContext augmentation below can resolve it.
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { ensureKafkaJars, startKafkaBroker } from "../kafka/broker.js";

declare module "vitest" {
  export interface ProvidedContext {
    kafkaBootstrap: string;
  }
}

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  // HOTLINE_TEST_KAFKA=off: a run of files that need no broker (unit tests, store tests) starts none;
  // a test that does need one then fails at connect with an empty bootstrap address.
  if (process.env["HOTLINE_TEST_KAFKA"] === "off") {
    provide("kafkaBootstrap", "");
    return async () => undefined;
  }
  const jarsDir = await ensureKafkaJars();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "hotline-kafka-"));
  const broker = await startKafkaBroker({ dataDir, jarsDir });
  provide("kafkaBootstrap", broker.bootstrapServers);
  return async () => {
    await broker.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
