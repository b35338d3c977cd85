// Starts the ClickHouse-over-chdb HTTP endpoint (server.ts) in a child process for tests: chdb
// binds one data directory per process, so the endpoint cannot live inside the test process.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ClickHouseHttp {
  readonly url: string;
  stop(): Promise<void>;
}

const SERVER = fileURLToPath(new URL("./server.ts", import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const START_TIMEOUT_MS = 60_000;

/** `port` 0 picks a free one; pass a known port to restart an endpoint where clients expect it. */
export async function startClickHouseHttp(dataDir: string, port = 0): Promise<ClickHouseHttp> {
  const child = spawn(process.execPath, ["--import", "tsx", SERVER, "--data", dataDir, "--port", String(port)], {
    cwd: PACKAGE_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);

  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const listening = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the ClickHouse HTTP test endpoint did not start within ${START_TIMEOUT_MS} ms: ${stderr}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: string): void => {
      stdout += chunk;
      const match = /^listening (\d+)$/m.exec(stdout);
      if (match !== null) {
        clearTimeout(timer);
        child.off("exit", onExit);
        resolve(Number(match[1]));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      reject(new Error(`the ClickHouse HTTP test endpoint exited (${code ?? signal}) before listening: ${stderr}`));
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.once("exit", onExit);
  });

  return {
    url: `http://127.0.0.1:${listening}`,
    async stop(): Promise<void> {
      process.off("exit", killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
