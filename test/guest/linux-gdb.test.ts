// The real gdb against `pcscope run -S --gdb ...` booting Debian's i386 kernel: a breakpoint at
// kernel_power_off's address from the guest's own /proc/kallsyms is hit on thread 1 with a frame
// pointer chain gdb can read, then the UI attached to the same stub shows the stop and a symbolized
// backtrace, and the guest powers off. One pcscope boot; the listing comes from a QEMU boot.
//
// Why kernel_power_off: it is built in (its address is fixed by the listing, unlike libata's
// ata_bmdma_start, which lives in a module loaded at an address known only once it is loaded), and
// the guest's /init is sure to call it: it ends with `poweroff -f`. The Debian kernel randomizes its
// base (CONFIG_RANDOMIZE_BASE=y), so both boots get `nokaslr` and their addresses agree.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { buildLinuxGuest } from "../../src/guest/linux-guest.ts";
import { runGdb } from "../gdbstub/gdb-run.ts";
import { needPeers } from "../helpers/peers.ts";
import { freePort } from "../helpers/qemu.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(ROOT, "bin", "pcscope.js");
const APPEND = "console=ttyS0 panic=-1 cryptomgr.notests nokaslr";
/** A kallsyms line: `c109c0a0 T kernel_power_off` (module symbols end in `\t[module]`). */
const KALLSYMS_LINE = /^([0-9a-f]{8}) [A-Za-z] (\S+)/;
/** The whole test on a loaded machine: a QEMU boot and one pcscope boot of 3-4 minutes. */
const BOOT_MS = 600_000;

/** Boots the guest under QEMU and resolves to its serial output. */
function qemuSerial(kernel: string, initrd: string, dir: string): Promise<string> {
  const serial = join(dir, "kallsyms.log");
  return new Promise((resolve, reject) => {
    const proc = spawn(
      "qemu-system-i386",
      [
        ...["-nodefaults", "-display", "none", "-M", "pc", "-m", "256", "-cpu", "pentium2"],
        ...["-kernel", kernel, "-initrd", initrd, "-append", APPEND],
        ...["-serial", `file:${serial}`, "-no-reboot"],
      ],
      { stdio: "ignore" },
    );
    const timer = setTimeout(() => proc.kill("SIGKILL"), 180_000);
    proc.on("error", reject);
    proc.on("exit", () => {
      clearTimeout(timer);
      resolve(readFileSync(serial, "latin1"));
    });
  });
}

/** The kallsyms lines of a serial log (CR LF line ends), as an nm listing. */
function kallsymsListing(log: string): string {
  return `${log
    .split(/\r?\n/)
    .filter((line) => KALLSYMS_LINE.test(line))
    .join("\n")}\n`;
}

/** The address of `name` in an nm listing. */
function addressOf(listing: string, name: string): bigint {
  const m = new RegExp(`^([0-9a-f]{8}) [Tt] ${name}$`, "m").exec(listing);
  if (m === null) throw new Error(`${name} is not in the listing`);
  return BigInt(`0x${m[1]}`);
}

/** The `name+0xoff` an address falls in (nearest text symbol at or below it). */
function symbolize(listing: string, addr: bigint): string {
  let best: [bigint, string] | null = null;
  for (const line of listing.split("\n")) {
    const m = KALLSYMS_LINE.exec(line);
    if (m === null || !/ [Tt] /.test(line)) continue;
    const a = BigInt(`0x${m[1]}`);
    if (a <= addr && (best === null || a > best[0])) best = [a, m[2]!];
  }
  if (best === null) return "?";
  return best[0] === addr ? best[1] : `${best[1]}+0x${(addr - best[0]).toString(16)}`;
}

const SOCKET = `pcscope-linux-gdb-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });

/** Polls the tmux screen until `pattern` shows (or fails with the last screen). */
async function waitForScreen(pattern: RegExp, ms: number): Promise<string> {
  const end = Date.now() + ms;
  let last = "";
  while (Date.now() < end) {
    last = tmux("capture-pane", "-p", "-t", "ui");
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`screen never showed ${pattern}:\n${last}`);
}

describe.skipIf(!needPeers("gdb", "tmux", "qemu-system-i386", "apt-get", "dpkg-deb"))(
  "gdb and the UI on the Linux guest",
  () => {
    let dir = "";
    afterEach(() => {
      try {
        execFileSync("tmux", ["-L", SOCKET, "kill-server"], { stdio: "ignore" });
      } catch {
        // no server left: the test closed its last session
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it(
      "breaks at kernel_power_off from kallsyms on thread 1, reads the frame, shows the backtrace, powers off",
      async () => {
        dir = mkdtempSync(join(tmpdir(), "pcscope-linux-gdb-"));
        const lister = buildLinuxGuest({ script: "cat /proc/kallsyms\n" });
        const listing = kallsymsListing(await qemuSerial(lister.kernel, lister.initrd, dir));
        const symbolsFile = join(dir, "kallsyms.nm");
        writeFileSync(symbolsFile, listing);
        const target = addressOf(listing, "kernel_power_off");
        const hex = `0x${target.toString(16)}`;

        const guest = buildLinuxGuest({ script: "echo under-gdb\n" });
        expect(guest.kernel).toBe(lister.kernel);
        const port = await freePort();
        const child = spawn(
          process.execPath,
          [
            ...[BIN, "run", "-S", "--gdb", `tcp:127.0.0.1:${port}`, "--mem", "256M", "--cpu", "pentium2"],
            ...["--kernel", guest.kernel, "--initrd", guest.initrd, "--append", APPEND],
            ...["--serial", `file:${join(dir, "serial.log")}`, "--no-reboot"],
          ],
          { stdio: ["ignore", "ignore", "pipe"] },
        );
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
        });
        const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
        try {
          for (let i = 0; i < 300 && !stderr.includes("listening"); i++)
            await new Promise((r) => setTimeout(r, 100));
          expect(stderr).toContain("(guest paused)");

          // 1. gdb: break at the address, continue, look at the stop, and leave the guest stopped.
          const stop = await runGdb(
            `127.0.0.1:${port}`,
            [`break *${hex}`, "continue", "info threads", "x/2wx $ebp", "x/wx $esp", "p/x $pc", "disconnect"],
            BOOT_MS,
          );
          expect(stop, stop).toMatch(
            new RegExp(`Breakpoint 1, ${hex.replace("0x", "0x0*")} in \\?\\? \\(\\)`),
          );
          expect(stop).toMatch(new RegExp(`^\\* 1 +Thread 1\\b.* ${hex} in \\?\\? \\(\\)`, "m"));
          expect(stop).toMatch(new RegExp(`\\$1 = ${hex}\\b`));
          // At the entry [esp] is the return into the caller; [ebp] links the caller's frame to its
          // caller's: a saved ebp a little higher on the same 8 KiB kernel stack, a return into code.
          const esp = /^0x[0-9a-f]+:\s+(0x[0-9a-f]{8})\s*$/m.exec(stop);
          expect(esp, stop).not.toBeNull();
          expect(symbolize(listing, BigInt(esp![1]!))).toMatch(/^__do_sys_reboot\+0x[0-9a-f]+$/);
          const frame = /^(0x[0-9a-f]+):\s+(0x[0-9a-f]{8})\s+(0x[0-9a-f]{8})\s*$/m.exec(stop);
          expect(frame, stop).not.toBeNull();
          const [ebp, savedEbp, callerReturn] = [frame![1]!, frame![2]!, frame![3]!].map((v) => BigInt(v));
          expect(savedEbp).toBeGreaterThan(ebp!);
          expect(savedEbp! - ebp!).toBeLessThan(0x2000n);
          expect(symbolize(listing, callerReturn!)).toMatch(/^\w+\+0x[0-9a-f]+$/);

          // 2. The UI on the same stub: the stop at kernel_power_off and its symbolized backtrace.
          const env = { ...process.env };
          delete env.CI;
          const cmd = `node ${BIN} attach 127.0.0.1:${port} --symbols ${symbolsFile}; echo "EXIT=$?"; sleep 60`;
          execFileSync(
            "tmux",
            ["-L", SOCKET, "new-session", "-d", "-s", "ui", "-x", "160", "-y", "50", cmd],
            {
              env,
              cwd: ROOT,
            },
          );
          const screen = await waitForScreen(/#2 0x[0-9a-f]{8} \w+\+0x[0-9a-f]+/, 60_000);
          expect(screen).toMatch(new RegExp(`#0 ${hex} kernel_power_off\\b`));
          expect(screen).toMatch(/#1 0xc[0-9a-f]{7} __do_sys_reboot\+0x[0-9a-f]+/);
          expect(screen).toContain("kernel_power_off:");
          // Closing its terminal drops the UI's connection without a detach: the guest stays stopped
          // (the UI's `q` detaches, and the guest would run on to the power-off by itself).
          const before = stderr.length;
          tmux("kill-session", "-t", "ui");
          for (let i = 0; i < 100 && !stderr.slice(before).includes("the guest stays"); i++)
            await new Promise((r) => setTimeout(r, 100));
          expect(stderr.slice(before)).toContain("debugger disconnected; the guest stays stopped");

          // 3. gdb again: continue to the power-off.
          const end = await runGdb(`127.0.0.1:${port}`, ["p/x $pc", "continue"], BOOT_MS);
          expect(end).toMatch(new RegExp(`\\$1 = ${hex}\\b`));
          expect(end, end).toContain("exited normally");
          expect(await exited).toBe(0);
        } finally {
          child.kill("SIGKILL");
        }
      },
      BOOT_MS,
    );
  },
);
