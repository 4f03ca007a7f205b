import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // The CLI tests spawn bin/pcscope.js, which runs dist/: build it first when src/ is newer.
    globalSetup: ["test/helpers/build-dist.ts"],
    setupFiles: ["test/helpers/yield-between-tests.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
