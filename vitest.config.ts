import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: "forks",
    // 2-core machines: a few files at a time against the one shared stack
    maxWorkers: 3,
    minWorkers: 1,
    reporters: ["default"],
  },
});
