import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    environment: "node",
    globalSetup: ["test/global-tmpdir.ts"],
    pool: "forks",
    testTimeout: 30_000,
    coverage: {
      provider: "v8",
      include: ["src/**/*.{ts,tsx}", "sim/**/*.ts", "live/**/*.ts", "tui/**/*.{ts,tsx}"],
      reporter: ["text-summary", "json-summary"],
    },
  },
});
