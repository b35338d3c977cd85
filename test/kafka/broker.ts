// A real Apache Kafka 4.x broker for integration tests: one KRaft node (broker + controller) run
// with `java` from jars resolved from Maven Central by test/kafka/pom.xml. No Docker.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import Kafka from "node-rdkafka";
import type { LibrdKafkaError, Metadata } from "node-rdkafka";

export interface KafkaBroker {
  /** `127.0.0.1:<port>` of the PLAINTEXT listener. */
  readonly bootstrapServers: string;
  /** Holds server.properties, the log dirs and the broker's output (kafka.log). */
  readonly dataDir: string;
  /** SIGTERM, then SIGKILL after 20 s. Idempotent. */
  stop(): Promise<void>;
  /** Restarts a stopped broker on the same dataDir and ports. No-op while it runs. */
  start(): Promise<void>;
}

export interface StartKafkaBrokerOptions {
  /** Created if missing; a temp dir under os.tmpdir() by default. Reused as is if already formatted. */
  readonly dataDir?: string;
  /** Defaults to ensureKafkaJars(). */
  readonly jarsDir?: string;
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const pomPath = path.join(repoRoot, "test", "kafka", "pom.xml");
// Written next to the jars so a changed pom (e.g. another logging binding) re-resolves the cache.
const stampFile = ".pom.sha256";
const readyTimeoutMs = 90_000;
const stopTimeoutMs = 20_000;
const logTailLines = 40;
const logErrorLines = 10;

/**
 * Returns a folder holding Kafka's jars, resolving them with Maven when it is missing or empty.
 * The folder is `cacheDir`, else $KAFKA_JARS_DIR, else `<repo>/.cache/kafka-<version>`; only the
 * default one is re-resolved when the pom changed (an explicit folder with jars is trusted).
 */
export async function ensureKafkaJars(cacheDir?: string): Promise<string> {
  const pom = await readFile(pomPath, "utf8");
  const pomHash = createHash("sha256").update(pom).digest("hex");
  const explicit = cacheDir ?? nonEmpty(process.env["KAFKA_JARS_DIR"]);
  if (explicit !== undefined) {
    const dir = path.resolve(explicit);
    if (!(await hasJars(dir))) {
      await mkdir(dir, { recursive: true });
      await resolveJars(dir);
      await writeFile(path.join(dir, stampFile), `${pomHash}\n`);
    }
    return dir;
  }

  const dir = path.join(repoRoot, ".cache", `kafka-${kafkaVersion(pom)}`);
  if (await isCurrent(dir, pomHash)) return dir;
  // Resolve beside the target and swap it in, so a failed or concurrent run never leaves a
  // half-filled folder that looks complete.
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    await resolveJars(partial);
    await writeFile(path.join(partial, stampFile), `${pomHash}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    if (await isCurrent(dir, pomHash)) return dir; // another process won the race
    throw error;
  }
  return dir;
}

/** Formats (first time only) and starts a single-node KRaft broker on two free localhost ports. */
export async function startKafkaBroker(options: StartKafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const jarsDir = options.jarsDir ?? (await ensureKafkaJars());
  const dataDir = path.resolve(options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), "kafka-broker-"))));
  await mkdir(dataDir, { recursive: true });
  const [brokerPort, controllerPort] = await freePorts(2);
  if (brokerPort === undefined || controllerPort === undefined) throw new Error("no free ports");

  const logDir = path.join(dataDir, "kraft-logs");
  const logFile = path.join(dataDir, "kafka.log");
  const serverProperties = path.join(dataDir, "server.properties");
  const log4jConfig = path.join(dataDir, "log4j2.properties");
  const bootstrapServers = `127.0.0.1:${brokerPort}`;
  await writeFile(serverProperties, renderProperties(brokerConfig(brokerPort, controllerPort, logDir)));
  await writeFile(log4jConfig, log4j2Config);

  const java = process.env["JAVA_HOME"] ? path.join(process.env["JAVA_HOME"], "bin", "java") : "java";
  const jvmBase = [
    "-XX:+UseSerialGC",
    // C1 only: the broker starts ~1 s faster and tests never run long enough to need C2.
    "-XX:TieredStopAtLevel=1",
    "-XX:-UsePerfData",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${log4jConfig}`,
    "-cp",
    path.join(jarsDir, "*"),
  ];

  if (!existsSync(path.join(logDir, "meta.properties"))) {
    const format = [...jvmBase, "kafka.tools.StorageTool", "format"];
    format.push("--cluster-id", newClusterId(), "--config", serverProperties);
    const logStart = await sizeOf(logFile);
    const code = await exitOf(launch(java, ["-Xmx256m", ...format], dataDir, logFile));
    if (code !== 0) {
      throw new Error(`kafka-storage format exited with ${code}; ${logFile}:\n${await logExcerpt(logFile, logStart)}`);
    }
  }

  const brokerArgs = ["-Xms128m", "-Xmx512m", ...jvmBase, "kafka.Kafka", serverProperties];
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    if (child !== undefined && isRunning(child)) return;
    const logStart = await sizeOf(logFile);
    const started = launch(java, brokerArgs, dataDir, logFile);
    child = started;
    try {
      await waitUntilReady(started, brokerPort, bootstrapServers, logFile, logStart);
    } catch (error) {
      await terminate(started);
      throw error;
    }
  };
  const stop = async (): Promise<void> => {
    if (child !== undefined) await terminate(child);
  };

  await start();
  return { bootstrapServers, dataDir, start, stop };
}

/** Creates a topic (replication factor 1) and waits until every partition has a leader. */
export async function createTopic(bootstrapServers: string, topic: string, partitions: number): Promise<void> {
  const admin = Kafka.AdminClient.create({ "bootstrap.servers": bootstrapServers, "client.id": "test-admin" });
  try {
    await new Promise<void>((resolve, reject) => {
      admin.createTopic({ topic, num_partitions: partitions, replication_factor: 1 }, 30_000, (err) => {
        if (err) reject(new Error(`createTopic ${topic}: ${err.message} (code ${err.code})`));
        else resolve();
      });
    });
  } finally {
    admin.disconnect();
  }

  const probe = await connectProbe(bootstrapServers, 10_000);
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const metadata = await metadataOf(probe, { topic, timeout: 5_000 }).catch(() => undefined);
      const found = metadata?.topics.find((t) => t.name === topic);
      if (found && found.partitions.length === partitions && found.partitions.every((p) => p.leader >= 0)) return;
      if (Date.now() > deadline) throw new Error(`topic ${topic}: partitions have no leader after 30 s`);
      await sleep(100);
    }
  } finally {
    await disconnect(probe);
  }
}

function brokerConfig(brokerPort: number, controllerPort: number, logDir: string): Record<string, string | number | boolean> {
  return {
    "process.roles": "broker,controller",
    "node.id": 1,
    // Static quorum (kraft.version 0): the voter's address lives only in this file, so a restart
    // may keep or change ports freely; `format --standalone` would pin it into the metadata log.
    "controller.quorum.voters": `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${brokerPort}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "log.dirs": logDir,
    "num.partitions": 1,
    "auto.create.topics.enable": false,
    "min.insync.replicas": 1,
    "offsets.topic.replication.factor": 1,
    // Not 50: one partition is quick to create, and readiness (waitUntilReady) loads it for all groups.
    "offsets.topic.num.partitions": 1,
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "transaction.state.log.num.partitions": 1,
    "share.coordinator.state.topic.replication.factor": 1,
    "share.coordinator.state.topic.min.isr": 1,
    "group.initial.rebalance.delay.ms": 0,
    // Small footprint: fewer threads, and a 4 MiB (not 128 MiB) log-cleaner buffer on the heap.
    "num.network.threads": 2,
    "num.io.threads": 2,
    "background.threads": 2,
    "num.recovery.threads.per.data.dir": 1,
    "log.cleaner.threads": 1,
    "log.cleaner.dedupe.buffer.size": 4 * 1024 * 1024,
  };
}

const log4j2Config = `# Broker logging for tests: everything to stdout, which the test harness sends to kafka.log.
status = warn
# Kafka logs its own shutdown; log4j's shutdown hook would stop the appender first.
shutdownHook = disable
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
logger.request.name = kafka.request.logger
logger.request.level = warn
`;

function renderProperties(config: Record<string, string | number | boolean>): string {
  return Object.entries(config)
    .map(([key, value]) => `${key}=${String(value).replaceAll("\\", "\\\\")}\n`)
    .join("");
}

/** A Kafka Uuid: 16 random bytes, base64url; Kafka's own generator also skips ids starting with "-". */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

// ---- processes ----

const running = new Set<ChildProcess>();
let exitHooksInstalled = false;

/** Spawns a JVM with stdin closed and stdout+stderr appended to logFile. */
function launch(java: string, args: readonly string[], cwd: string, logFile: string): ChildProcess {
  installExitHooks();
  const out = openSync(logFile, "a");
  try {
    const [command, commandArgs] = withParentDeathSignal(java, args);
    const child = spawn(command, commandArgs, { cwd, stdio: ["ignore", out, out] });
    child.on("error", () => undefined); // a failed spawn is reported below; later errors via exit
    if (child.pid === undefined) throw new Error(`cannot run ${command}: is Java installed (or JAVA_HOME set)?`);
    running.add(child);
    child.once("exit", () => running.delete(child));
    return child;
  } finally {
    closeSync(out);
  }
}

let setprivAvailable: boolean | undefined;

// On Linux the JVM runs under `setpriv --pdeathsig KILL`, so the kernel kills it even when this
// process dies by SIGKILL (a CI timeout), which no exit hook can see. setpriv execs, keeping the pid.
function withParentDeathSignal(command: string, args: readonly string[]): [string, string[]] {
  if (process.platform !== "linux") return [command, [...args]];
  setprivAvailable ??= spawnSync("setpriv", ["--version"], { stdio: "ignore" }).status === 0;
  return setprivAvailable ? ["setpriv", ["--pdeathsig", "KILL", "--", command, ...args]] : [command, [...args]];
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const killAll = (): void => {
    for (const child of running) child.kill("SIGKILL");
  };
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = (): void => {
      killAll();
      // Keep the default "die on signal" unless someone else (e.g. vitest) handles it.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (!isRunning(child)) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function terminate(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return;
  const exited = exitOf(child);
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(resolve, stopTimeoutMs, "timeout")));
  const outcome = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
}

async function waitUntilReady(
  child: ChildProcess,
  port: number,
  bootstrap: string,
  logFile: string,
  logStart: number,
): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  const fail = async (why: string): Promise<never> => {
    throw new Error(`Kafka broker at ${bootstrap} ${why}; ${logFile}:\n${await logExcerpt(logFile, logStart)}`);
  };
  const checkAlive = async (): Promise<void> => {
    if (!isRunning(child)) await fail(`exited with code ${child.exitCode ?? child.signalCode} while starting`);
    if (Date.now() > deadline) await fail(`not ready after ${readyTimeoutMs / 1000} s`);
  };

  // Plain TCP first: librdkafka against a closed port logs errors and backs off for seconds.
  while (!(await canConnect(port))) {
    await checkAlive();
    await sleep(100);
  }
  for (;;) {
    await checkAlive();
    const metadata = await fetchMetadata(bootstrap, Math.min(5_000, deadline - Date.now())).catch(() => undefined);
    if (metadata?.brokers.some((b) => b.port === port)) break;
    await sleep(200);
  }
  // The first consumer group on a fresh broker creates __consumer_offsets, and its JoinGroup meets
  // "coordinator load in progress", on which librdkafka backs off 3 s. An offset fetch answered
  // here means the (single) offsets partition is loaded for every group.
  const consumer = new Kafka.KafkaConsumer(
    { "bootstrap.servers": bootstrap, "group.id": "test-broker-readiness", "log.connection.close": false },
    {},
  );
  await new Promise<void>((resolve, reject) => {
    consumer.connect({ timeout: 5_000 }, (err: LibrdKafkaError | null) => (err ? reject(new Error(err.message)) : resolve()));
  }).catch((error: unknown) => fail(`gave no metadata to a consumer (${String(error)})`));
  try {
    for (;;) {
      await checkAlive();
      const answered = await new Promise<boolean>((resolve) => {
        consumer.committed([{ topic: "test-broker-readiness", partition: 0 }], 2_000, (err) => resolve(!err));
      });
      if (answered) return;
      await sleep(50);
    }
  } finally {
    await disconnect(consumer);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Distinct free ports, held open together so the OS cannot hand out the same one twice. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      return new Promise<net.Server>((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve(server));
      });
    }),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("unexpected server address");
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

// ---- metadata through librdkafka ----

type Probe = InstanceType<typeof Kafka.Producer>;

function connectProbe(bootstrap: string, timeoutMs: number): Promise<Probe> {
  const probe = new Kafka.Producer({
    "bootstrap.servers": bootstrap,
    "client.id": "test-broker-probe",
    "log.connection.close": false,
  });
  return new Promise((resolve, reject) => {
    probe.connect({ timeout: timeoutMs }, (err: LibrdKafkaError | null) => {
      if (err) reject(new Error(`metadata from ${bootstrap}: ${err.message}`));
      else resolve(probe);
    });
  });
}

function metadataOf(probe: Probe, options: { topic?: string; timeout: number }): Promise<Metadata> {
  return new Promise((resolve, reject) => {
    probe.getMetadata(options, (err: LibrdKafkaError | null, metadata: Metadata) => {
      if (err) reject(new Error(err.message));
      else resolve(metadata);
    });
  });
}

async function fetchMetadata(bootstrap: string, timeoutMs: number): Promise<Metadata> {
  const probe = await connectProbe(bootstrap, timeoutMs);
  try {
    return await metadataOf(probe, { timeout: timeoutMs });
  } finally {
    await disconnect(probe);
  }
}

function disconnect(client: Probe | InstanceType<typeof Kafka.KafkaConsumer>): Promise<void> {
  return new Promise((resolve) => {
    if (!client.isConnected()) resolve();
    else client.disconnect(() => resolve());
  });
}

// ---- jars ----

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function kafkaVersion(pom: string): string {
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (version === undefined) throw new Error(`${pomPath}: no <kafka.version> property`);
  return version.trim();
}

async function hasJars(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.some((name) => name.endsWith(".jar"));
}

async function isCurrent(dir: string, pomHash: string): Promise<boolean> {
  const stamp = await readFile(path.join(dir, stampFile), "utf8").catch(() => "");
  return stamp.trim() === pomHash && (await hasJars(dir));
}

async function resolveJars(outputDir: string): Promise<void> {
  const args = ["-B", "-q", "-f", pomPath, "dependency:copy-dependencies", `-DoutputDirectory=${outputDir}`];
  const child = spawn("mvn", args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", (error) => reject(new Error(`cannot run mvn (set KAFKA_JARS_DIR to skip it): ${error.message}`)));
    child.once("close", (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`mvn ${args.join(" ")} exited with ${code}:\n${output.slice(-4000)}`);
  if (!(await hasJars(outputDir))) throw new Error(`mvn put no jars in ${outputDir}`);
}

function sizeOf(file: string): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    () => 0,
  );
}

/** The first ERROR lines and the last lines written since byte `from` (one launch's output). */
async function logExcerpt(file: string, from: number): Promise<string> {
  const text = (await readFile(file).catch(() => Buffer.alloc(0))).subarray(from).toString("utf8");
  const lines = text.trimEnd().split("\n");
  if (text.trim() === "") return "(no output)";
  const errors: string[] = [];
  lines.forEach((line, i) => {
    if (errors.length >= logErrorLines || !/\] (ERROR|FATAL) /.test(line)) return;
    errors.push(line);
    const next = lines[i + 1]; // the exception under the message, if any
    if (next !== undefined && !next.startsWith("[")) errors.push(`  ${next}`);
  });
  const tail = lines.slice(-logTailLines);
  const head = errors.length > 0 ? `first errors:\n${errors.join("\n")}\n\nlast lines:\n` : "";
  return `${head}${tail.join("\n")}`;
}
