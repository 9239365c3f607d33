import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["reference/**/*.test.ts", "exercises/**/*.test.ts", "grader/**/*.test.ts", "server/**/*.test.ts", "cli/**/*.test.ts", "web/**/*.test.ts", "scripts/**/*.test.ts", "tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
