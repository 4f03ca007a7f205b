import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // The CLI tests spawn bin/pcscope.js, which runs dist/: build it first when src/ is newer.
    globalSetup: ["test/helpers/build-dist.ts"],
    setupFiles: ["test/helpers/yield-between-tests.ts"],
    // Translate after 40 entries and translate again inline after 200 runs (the defaults are 1000
    // and 2000), so the tests' short loops run first and second translations; spawned
    // bin/pcscope.js processes inherit these.
    env: { PCSCOPE_JIT_HOT: "40", PCSCOPE_JIT_TIER2: "200" },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
