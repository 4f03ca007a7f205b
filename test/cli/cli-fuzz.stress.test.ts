// Fuzzing the command line: random options, values and files (real ROMs and images, missing
// paths, directories, /dev/null, random bytes as ROM, disk, kernel or symbols) for `run` (always
// with a small --max-insns so it ends), `img` and `syms`. Every command line must end within a
// time bound with a documented exit status, never with a crash, and an error must be exactly one
// stderr line `pcscope: ...` without a stack trace. Most cases run in-process through src/cli.ts's
// main() (test/helpers/cli.ts); every SPAWN_EVERY-th also runs as a real process, which must agree.
// `npm test` runs 60 command lines; `npm run stress N cli/cli-fuzz` runs N.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createImage } from "../../src/emu/block/index.ts";
import { tempDir } from "../emu/block/qemu.ts";
import { runCliInProcess } from "../helpers/cli.ts";
import { stressCount } from "../helpers/stress.ts";

const COUNT = stressCount(60);
/** One case in this many is also run as a separate process. */
const SPAWN_EVERY = 15;
/** A run stops after at most MAX_INSNS instructions; anything slower than this is a hang. */
const MAX_INSNS = 20_000;
const CASE_MS_BOUND = 30_000;
const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/pcscope.js");
const t = tempDir("cli-fuzz");
afterAll(() => t.cleanup());

/** xorshift32: a failure replays from its case number. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** Random bytes of a length. */
function bytes(r: (n: number) => number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = r(256);
  return b;
}

/** The files the command lines name (filled in beforeAll). */
const FILES: string[] = [];

describe("pcscope command lines, fuzzed", () => {
  beforeAll(() => {
    const r = rng(7);
    const add = (name: string, content: Uint8Array | string) => {
      writeFileSync(t.path(name), content);
      FILES.push(t.path(name));
    };
    copyFileSync(join(ROOT, "firmware/hello/hello.bin"), t.path("hello.bin"));
    FILES.push(t.path("hello.bin"));
    add("random64k.bin", bytes(r, 65536));
    add("random100.bin", bytes(r, 100));
    add("empty", "");
    add("listing.nm", "0000000000001000 0000000000000010 T main\n0000000000002000 D data\n");
    add("listing.nm.gz", gzipSync("fffffffffffffff0 T top\n"));
    add("garbage.nm", bytes(r, 3000));
    const qcow = t.path("disk.qcow2");
    createImage(qcow, { format: "qcow2", size: 1 << 20 });
    FILES.push(qcow);
    const raw = t.path("disk.raw");
    createImage(raw, { format: "raw", size: 1 << 20 });
    FILES.push(raw);
    const fake = bytes(r, 4096);
    fake.set([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]); // qcow2 magic, version 3, the rest random
    add("fake.qcow2", fake);
    mkdirSync(t.path("dir"));
    FILES.push(t.path("dir"), "/dev/null", t.path("missing"), "");
    // The run default (no firmware, no disk) makes the demo disk in the cache directory.
    process.env.XDG_CACHE_HOME = t.path("cache");
  });

  /** A random command line for case `i`. */
  function commandLine(i: number): string[] {
    const r = rng(0x1234567 ^ Math.imul(i + 1, 2654435761));
    const pick = <T>(list: readonly T[]): T => list[r(list.length)]!;
    const file = () => pick(FILES);
    const out = () => t.path(`out-${i}-${r(4)}`);
    const which = r(10);
    if (which < 5) {
      const args = ["run", "--max-insns", String(1 + r(MAX_INSNS))];
      const options: (() => string[])[] = [
        () => ["--bios", file()],
        () => [
          pick(["--mem", "-m"]),
          pick(["0", "1", "32", "32M", "5000", "abc", "1.5M", "4095K", "", "2G"]),
        ],
        () => ["--debugcon", pick(["null", `file:${out()}`, "0xe9=null", "0x10000=null", "tty", "file:"])],
        () => ["--debug-exit", pick(["0xf4", "0xf4,1", "0x501,4", "0x402", "x", "0xf4,9"])],
        () => ["-device", pick(["isa-debug-exit,iobase=0xf4,iosize=1", "e1000", "isa-debug-exit,bogus=1"])],
        () => ["--trace", pick(["portio_*", "ide_*", "", "enable=*"]), "--trace-file", out()],
        () => ["--log", pick(["guest_errors", "unimp", "guest_errors,unimp", "all"]), "--trace-file", out()],
        () => ["--no-reboot"],
        () => ["--machine", pick(["pc", "bare", "q35", "pc,accel=tcg"])],
        () => ["--hda", file()],
        () => ["--cdrom", file()],
        () => [
          "--drive",
          `file=${file()}${pick(["", ",format=raw", ",format=qcow2", ",format=vmdk"])}${pick(["", ",media=cdrom", ",media=disk", ",readonly=on", ",index=1", ",index=7", ",if=scsi", ",bogus"])}`,
        ],
        () => [
          "--smp",
          pick(["1", "2", "0", "17", "x", "255", "256", "4,sockets=2", "7,cores=2", "3,maxcpus=2"]),
        ],
        () => [
          "--mem",
          pick(["64M", "64M,slots=2,maxmem=1G", "64M,maxmem=32M", "64M,slots=2", "64M,bogus=1"]),
        ],
        () => ["--boot", pick(["c", "d", "cad", "z", "order=dc"])],
        () => ["--serial", pick(["null", `file:${out()}`, "tcp:1", "none"])],
        () => ["--kernel", file()],
        () => ["--append", "console=ttyS0"],
        () => ["--gdb", pick(["udp:1:2", "tcp:[zz]:1", "tcp:host:0", "tcp::99999"])],
        () => ["-S"],
        () => [pick(["--frobnicate", "-x", "bios.bin", "--no-reboot=1"])],
        () => [pick(["--bios", "--mem", "--hda"])], // a missing value when it comes last
      ];
      // Without a debug console option the embedded firmware logs to stdout, which the in-process
      // capture does not see (fd 1): keep one in every in-process case.
      args.push("--debugcon", "null");
      for (let k = r(5); k > 0; k--) args.push(...pick(options)());
      return args;
    }
    if (which < 8) {
      const sub = pick(["create", "info", "check", "map", "convert", ""]);
      const args = ["img", sub];
      if (sub === "create") {
        if (r(2)) args.push("-f", pick(["qcow2", "raw", "vmdk"]));
        if (r(4) === 0) args.push("-b", file(), "-F", pick(["qcow2", "raw", "x"]));
        if (r(4) === 0)
          args.push("-o", pick(["cluster_size=4096", "cluster_size=3", "compat=0.10", "bogus=1"]));
        args.push(t.path(`new-${i}.img`));
        if (r(5) !== 0) args.push(pick(["1M", "64k", "0", "1Q", "-5", "99E", "4096", "1.5M"]));
      } else {
        if (r(3) === 0) args.push(pick(["--output=json", "--output=xml", "--output", "-f"]));
        if (r(8) !== 0) args.push(file());
        if (r(8) === 0) args.push(file());
      }
      return args;
    }
    if (which < 10) {
      const args = ["syms"];
      for (let k = r(3); k >= 0; k--) args.push(file());
      const queries = [
        ["--addr", pick(["0x1000", "1008", "zz", "-1", "0x1ffffffffffffffff", ""])],
        ["--name", pick(["main", "ma", "", "top"])],
        ["--search", pick(["mn", "", "x"])],
        ["--bias", `${file()}=${pick(["0x100", "zz"])}`],
        ["--limit", pick(["1", "0", "x"])],
      ];
      for (let k = r(3); k >= 0; k--) args.push(...pick(queries));
      return args;
    }
    return [pick(["bogus", "help", "--help", "-h"]), ...(r(2) ? [pick(["run", "img", "syms", "nope"])] : [])];
  }

  /** The exit statuses `args` may document (pcscope help). */
  function allowed(args: string[]): Set<number> {
    if (args[0] === "run") {
      const set = new Set([0, 2, 3, 4, 5]);
      // isa-debug-exit: (V << 1) | 1, any odd status
      if (args.some((a) => a === "--debug-exit" || a === "-device"))
        for (let s = 1; s < 256; s += 2) set.add(s);
      return set;
    }
    if (args[0] === "img") return new Set([0, 1, 2, 3, 63]);
    if (args[0] === "syms") return new Set([0, 1, 2]);
    return new Set([0, 2]);
  }

  /** The stderr rules: an error is one `pcscope: ` line; other output lines all say `pcscope: `. */
  function checkStderr(args: string[], status: number, stderr: string, where: string): void {
    expect(stderr, where).not.toMatch(/^ {4}at /m);
    const lines = stderr.split("\n");
    expect(lines.pop(), `${where}: stderr ends with a newline`).toBe("");
    for (const line of lines) expect(line, where).toMatch(/^pcscope: /);
    const reportsOnStdout = args[0] === "img" && args[1] === "check"; // check's 2 is a report
    const isError =
      (status === 2 && !reportsOnStdout) ||
      (status === 1 && args[0] === "img") ||
      (status === 1 && args[0] === "syms" && lines.length > 0 && !lines[0]!.startsWith("pcscope: warning:"));
    if (isError) expect(lines, `${where}: an error is one line`).toHaveLength(1);
  }

  it("every command line ends in time with a documented status and at most one error line", async () => {
    const statuses = new Map<number, number>();
    let spawned = 0;
    for (let i = 0; i < COUNT; i++) {
      await new Promise((resolve) => setImmediate(resolve)); // the runner's worker answers its RPC
      const args = commandLine(i);
      const where = `case ${i}: pcscope ${args.map((a) => JSON.stringify(a)).join(" ")}`;
      const started = performance.now();
      const res = await runCliInProcess(args);
      expect(performance.now() - started, `${where}: time`).toBeLessThan(CASE_MS_BOUND);
      expect(res.crash, `${where}: crashed`).toBeNull();
      expect([...allowed(args)], `${where}: status ${res.status}, stderr ${res.stderr}`).toContain(
        res.status,
      );
      checkStderr(args, res.status, res.stderr, where);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (i % SPAWN_EVERY === 0) {
        spawned++;
        const p = spawnSync(process.execPath, [BIN, ...args], {
          cwd: ROOT,
          encoding: "utf8",
          timeout: CASE_MS_BOUND,
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...process.env, XDG_CACHE_HOME: t.path("cache") },
        });
        expect(p.signal, `${where}: the process did not end`).toBeNull();
        expect(p.status, `${where}: the process's status`).toBe(res.status);
        checkStderr(args, p.status!, p.stderr, `${where} (spawned)`);
        // Errors are the same line; a run's summary differs only in its timing.
        const timing = /in [\d.]+ s \([\d.]+ MIPS\)/g;
        expect(p.stderr.replace(timing, ""), where).toBe(res.stderr.replace(timing, ""));
      }
    }
    const summary = [...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${n}x${s}`);
    console.log(`cli fuzz: ${COUNT} command lines (${spawned} also spawned), statuses ${summary.join(" ")}`);
  });
});
