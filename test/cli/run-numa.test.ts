// `pcscope run --numa`: a bad node definition (syntax, CPUs that don't exist, memory that does not add
// up to --mem, a node id used twice or skipped, a CPU in two nodes) is one line worded after QEMU's
// own message and exit status 2; a good one runs. In-process (runCliInProcess), so it runs src/.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.ts";

const ROOT = join(import.meta.dirname, "../..");
const HELLO = join(ROOT, "firmware/hello/hello.bin");

/** `pcscope run -M pc --bios hello.bin --max-insns 1000 ARGS`. */
function run(args: string[]) {
  return runCliInProcess(["run", "-M", "pc", "--bios", HELLO, "--max-insns", "1000", ...args]);
}

describe("pcscope run --numa", () => {
  it.each([
    [
      ["--numa", "socket,socket-id=0"],
      "pcscope: invalid --numa 'socket,socket-id=0': only 'node' is supported (node,nodeid=N,cpus=A-B,mem=SIZE)",
    ],
    [["--numa", "node,cpus=x"], "pcscope: invalid --numa 'node,cpus=x': cpus expects A or A-B, got 'x'"],
    [
      ["--numa", "node,cpus=3-1"],
      "pcscope: invalid --numa 'node,cpus=3-1': cpus range '3-1' ends before it starts",
    ],
    [
      ["--numa", "node,memdev=m0"],
      "pcscope: invalid --numa 'node,memdev=m0': unknown property 'memdev' (nodeid, cpus, mem)",
    ],
    [["--numa", "node,mem=lots"], "pcscope: invalid memory size 'lots' (examples: 32M, 512K, 1G, 64)"],
    [
      ["-m", "64", "-smp", "2", "--numa", "node,cpus=0-2,mem=64M"],
      "pcscope: CPU index (2) should be smaller than maxcpus (2)",
    ],
    [
      ["-m", "64", "--numa", "node,mem=32M"],
      "pcscope: total memory for NUMA nodes (0x2000000) should equal RAM size (0x4000000)",
    ],
    [
      ["-m", "64", "--numa", "node"],
      "pcscope: total memory for NUMA nodes (0x0) should equal RAM size (0x4000000)",
    ],
    [
      ["-m", "64", "--numa", "node,mem=32M", "--numa", "node"],
      "pcscope: mem= must be given for either all or no NUMA nodes",
    ],
    [
      ["-m", "64", "--numa", "node,nodeid=0,mem=32M", "--numa", "node,nodeid=0,mem=32M"],
      "pcscope: Duplicate NUMA nodeid: 0",
    ],
    [["-m", "64", "--numa", "node,nodeid=1,mem=64M"], "pcscope: numa: Node ID missing: 0"],
    [
      ["-m", "64", "-smp", "2", "--numa", "node,cpus=0-1,mem=32M", "--numa", "node,cpus=1,mem=32M"],
      "pcscope: CPU 1 is already assigned to node-id: 0",
    ],
  ])("%j -> one line, exit 2", async (args, line) => {
    const r = await run(args);
    expect(r.crash).toBeNull();
    expect(r.stderr).toBe(`${line}\n`);
    expect(r.status).toBe(2);
  });

  it("runs a machine whose nodes add up (-numa spelling too)", async () => {
    const r = await run([
      "-m",
      "64",
      "-smp",
      "2",
      "-numa",
      "node,cpus=0,mem=16M",
      "--numa",
      "node,nodeid=1,cpus=1,mem=48M",
    ]);
    expect(r.crash).toBeNull();
    expect(r.status).toBe(5); // --max-insns reached
  });
});
