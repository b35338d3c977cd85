// Runs one benchmark phase in a child process (a fresh heap, and chdb's one data folder per
// process), passing its stderr through and returning the JSON object it prints last on stdout.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export async function runPhase<T>(script: string, args: readonly string[], nodeArgs: readonly string[] = []): Promise<T> {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script, ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) throw new Error(`${script} ${args.join(" ")} exited with ${code}`);
  const last = stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as T;
}
