// Detection in Kafka mode: the worker holding the detect lease follows the store (every partition's
// events, in canonical order, up to the watermark) with a fresh set of detectors rebuilt each time
// it gains the lease, and raises the chat alerts; the others only store their partitions' events.
import { createAlerter, type Alerter } from "../alerts/index.js";
import type { Config, KafkaConfig } from "../config.js";
import { createDerivers } from "../detectors/index.js";
import { decide } from "../errors.js";
import { DetectionFollower } from "../pipeline/follow.js";
import { systemClock } from "../pipeline/pipeline.js";
import { createDetectLease, type DetectLease } from "../sources/kafka/detect-lease.js";
import type { WorkerParts } from "./worker.js";

const POLL_MS = 1_000;
/** A partition stored up to its last message and quiet for this long (event time) behind the others no longer holds detection back. */
const IDLE_AFTER_MS = 3_600_000;

export interface Detection {
  /** Resolves once the loop has stopped and the lease is released. */
  stop(): Promise<void>;
}

export async function startDetection(parts: WorkerParts, kafka: KafkaConfig): Promise<Detection> {
  const { config, logger, metrics, store } = parts;
  const log = logger.child({ component: "detection" });
  const lease = createDetectLease(kafka, logger);
  await lease.start();
  let stopping = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    let heldTerm: number | undefined;
    let follower: DetectionFollower | undefined;
    let alerter: Alerter | undefined;
    const release = async (): Promise<void> => {
      follower = undefined;
      heldTerm = undefined;
      await alerter?.close();
      alerter = undefined;
    };
    while (!stopping) {
      try {
        const term = await lease.poll();
        if (term !== heldTerm) await release();
        if (term !== undefined) {
          if (follower === undefined) {
            alerter = alerterFor(config, parts);
            follower = followerFor(config, kafka, parts, lease, alerter);
            const rebuilt = await follower.start();
            heldTerm = term;
            if (Number.isFinite(rebuilt.watermarkMs)) metrics.detectionWatermark.set(rebuilt.watermarkMs / 1000);
            log.info({ term, ...rebuilt, watermark: iso(rebuilt.watermarkMs) }, "holding the detect lease: detectors rebuilt from the store");
          }
          const step = await follower.step();
          if (step.events > 0) metrics.detectionWatermark.set(step.watermarkMs / 1000);
        }
      } catch (error) {
        // Store away or a broken query: let go of the detectors; the next round rebuilds them.
        log.warn({ err: (error as Error).message, retryInMs: POLL_MS }, decide(error) === "retry" ? "detection paused: store unavailable" : "detection round failed");
        await release();
      }
      await Promise.race([systemClock.sleep(POLL_MS), new Promise<void>((resolve) => (wake = resolve))]);
    }
    await release();
  })();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      await lease.close();
    },
  };
}

function alerterFor(config: Config, parts: WorkerParts): Alerter | undefined {
  return config.alerts && createAlerter({ config: config.alerts.routing, store: parts.store, logger: parts.logger, registry: parts.registry });
}

function followerFor(config: Config, kafka: KafkaConfig, parts: WorkerParts, lease: DetectLease, alerter: Alerter | undefined): DetectionFollower {
  return new DetectionFollower({
    store: parts.store,
    create: () => createDerivers(config),
    streamPrefix: `kafka:${kafka.topic}/`,
    expectedStreams: async () => (await lease.partitionsWithData()).map((p) => ({ stream: `kafka:${kafka.topic}/${p.partition}`, lastOffset: p.lastOffset })),
    latenessMs: config.detect.latenessMs,
    idleAfterMs: IDLE_AFTER_MS,
    time: (table, seconds) => parts.metrics.storeWriteSeconds.observe({ table }, seconds),
    onResults: alerter && ((tables) => alerter.offer(tables)),
  });
}

const iso = (ms: number): string | undefined => (Number.isFinite(ms) ? new Date(ms).toISOString() : undefined);
