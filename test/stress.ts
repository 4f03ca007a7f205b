// `npm run stress [COUNT]`: runs the stress-capable tests (*.stress.test.ts) with a larger iteration
// count (default 10000) passed as PCSCOPE_STRESS_COUNT. Without a count it uses the default.
import { spawnSync } from "node:child_process";

const count = process.argv[2] ?? "10000";
if (!/^[1-9][0-9]*$/.test(count)) {
  process.stderr.write(`stress: COUNT must be a positive integer, got '${count}'\n`);
  process.exit(2);
}
const result = spawnSync("npx", ["vitest", "run", "--testTimeout=0", "stress.test"], {
  stdio: "inherit",
  env: { ...process.env, PCSCOPE_STRESS_COUNT: count },
});
process.exit(result.status ?? 1);
