// The machine a benchmark ran on, printed with every figure.
import os from "node:os";

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memory_gib: number;
  readonly node: string;
}

export function machine(): Machine {
  return { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version };
}

export function describeMachine(m: Machine = machine()): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB, Node ${m.node}`;
}
