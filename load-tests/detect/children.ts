// Runs scenarios in child processes, a few at a time: chdb binds one data folder per process, and the cores run scenarios side by side.
import { spawn } from "node:child_process";
import type { ScenarioResult } from "./run-scenario.js";
import type { ScenarioName } from "./scenarios.js";

function runChild(script: string, name: ScenarioName, extraArgs: readonly string[]): Promise<ScenarioResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, "--scenario", name, ...extraArgs], { stdio: ["ignore", "pipe", "inherit"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`scenario ${name} failed (exit code ${String(code)}); its log is above`));
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as ScenarioResult);
      } catch (error) {
        reject(new Error(`scenario ${name} printed no result: ${(error as Error).message}`));
      }
    });
  });
}

/** Results in the order of `names`; at most `jobs` children at once, started in that order. */
export async function runChildren(script: string, names: readonly ScenarioName[], jobs: number, extraArgs: readonly string[]): Promise<ScenarioResult[]> {
  const results = new Map<ScenarioName, ScenarioResult>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < names.length; i = next++) {
      const name = names[i] as ScenarioName;
      results.set(name, await runChild(script, name, extraArgs));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, names.length)) }, worker));
  return names.map((name) => results.get(name) as ScenarioResult);
}
