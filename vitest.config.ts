import { defineConfig } from "vitest/config";

// Two projects. unit: pure logic, no stack, seconds (`npm run test:unit`). e2e: the real binaries; its global setup
// starts one shared stack through the CLI, and tests that kill components start private ones.
export default defineConfig({
  test: {
    pool: "forks",
    // 2-core machines: a few files at a time against the one shared stack
    maxWorkers: 3,
    minWorkers: 1,
    reporters: ["default"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
