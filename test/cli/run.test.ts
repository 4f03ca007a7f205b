import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exitRom, resetRom, tripleFaultRom, unimplementedRom } from "../emu/machine/tiny-rom.ts";
import { needPeers } from "../helpers/peers.ts";
import { freePort } from "../helpers/qemu.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const HELLO = join(ROOT, "firmware/hello/hello.bin");
const dir = mkdtempSync(join(tmpdir(), "pcscope-run-"));

/** Runs `node bin/pcscope.js ARGS` and returns its status and output. */
function pcscope(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/pcscope.js"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    // The no-argument default makes the demo disk in the cache directory: keep it in the temp dir.
    env: { ...process.env, XDG_CACHE_HOME: dir },
  });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    stderrLines: r.stderr.split("\n").filter(Boolean),
  };
}

function tempFile(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const HELLO_LINES = [
  "pcscope demo ROM: hello from real mode at F000:FFF0",
  "entered 32-bit protected mode",
  /^crc32 of the 64 KiB ROM at 0xffff0000: [0-9a-f]{8}$/,
  "the isa-bios alias at 0xf0000 shows the same bytes",
  "back in real mode; halting with interrupts disabled",
];

function expectHelloText(text: string): void {
  const lines = text.split("\n");
  expect(lines.pop()).toBe("");
  expect(lines).toHaveLength(HELLO_LINES.length);
  for (const [i, line] of lines.entries()) expect(line).toMatch(HELLO_LINES[i]!);
}

describe("pcscope run: bad input gives one line and status 2", () => {
  // Option parsing itself is covered in-process by run-options.test.ts; these go through the binary.
  const cases: [string, string[], RegExp][] = [
    ["a ROM of the wrong size", ["--bios", "WRONG_SIZE"], /must be a multiple of 64 KiB/],
    [
      "a missing file",
      ["--bios", "/nonexistent/bios.bin"],
      /cannot read BIOS image '\/nonexistent\/bios.bin': no such file/,
    ],
    ["an unknown option", ["--frobnicate"], /unknown option '--frobnicate'/],
    ["an unparseable size", ["-m", "32Q"], /invalid memory size '32Q'/],
    // The RAM size is the option's fault, not the firmware's (QEMU: "ram size too large").
    [
      "no RAM",
      ["--mem", "0"],
      /^pcscope: invalid --mem '0': ram size too small \(got 0 bytes; pcscope runs 1M to 8G\)$/,
    ],
    [
      "more RAM than pcscope runs",
      ["--machine", "pc", "--mem", "8193M"],
      /^pcscope: invalid --mem '8193M': ram size too large \(got 8590983168 bytes; pcscope runs 1M to 8G\)$/,
    ],
    [
      "RAM above 4 GiB on the bare board",
      ["--machine", "bare", "--mem", "3584M"],
      /^pcscope: ram size too large \(got 3758096384 bytes; the bare board runs 1M to 3583M\)$/,
    ],
    [
      "too many CPUs",
      ["--smp", "256"],
      /^pcscope: invalid --smp '256': Invalid SMP CPUs 256. The max CPUs supported by machine 'pc-i440fx-7.2' is 255$/,
    ],
    [
      "maxmem below the RAM size",
      ["-m", "1G,maxmem=512M"],
      /^pcscope: invalid --mem '1G,maxmem=512M': invalid value of maxmem: maximum memory size \(0x20000000\) must be at least the initial memory size \(0x40000000\)$/,
    ],
    [
      "a gdb host that does not resolve",
      ["--bios", HELLO, "--gdb", "tcp:no-such-host.invalid:1234"],
      /^pcscope: --gdb tcp:no-such-host.invalid:1234: address resolution failed for 'no-such-host.invalid' \(ENOTFOUND\): give an address of this machine, e.g. tcp:127.0.0.1:1234$/,
    ],
    [
      "a port clash",
      ["--debugcon", "file:/dev/null", "--debug-exit", "0x402"],
      /already used by isa-debugcon@0x402/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(what, () => {
      const real = args.map((a) => (a === "WRONG_SIZE" ? tempFile("wrong.bin", new Uint8Array(100_000)) : a));
      const r = pcscope("run", ...real);
      expect(r.status).toBe(2);
      expect(r.stderrLines).toHaveLength(1);
      expect(r.stderrLines[0]).toMatch(/^pcscope: /);
      expect(r.stderrLines[0]).toMatch(message);
      expect(r.stdout).toBe("");
    });
  }
});

describe("pcscope run", () => {
  it("runs the hello demo ROM on the bare machine with --machine bare and no --bios", () => {
    {
      const r = pcscope("run", "--machine", "bare");
      expect(r.status).toBe(0);
      expectHelloText(r.stdout);
      expect(r.stderrLines.at(-1)).toMatch(
        /^pcscope: halted with nothing left to wake it: \d+ instructions in [\d.]+ s \([\d.]+ MIPS\)$/,
      );
    }
  });

  it("runs hello.bin with its debug console in a file and the port trace in another", () => {
    const log = join(dir, "debugcon.log");
    const trace = join(dir, "trace.log");
    const r = pcscope(
      "run",
      "-bios",
      HELLO,
      "-debugcon",
      `0x402=file:${log}`,
      "-trace",
      "portio_write",
      "-D",
      trace,
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expectHelloText(readFileSync(log, "latin1"));
    const lines = readFileSync(trace, "utf8").split("\n").filter(Boolean);
    expect(lines[0]).toMatch(/^\d+@\d+\.\d{6}:portio_write addr 0x402 size 1 val 0x70$/);
    expect(lines).toHaveLength(readFileSync(log).length);
  });

  it("writes a --trace-file ending in .json as Chrome trace events that Perfetto opens", () => {
    const log = join(dir, "debugcon-json.log");
    const trace = join(dir, "trace.json");
    const r = pcscope(
      "run",
      "--bios",
      HELLO,
      "--debugcon",
      `file:${log}`,
      "--trace",
      "portio_write",
      "-D",
      trace,
    );
    expect(r.status).toBe(0);
    const doc = JSON.parse(readFileSync(trace, "utf8")) as {
      traceEvents: {
        name: string;
        ph: string;
        ts: number;
        pid: number;
        tid: number;
        args?: Record<string, number>;
      }[];
    };
    const writes = doc.traceEvents.filter((e) => e.name === "portio_write");
    // One event per debug-console byte, each with the fields Perfetto needs and the port in args.
    expect(writes).toHaveLength(readFileSync(log).length);
    for (const e of writes) {
      expect(typeof e.ph).toBe("string");
      expect(Number.isFinite(e.ts)).toBe(true);
      expect(Number.isInteger(e.pid) && Number.isInteger(e.tid)).toBe(true);
      expect(e.args?.addr).toBe(0x402);
    }
  });

  it("exits with the isa-debug-exit status", () => {
    const rom = tempFile("exit.bin", exitRom(0x2a));
    const qemuStyle = pcscope("run", "-bios", rom, "-device", "isa-debug-exit,iobase=0xf4,iosize=1");
    expect(qemuStyle.status).toBe(0x55);
    expect(qemuStyle.stderrLines.at(-1)).toMatch(/isa-debug-exit wrote 42 \(status 85\)/);
  });

  it("stops at --max-insns with a non-zero status", () => {
    const r = pcscope("run", "--bios", HELLO, "--max-insns", "1000");
    expect(r.status).toBe(5);
    expect(r.stderrLines.at(-1)).toMatch(/^pcscope: --max-insns 1000 reached: 1000 instructions/);
  });

  it("exits non-zero on an unimplemented instruction, naming it with CS:EIP, linear address and bytes", () => {
    const r = pcscope(
      "run",
      "--bios",
      tempFile("unimp.bin", unimplementedRom()),
      "--machine",
      "bare",
      "--cpu",
      "pentium2",
    );
    expect(r.status).toBe(4);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(
      /^pcscope: unimplemented: RDPMC .* at f000:00000000 \(linear 0xf0000; bytes 0f 33\)/,
    );
  });

  it("exits 7 when the guest resets under --no-reboot (Linux's reboot after a panic=-1 panic)", () => {
    const r = pcscope("run", "--machine", "pc", "--bios", tempFile("reset.bin", resetRom()), "--no-reboot");
    expect(r.status).toBe(7);
    expect(r.stderrLines.at(-1)).toMatch(/^pcscope: reset requested \(i8042 reset pulse\) under --no-reboot/);
  });

  it("exits non-zero on a triple fault under --no-reboot", () => {
    const rom = tempFile("triple.bin", tripleFaultRom());
    const r = pcscope("run", "--bios", rom, "-no-reboot");
    expect(r.status).toBe(3);
    expect(r.stderrLines.at(-1)).toMatch(/^pcscope: triple fault \(shutdown\) under --no-reboot/);
    // Without --no-reboot it resets and faults again until --max-insns.
    expect(pcscope("run", "--bios", rom, "--max-insns", "100").status).toBe(5);
  });
});

describe.skipIf(!needPeers("gdb"))("pcscope run with a gdb server", () => {
  it("waits paused at the reset vector under -S, steps under gdb, and exits with the guest", async () => {
    const rom = tempFile("exit-gdb.bin", exitRom(0x2a));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(
      process.execPath,
      [
        join(ROOT, "bin/pcscope.js"),
        "run",
        "--bios",
        rom,
        "--debug-exit",
        "0xf4,1",
        "--gdb",
        `tcp:127.0.0.1:${port}`,
        "-S",
      ],
      { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      for (let i = 0; i < 200 && !stderr.includes("listening"); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toContain(`gdb server listening on 127.0.0.1:${port} (guest paused)`);
      const gdb = spawnSync(
        "gdb",
        [
          "-nx",
          "-batch",
          "-ex",
          `target remote 127.0.0.1:${port}`,
          "-ex",
          "info registers cs",
          "-ex",
          "stepi",
        ].concat(["-ex", "info registers cs", "-ex", "continue"]),
        { encoding: "utf8", timeout: 30_000 },
      );
      expect(gdb.stdout).toMatch(/cs\s+0xf000\s/);
      expect(gdb.stdout).toMatch(/exited with code 0125/); // 0x55 in octal, as gdb prints it
      expect(await exited).toBe(0x55);
      expect(stderr).toMatch(/pcscope: isa-debug-exit wrote 42 \(status 85\): 3 instructions/);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe("pcscope run --gdb on IPv6", () => {
  it("listens on a bracketed IPv6 literal and answers there", async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [join(ROOT, "bin/pcscope.js"), "run", "--bios", HELLO, "--gdb", `tcp:[::1]:${port}`, "-S"],
      { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    try {
      for (let i = 0; i < 200 && !stderr.includes("listening"); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toBe(`pcscope: gdb server listening on [::1]:${port} (guest paused)\n`);
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: "::1", port }, () => socket.write("$?#3f"));
        let got = "";
        socket.on("data", (d) => {
          got += d;
          if (/\$[^#]*#[0-9a-f]{2}/.test(got)) {
            socket.destroy();
            resolve(got);
          }
        });
        socket.on("error", reject);
      });
      expect(reply).toMatch(/^\+\$T05/);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe.skipIf(!needPeers("qemu-system-i386"))("pcscope run vs QEMU", () => {
  it("takes QEMU's own options for isa-debug-exit and exits with the same status", () => {
    const rom = tempFile("exit-qemu.bin", exitRom(0x11));
    const common = ["-bios", rom, "-device", "isa-debug-exit,iobase=0xf4,iosize=1"];
    const qemu = spawnSync("qemu-system-i386", ["-nodefaults", "-display", "none", "-M", "pc", ...common], {
      timeout: 20_000,
    });
    expect(qemu.status).toBe(0x23);
    expect(pcscope("run", ...common).status).toBe(qemu.status);
  });
});
