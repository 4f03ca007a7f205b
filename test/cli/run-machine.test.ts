// What `pcscope run` does with inputs that are not ordinary files (src/emu/machine/builder.ts through the
// binary): a device, a FIFO or an enormous file named as the BIOS, the kernel or a disk is measured
// before it is read and refused with one line naming it and its kind or size, exit status 2. Before,
// /dev/zero as --bios was read until memory ran out and a FIFO blocked the open forever. --trace
// globs are bounded in length too.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;
const HELLO = join(ROOT, "firmware/hello/hello.bin");
const dir = mkdtempSync(join(tmpdir(), "pcscope-run-inputs-"));
const FIFO = join(dir, "input.fifo");
execFileSync("mkfifo", [FIFO]);
const HUGE = join(dir, "huge.bin");
writeFileSync(HUGE, "");
truncateSync(HUGE, 3 * 1024 * 1024 * 1024); // sparse: no disk space used
const SMALL_DISK = join(dir, "disk.img");
writeFileSync(SMALL_DISK, Buffer.alloc(512 * 1024));

/** Runs `pcscope run ARGS` (killed after 20 s: a hang is a failure); resolves to status and stderr. */
function run(args: string[]): Promise<{ status: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/pcscope.js"), "run", ...args], {
      cwd: ROOT,
      env: { ...process.env, XDG_CACHE_HOME: dir },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 20_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("close", (status) => resolve({ status, stderr, stdout }));
  });
}

describe("pcscope run --trace: patterns are bounded", () => {
  it("refuses a glob over 256 characters with one line (it used to build a regex of any size)", async () => {
    const r = await run(["--bios", HELLO, "--trace", `portio_*,${"x".repeat(300)}`]);
    expect(r.stderr).toBe(
      "pcscope: --trace: pattern 'xxxxxxxxxxxxxxxxxxxx...' is 300 characters, longer than the 256-character limit\n",
    );
    expect(r.status).toBe(2);
  });
});

describe("pcscope run: inputs are measured before they are read", () => {
  const cases: [string, string[], string][] = [
    [
      "/dev/zero as the BIOS",
      ["--bios", "/dev/zero"],
      "pcscope: cannot read BIOS image '/dev/zero': not a regular file (character device)",
    ],
    [
      "a FIFO as the BIOS",
      ["--bios", FIFO],
      `pcscope: cannot read BIOS image '${FIFO}': not a regular file (FIFO)`,
    ],
    [
      "a 3 GiB BIOS",
      ["--bios", HUGE],
      `pcscope: cannot read BIOS image '${HUGE}': 3 GiB, larger than the 16 MiB limit`,
    ],
    [
      "a FIFO as the kernel",
      ["--kernel", FIFO],
      `pcscope: cannot read kernel '${FIFO}': not a regular file (FIFO)`,
    ],
    [
      "/dev/zero as the kernel",
      ["--kernel", "/dev/zero"],
      "pcscope: cannot read kernel '/dev/zero': not a regular file (character device)",
    ],
    [
      "a FIFO as a disk",
      ["--bios", HELLO, "--hda", FIFO],
      `pcscope: cannot open drive '${FIFO}': Could not open '${FIFO}': not a regular file (FIFO)`,
    ],
    [
      "a FIFO as a read-only CD-ROM (opened read-only, which blocked)",
      ["--bios", HELLO, "--hda", SMALL_DISK, "--cdrom", FIFO],
      `pcscope: cannot open drive '${FIFO}': Could not open '${FIFO}': not a regular file (FIFO)`,
    ],
    [
      "a FIFO as a raw drive",
      ["--bios", HELLO, "--drive", `file=${FIFO},format=raw`],
      `pcscope: cannot open drive '${FIFO}': Could not open '${FIFO}': not a regular file (FIFO)`,
    ],
    [
      "/dev/zero as a disk",
      ["--bios", HELLO, "--hda", "/dev/zero"],
      "pcscope: cannot open drive '/dev/zero': Could not open '/dev/zero': not a regular file (character device)",
    ],
  ];
  it.concurrent.each(cases)("%s: one line, status 2", async (_what, args, line) => {
    const r = await run(args);
    expect(r.stderr).toBe(`${line}\n`);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
  });
});
