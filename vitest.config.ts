import { defineConfig } from "vitest/config";

// Unit tests sit beside the code in src/; integration tests in test/ run against a real Kafka
// broker (started once by the global setup) and the real ClickHouse engine (chdb).
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/setup/kafka.global.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    // chdb allows one data directory per process: every test file runs in its own fork.
    poolOptions: { forks: { singleFork: false, isolate: true } },
    fileParallelism: false,
    reporters: ["default"],
  },
});
