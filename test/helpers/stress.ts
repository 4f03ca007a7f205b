// Iteration counts for fuzz, crash and soak tests. `npm test` runs the small default; `npm run stress
// COUNT` runs the same tests (files named *.stress.test.ts) with PCSCOPE_STRESS_COUNT=COUNT.

/** The number of iterations a stress-capable test should run. */
export function stressCount(defaultForNpmTest: number): number {
  const raw = process.env.PCSCOPE_STRESS_COUNT;
  if (raw === undefined || raw === "") return defaultForNpmTest;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`PCSCOPE_STRESS_COUNT must be a positive integer, got '${raw}'`);
  return n;
}
