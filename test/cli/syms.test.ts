// `pcscope syms` as scripts use it: spawned for real (node bin/pcscope.js), checking stdout lines,
// stderr warnings and exit statuses (0 found, 1 not found, 2 bad input as one line).
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, openSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { linkedBinary, needNm, oracleFromPosix, runNm, tempDir } from "../symbols/nm-helpers.ts";

const BIN = join(import.meta.dirname, "../../bin/pcscope.js");

/** Runs `pcscope syms ARGS...`; returns stdout lines, stderr lines and the exit status. */
function syms(args: string[], input?: string): { out: string[]; err: string[]; status: number | null } {
  const r = spawnSync(process.execPath, [BIN, "syms", ...args], { encoding: "utf8", input, timeout: 30_000 });
  const lines = (s: string) => s.split("\n").filter((l) => l.length > 0);
  return { out: lines(r.stdout), err: lines(r.stderr), status: r.status };
}

let dir: string;
let kernel: string;
let module: string;
let broken: string;
let fifo: string;
let huge: string;

beforeAll(() => {
  dir = tempDir();
  fifo = join(dir, "listing.fifo");
  execFileSync("mkfifo", [fifo]);
  huge = join(dir, "huge.nm");
  writeFileSync(huge, "");
  truncateSync(huge, Math.round(3.2 * 1024 * 1024 * 1024)); // sparse
  kernel = join(dir, "netbsd-INSTALL.symbols.gz");
  writeFileSync(
    kernel,
    gzipSync(
      Buffer.from(
        [
          "ffffffff801157a0 T spllower",
          "ffffffff801157d0 T splraise",
          "ffffffff80474f80 T cache_thread",
          "ffffffff804f9b80 0000000000000040 T mutex_enter",
          "ffffffff804f9c00 T mutex_exit",
          "ffffffff80500000 D namecache_lock",
        ].join("\n"),
      ),
    ),
  );
  module = join(dir, "module.nm");
  writeFileSync(module, "mod_init T 100 20\nmod_exit T 120 10\n");
  broken = join(dir, "broken.nm");
  writeFileSync(broken, "0000000000001000 T good\n00000000000010zz T bad\n0000000000002000 T also_good\n");
});

describe("pcscope syms", () => {
  it("resolves addresses to name+0xoff, one per line (gzipped 64-bit listing)", () => {
    const r = syms([kernel, "--addr", "0xffffffff801157a7", "--addr", "ffffffff804f9b91"]);
    expect(r).toEqual({
      out: ["0xffffffff801157a7 spllower+0x7", "0xffffffff804f9b91 mutex_enter+0x11"],
      err: [],
      status: 0,
    });
  });

  it("reads addresses from stdin with --addr -, and exits 1 when one resolves to nothing", () => {
    const r = syms([kernel, "--addr", "-"], "0xffffffff80474fd0\n\n0x1000\nffffffff804f9bc0\n");
    expect(r.out).toEqual(["0xffffffff80474fd0 cache_thread+0x50", "0x00001000 ??", "0xffffffff804f9bc0 ??"]);
    expect(r.status).toBe(1);
  });

  it("applies --bias per file and names the file when several are loaded", () => {
    const r = syms([
      kernel,
      module,
      "--bias",
      `${module}=0xffffffffc0000000`,
      "--addr",
      "0xffffffffc0000105",
    ]);
    expect(r.out).toEqual([`0xffffffffc0000105 mod_init+0x5 (${module})`]);
    expect(r.status).toBe(0);
  });

  it("looks names up exactly, then by prefix; searches fuzzily", () => {
    expect(syms([kernel, "--name", "mutex_enter"]).out).toEqual(["0xffffffff804f9b80 T mutex_enter"]);
    expect(syms([kernel, "--name", "spl"]).out).toEqual([
      "0xffffffff801157a0 T spllower",
      "0xffffffff801157d0 T splraise",
    ]);
    expect(syms([kernel, "--search", "mtxex", "--limit", "1"]).out).toEqual([
      "0xffffffff804f9c00 T mutex_exit",
    ]);
    expect(syms([kernel, "--name", "nothing"])).toEqual({ out: [], err: [], status: 1 });
  });

  it("warns about malformed lines with file:line on stderr and still answers", () => {
    const r = syms([broken, "--name", "also_good"]);
    expect(r.out).toEqual(["0x00002000 T also_good"]);
    expect(r.err).toEqual([
      `pcscope: warning: ${broken}:2: bad hex address "00000000000010zz" (bsd form): "00000000000010zz T bad"`,
    ]);
    expect(r.status).toBe(0);
  });

  const bad: [string, string[], RegExp][] = [
    [
      "a missing file",
      ["/nonexistent/x.nm", "--addr", "0x10"],
      /^pcscope: syms: \/nonexistent\/x\.nm: no such file$/,
    ],
    [
      "a bad address",
      ["KERNEL", "--addr", "0xfffffffff801157a7z"],
      /^pcscope: syms: bad address '0xfffffffff801157a7z'/,
    ],
    ["an address over 64 bits", ["KERNEL", "--addr", "0x1ffffffffffffffff"], /^pcscope: syms: bad address/],
    ["no query", ["KERNEL"], /^pcscope: syms: no query/],
    ["no file", ["--addr", "0x10"], /^pcscope: syms: no symbol file given/],
    ["two kinds of query", ["KERNEL", "--addr", "0x10", "--name", "x"], /^pcscope: syms: give only one kind/],
    [
      "a bias for an unknown file",
      ["KERNEL", "--bias", "other=0x10", "--addr", "0x10"],
      /not a FILE argument/,
    ],
    ["a bad bias", ["KERNEL", "--bias", "KERNEL=zz", "--addr", "0x10"], /^pcscope: syms: bad --bias/],
    ["an unknown option", ["KERNEL", "--frobnicate"], /^pcscope: syms: unknown option '--frobnicate'$/],
    ["a missing option value", ["KERNEL", "--addr"], /^pcscope: syms: --addr needs a value$/],
    // Measured before read: before, /dev/zero was read until memory ran out and a FIFO hung.
    [
      "/dev/zero as a listing",
      ["/dev/zero", "--addr", "0x10"],
      /^pcscope: syms: \/dev\/zero: not a regular file \(character device\)$/,
    ],
    [
      "a FIFO as a listing",
      ["FIFO", "--addr", "0x10"],
      /^pcscope: syms: .*\.fifo: not a regular file \(FIFO\)$/,
    ],
    [
      "a listing too large to hold",
      ["HUGE", "--addr", "0x10"],
      /^pcscope: syms: .*huge\.nm: 3\.2 GiB, larger than the 500 MiB limit$/,
    ],
    [
      "a search text over the length limit",
      ["KERNEL", "--search", "x".repeat(300)],
      /^pcscope: syms: search text is 300 characters, longer than the 256-character limit$/,
    ],
  ];
  it("refuses an endless standard input for --addr - instead of reading it all", () => {
    const zero = openSync("/dev/zero", "r");
    try {
      const r = spawnSync(process.execPath, [BIN, "syms", kernel, "--addr", "-"], {
        encoding: "utf8",
        stdio: [zero, "pipe", "pipe"],
        timeout: 30_000,
      });
      expect(r.stderr).toBe("pcscope: syms: --addr -: standard input: more than the 64 MiB limit\n");
      expect(r.status).toBe(2);
    } finally {
      closeSync(zero);
    }
  });

  for (const [what, args, message] of bad) {
    it(`exits 2 with one line on ${what}`, () => {
      const r = syms(
        args.map((a) => a.replace("KERNEL", kernel).replace("FIFO", fifo).replace("HUGE", huge)),
      );
      expect(r.out).toEqual([]);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(message);
      expect(r.status).toBe(2);
    });
  }
});

describe.skipIf(!needNm())("pcscope syms on a real nm listing", () => {
  it("gives nm's address for a name and resolves it back", () => {
    const binary = linkedBinary();
    if (binary === null) throw new Error("no linked binary with symbols found");
    const text = runNm([...binary.flags, "-P", "-S", binary.path]);
    const target = oracleFromPosix(text).find((s) => s.type === "T" && s.size !== null && s.size > 4n)!;
    const file = join(dir, "real.nm");
    writeFileSync(file, text);
    const hex = (v: bigint) => `0x${v.toString(16).padStart(v > 0xffffffffn ? 16 : 8, "0")}`;
    expect(syms([file, "--name", target.name]).out).toContain(`${hex(target.address)} T ${target.name}`);
    const r = syms([file, "--addr", hex(target.address + 3n)]);
    expect(r.out[0]).toMatch(new RegExp(`^${hex(target.address + 3n)} \\S+\\+0x3$`));
    expect(r.status).toBe(0);
  });
});
