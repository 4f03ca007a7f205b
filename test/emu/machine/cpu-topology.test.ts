// `-smp` as QEMU 7.2's pc machine reads it: the topology derived from the values given (checked
// against the CPUs QEMU's monitor lists with `info hotpluggable-cpus`), the APIC IDs, and the
// errors, word for word as QEMU prints them.
import { spawn, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/emu/machine/config.ts";
import {
  apicIdLimit,
  apicIdOf,
  type CpuTopology,
  parseSmp,
  resolveTopology,
} from "../../../src/emu/machine/cpu-topology.ts";
import { needPeers } from "../../helpers/peers.ts";

const QEMU_ARGS = ["-M", "pc", "-nodefaults", "-display", "none", "-S"];

/**
 * The text QEMU's monitor prints for `command` (QEMU quits only once the answer and the next prompt
 * arrived: quitting at once can cut the answer short).
 */
async function monitorAnswer(args: string[], command: string): Promise<string> {
  const proc = spawn("qemu-system-i386", [...args, "-monitor", "stdio"], {
    stdio: ["pipe", "pipe", "ignore"],
  });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no answer from QEMU's monitor")), 20_000);
    proc.stdout.setEncoding("latin1");
    proc.stdout.on("data", (chunk: string) => {
      out += chunk;
      const echo = out.indexOf(command);
      const answer = echo < 0 ? -1 : out.indexOf("\n", echo);
      if (answer >= 0 && out.indexOf("(qemu)", answer) >= 0) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.stdin.write(`${command}\n`);
  });
  proc.kill("SIGKILL");
  return out;
}

/** QEMU's CPU slots for `-smp spec`: [socket, die, core, thread, present] in CPU index order. */
async function qemuSlots(spec: string): Promise<number[][]> {
  const text = await monitorAnswer([...QEMU_ARGS, "-smp", spec], "info hotpluggable-cpus");
  const slots: number[][] = [];
  for (const block of text.split('  type: "').slice(1)) {
    const id = (name: string) => Number(new RegExp(`${name}-id: "(\\d+)"`).exec(block)?.[1] ?? 0);
    slots.push([id("socket"), id("die"), id("core"), id("thread"), block.includes("qom_path") ? 1 : 0]);
  }
  // The monitor lists the possible CPUs from the last index to the first.
  return slots.reverse();
}

/** QEMU's error for `-smp spec` (its stderr without the program name), or "" when it starts. */
function qemuError(spec: string): string {
  const r = spawnSync("qemu-system-i386", [...QEMU_ARGS, "-smp", spec, "-monitor", "stdio"], {
    input: "quit\n",
    encoding: "latin1",
    timeout: 20_000,
  });
  const line = r.stderr.split("\n").find((l) => l.startsWith("qemu-system-i386: ") && !l.includes("warning"));
  return line?.slice("qemu-system-i386: ".length) ?? "";
}

/** Our error for `-smp spec`, or "". */
function ourError(spec: string): string {
  try {
    resolveTopology(parseSmp(spec));
    return "";
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
}

/** Our slots for a topology, in QEMU's listing's form. */
function ourSlots(t: CpuTopology): number[][] {
  return Array.from({ length: t.maxCpus }, (_, i) => {
    const thread = i % t.threads;
    const core = Math.floor(i / t.threads) % t.cores;
    const die = Math.floor(i / (t.threads * t.cores)) % t.dies;
    const socket = Math.floor(i / (t.threads * t.cores * t.dies));
    return [socket, die, core, thread, i < t.cpus ? 1 : 0];
  });
}

describe("APIC IDs from the topology", () => {
  it("packs thread, core, die and package fields each as wide as its count needs", () => {
    const t = resolveTopology(parseSmp("sockets=2,cores=3"));
    expect(Array.from({ length: 6 }, (_, i) => apicIdOf(t, i))).toEqual([0, 1, 2, 4, 5, 6]);
    expect(apicIdLimit(t)).toBe(7);
    const ht = resolveTopology(parseSmp("12,sockets=2,cores=3,threads=2"));
    expect(Array.from({ length: 12 }, (_, i) => apicIdOf(ht, i))).toEqual([
      0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13,
    ]);
    const dies = resolveTopology(parseSmp("8,dies=2,cores=4"));
    expect(apicIdOf(dies, 4)).toBe(4);
    expect(apicIdLimit(resolveTopology(parseSmp("255")))).toBe(255);
  });

  it("refuses a zero count (QEMU 7.2 only warns, then ignores it)", () => {
    expect(ourError("0")).toBe("Invalid CPU topology: CPU topology parameters must be greater than zero");
    expect(ourError("4,sockets=0")).toMatch(/must be greater than zero/);
  });
});

describe.skipIf(!needPeers("qemu-system-i386"))("-smp as QEMU 7.2 derives and checks it", () => {
  const valid = ["1", "6", "255", "sockets=2,cores=3", "6,sockets=2", "8,cores=2", "12,threads=2,cores=3"];
  const more = ["3,maxcpus=8,dies=2", "4,maxcpus=16,sockets=4", "maxcpus=6,cores=2", "threads=2", "5,dies=5"];
  for (const spec of [...valid, ...more]) {
    it(`-smp ${spec}: the same CPU slots as QEMU`, async () => {
      expect(ourSlots(resolveTopology(parseSmp(spec)))).toEqual(await qemuSlots(spec));
    });
  }

  const bad = [
    "256",
    "4,maxcpus=2",
    "6,sockets=4",
    "7,sockets=2,cores=3",
    "cpus=4,sockets=2,cores=2,threads=2",
    "sockets=85,cores=3",
    "sockets=2,cores=128",
    "2,maxcpus=300",
    "foo",
    "4,bogus=1",
    "1.5",
    "4,clusters=2",
  ];
  for (const spec of bad) {
    it(`-smp ${spec}: QEMU's error`, () => {
      const theirs = qemuError(spec);
      expect(theirs).not.toBe("");
      expect(ourError(spec)).toBe(theirs);
    });
  }
});
