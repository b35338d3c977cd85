// Runs the real `hotline-sensor` CLI as a child process for end-to-end tests: the worker with its
// HTTP port read from its log, and `query` to read a data folder the test process cannot open
// itself (chdb allows one data folder per process).
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Environment for a worker: nothing inherited from the developer's shell that the worker reads. */
export function workerEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(HOTLINE_|KAFKA_|CLICKHOUSE_)/.test(key)) env[key] = value;
  }
  return { ...env, HOTLINE_LOG_LEVEL: "info", HOTLINE_HTTP_HOST: "127.0.0.1", HOTLINE_HTTP_PORT: "0", ...extra };
}

export interface RunningWorker {
  readonly child: ChildProcess;
  /** Resolves with the worker's HTTP base URL once it logged "worker started". */
  readonly ready: Promise<string>;
  /** Resolves with the exit code (or the signal) when the process ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logs(): string;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: readonly string[], env: Record<string, string>): RunningWorker {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  let output = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  const append = (chunk: string) => {
    output = (output + chunk).slice(-200_000);
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      process.off("exit", killOnExit);
      resolve({ code, signal });
    }),
  );
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start in 90 s:\n${output.slice(-3000)}`)), 90_000);
    const check = () => {
      const match = /"address":"(http:\/\/[^"]+)"[^\n]*"worker started"/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stderr.on("data", check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`worker exited before it started:\n${output.slice(-3000)}`));
    });
  });
  ready.catch(() => undefined);
  return {
    child,
    ready,
    exited,
    logs: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** Runs a CLI command to completion; rejects with its output when it fails. */
export async function runCli(args: readonly string[], env: Record<string, string>, stdin?: string): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
  // Buffers are decoded once at the end: a multi-byte character may straddle two chunks.
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (c: Buffer) => out.push(c));
  child.stderr.on("data", (c: Buffer) => err.push(c));
  child.stdin.end(stdin ?? "");
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const stdout = Buffer.concat(out).toString("utf8");
  const stderr = Buffer.concat(err).toString("utf8");
  if (code !== 0) throw new Error(`hotline-sensor ${args.join(" ")} exited ${code}:\n${stderr.slice(-3000)}`);
  return { stdout, stderr };
}

/** Rows of a query on a data folder, through `hotline-sensor query --format json`. */
export async function queryData<T = Record<string, unknown>>(dataDir: string, sql: string, env: Record<string, string> = workerEnv({})): Promise<T[]> {
  const { stdout } = await runCli(["query", sql, "--format", "json", "--data", dataDir], env);
  return stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);
}

/** Scrapes one metric's summed value from a worker's /metrics. */
export async function metricValue(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}
