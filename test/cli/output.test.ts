// Outputs that cannot be written (src/cli/output.ts through the binary): a full disk (/dev/full
// gives ENOSPC), a reader that went away (EPIPE). The run stops and ends with one line naming the
// output and the error, exit status 6; under gdb the stopped machine is left to the debugger and the
// run ends when it detaches. Before, ENOSPC crashed with a stack trace and EPIPE went unnoticed.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tinyRom } from "../emu/machine/tiny-rom.ts";
import { runGdb } from "../gdbstub/gdb-run.ts";
import { needPeers } from "../helpers/peers.ts";
import { freePort } from "../helpers/qemu.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BIN = join(ROOT, "bin/pcscope.js");
const HELLO = join(ROOT, "firmware/hello/hello.bin");
const dir = mkdtempSync(join(tmpdir(), "pcscope-output-"));
/** mov dx, 0x402; mov al, 'x'; l: out dx, al; jmp l — writes the debug console without end. */
const CHATTY = join(dir, "chatty.bin");
writeFileSync(CHATTY, tinyRom([0xba, 0x02, 0x04, 0xb0, 0x78, 0xee, 0xeb, 0xfd]));
/** A safety net: a run that does not stop on the error ends here with status 5 instead. */
const MAX_INSNS = ["--max-insns", "50M"];
const FULL = "write failed: no space left on device (ENOSPC)";
const SUMMARY = /: \d+ instructions in [\d.]+ s \([\d.]+ MIPS\)$/;

interface Ended {
  status: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

/**
 * Starts `pcscope ARGS` with stdout on `stdout` ("pipe", or a descriptor; "closed" destroys the
 * pipe's reading end at once, like `| head` that already left). Killed after 30 s.
 */
function start(args: string[], stdout: "pipe" | "closed" | number = "pipe") {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    stdio: ["ignore", stdout === "closed" ? "pipe" : stdout, "pipe"],
    timeout: 30_000,
  });
  let out = "";
  let err = "";
  if (stdout === "closed") child.stdout!.destroy();
  else
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const ended = new Promise<Ended>((resolve) =>
    child.on("close", (status) =>
      resolve({ status, stdout: out, stderr: err, lines: err.split("\n").filter(Boolean) }),
    ),
  );
  return { ended, stderr: () => err };
}

/** Runs `pcscope ARGS` to its end (see start). */
function pcscope(args: string[], stdout: "pipe" | "closed" | number = "pipe"): Promise<Ended> {
  return start(args, stdout).ended;
}

describe("pcscope run: an output that cannot be written ends the run with status 6", () => {
  it("a debug console file on a full disk stops the guest at once", async () => {
    const r = await pcscope(["run", "--bios", CHATTY, "--debugcon", "file:/dev/full", ...MAX_INSNS]);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(
      new RegExp(`^pcscope: debug console file /dev/full: ${FULL.replace(/[()]/g, "\\$&")}${SUMMARY.source}`),
    );
    expect(r.status).toBe(6);
  });

  it("a trace file on a full disk", async () => {
    const r = await pcscope(["run", "--bios", HELLO, "--trace", "portio_*", "--trace-file", "/dev/full"]);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toContain(`pcscope: trace file /dev/full: ${FULL}: `);
    expect(r.status).toBe(6);
  });

  it("a JSON trace written at the end to a full disk", async () => {
    const json = join(dir, "trace.json");
    symlinkSync("/dev/full", json);
    const r = await pcscope(["run", "--bios", HELLO, "--trace", "portio_*", "--trace-file", json]);
    expect(r.lines.at(-1)).toBe(`pcscope: trace file ${json}: ${FULL}`);
    expect(r.status).toBe(6);
  });

  it("stdout on a full disk", async () => {
    const full = openSync("/dev/full", "w");
    try {
      const r = await pcscope(["run", "--bios", CHATTY, "--debugcon", "stdio", ...MAX_INSNS], full);
      expect(r.lines).toHaveLength(1);
      expect(r.lines[0]).toContain(`pcscope: stdout: ${FULL}: `);
      expect(r.status).toBe(6);
    } finally {
      closeSync(full);
    }
  });

  it("stdout whose reader left (EPIPE, as `| head`)", async () => {
    const r = await pcscope(["run", "--bios", CHATTY, "--debugcon", "stdio", ...MAX_INSNS], "closed");
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^pcscope: stdout: write failed: broken pipe \(EPIPE\): \d+ instructions/);
    expect(r.status).toBe(6);
  });
});

describe("pcscope run: a slow reader is not a write error", () => {
  it("waits for a full stdout pipe (non-blocking, as Node sets it up) instead of failing with EAGAIN", () => {
    // A shell pipe to a reader that starts late: the pipe fills and the writer has to wait.
    const r = spawnSync(
      "bash",
      [
        "-c",
        `set -o pipefail; "${process.execPath}" "${BIN}" run --bios "${CHATTY}" --debugcon stdio --max-insns 2M | (sleep 1.5; wc -c)`,
      ],
      { cwd: ROOT, encoding: "utf8", timeout: 30_000 },
    );
    expect(r.stderr).toMatch(/^pcscope: --max-insns 2000000 reached: 2000000 instructions/);
    expect(r.stdout.trim()).toBe("999999"); // one 'x' per `out` after the three set-up instructions
    expect(r.status).toBe(5);
  });
});

describe("pcscope syms: stdout whose reader left", () => {
  it("is one line and status 6, not an unhandled 'error' event", async () => {
    const nm = join(dir, "many.nm");
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++)
      lines.push(`${(0x1000 + i * 16).toString(16).padStart(8, "0")} T sym_${i}`);
    writeFileSync(nm, `${lines.join("\n")}\n`);
    const r = await pcscope(["syms", nm, "--search", "sym", "--limit", "20000"], "closed");
    expect(r.stderr).toBe("pcscope: stdout: write failed: broken pipe (EPIPE)\n");
    expect(r.status).toBe(6);
  });
});

describe.skipIf(!needPeers("gdb"))("pcscope run --gdb: a write error leaves the machine to gdb", () => {
  it("stops the guest as a stop event gdb sees, and ends with status 6 when gdb detaches", async () => {
    const port = await freePort();
    const run = start([
      "run",
      "-S",
      "--gdb",
      `tcp:127.0.0.1:${port}`,
      "--bios",
      CHATTY,
      "--debugcon",
      "file:/dev/full",
    ]);
    for (let i = 0; i < 100 && !run.stderr().includes("listening"); i++)
      await new Promise((r) => setTimeout(r, 100));
    const out = await runGdb(`127.0.0.1:${port}`, ["continue", "info registers eip", "detach"]);
    expect(out).toContain("Program received signal SIGINT");
    expect(out).toMatch(/eip\s+0xf0006/); // stopped in the guest's loop, not at the reset vector
    const r = await run.ended;
    expect(r.lines).toContain(
      `pcscope: debug console file /dev/full: ${FULL}; the machine is stopped for gdb (detach or Ctrl-C ends the run)`,
    );
    expect(r.lines.at(-1)).toMatch(
      new RegExp(`^pcscope: debug console file /dev/full: write failed: .*${SUMMARY.source}`),
    );
    expect(r.status).toBe(6);
  });
});
