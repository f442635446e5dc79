import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Two files at a time even on 2 cores (vitest's default is cores − 1): the e2e and CLI tests
    // wait on child processes and HTTP, and one worker left a third of the CPU idle.
    maxWorkers: 2,
  },
});
