// `npm run stress COUNT`: runs the stress-capable tests (*.stress.test.ts) with COUNT passed as
// PCSCOPE_STRESS_COUNT. Each test scales it its own way: the gdb stub fuzz sends COUNT packets, the
// qcow2 crash test kills COUNT writers and fuzzes 30 x COUNT images (so `npm run stress 350` gives
// >= 200 kills and >= 10,000 images), the command-line fuzz runs COUNT command lines, the nm fuzz
// COUNT listings. An optional FILTER (part of a *.stress.test.ts path) picks
// one, e.g. `npm run stress 100000 gdbstub/fuzz.stress` for the stub's 100,000-packet run alone.
import { spawnSync } from "node:child_process";

const count = process.argv[2] ?? "";
if (!/^[1-9][0-9]*$/.test(count)) {
  process.stderr.write(
    `stress: usage: npm run stress COUNT (a positive integer, e.g. 350), got '${count}'\n`,
  );
  process.exit(2);
}
const filter = process.argv[3] ?? "";
const result = spawnSync(
  "npx",
  ["vitest", "run", "--testTimeout=0", filter === "" ? "stress.test" : filter],
  {
    stdio: "inherit",
    env: { ...process.env, PCSCOPE_STRESS_COUNT: count },
  },
);
process.exit(result.status ?? 1);
