// The committed firmware outputs are what firmware/build.sh makes from the sources, byte for byte
// (gcc and binutils; fixed paths, no timestamps, no build ids), and have the shape the machine
// needs: a 128 KiB ROM with the reset vector in its last 16 bytes, a bootable demo image, and nm
// listings naming the functions the UI and gdb users look for.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { peersRequired } from "../helpers/peers.ts";
import { REPO_ROOT, run, tempDir } from "./bios-helpers.ts";

const OUTPUTS: readonly (readonly [string, string])[] = [
  ["bios.bin", "firmware/bios/out/bios.bin"],
  ["bios.elf", "firmware/bios/out/bios.elf"],
  ["demo.bin", "firmware/demo/out/demo.bin"],
  ["demo.elf", "firmware/demo/out/demo.elf"],
  ["pcscope-bios.nm", "symbols/pcscope-bios.nm"],
  ["demo.nm", "symbols/demo.nm"],
];

/** True when gcc (with -m16/-m32 support) and binutils are installed; otherwise says so. */
function haveToolchain(): boolean {
  const missing = ["gcc", "ld", "objcopy", "nm"].filter((t) => {
    try {
      execFileSync("sh", ["-c", `command -v ${t}`], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return true;
  const message = `missing firmware toolchain (${missing.join(", ")}): install with 'apt-get install -y gcc binutils'`;
  if (peersRequired()) throw new Error(`${message} (PCSCOPE_REQUIRE_PEERS=1)`);
  console.warn(`skipping: ${message}`);
  return false;
}

const file = (rel: string) => readFileSync(join(REPO_ROOT, rel));

describe.skipIf(!haveToolchain())("firmware/build.sh", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it("rebuilds every committed output byte-identically", async () => {
    const r = await run("bash", [join(REPO_ROOT, "firmware", "build.sh"), tmp.dir], 120_000);
    expect(r.status, r.stderr).toBe(0);
    for (const [built, committed] of OUTPUTS) {
      const same = readFileSync(join(tmp.dir, built)).equals(file(committed));
      expect(same, `${committed} differs from a rebuild: run 'bash firmware/build.sh' and commit`).toBe(true);
    }
  });
});

describe("committed firmware", () => {
  it("is a 128 KiB ROM whose reset vector jumps to F000:entry_post", () => {
    const rom = file("firmware/bios/out/bios.bin");
    expect(rom.length).toBe(128 * 1024);
    const entry = /^([0-9a-f]{8}) T entry_post$/m.exec(file("symbols/pcscope-bios.nm").toString());
    expect(entry).not.toBeNull();
    const offset = Number.parseInt(entry?.[1] ?? "0", 16) - 0xf0000;
    // EA oo oo 00 f0: jmp far F000:offset
    expect([...rom.subarray(0x1fff0, 0x1fff5)]).toEqual([0xea, offset & 0xff, offset >> 8, 0x00, 0xf0]);
  });

  it("has a demo image: a 55 AA boot sector followed by the second stage", () => {
    const demo = file("firmware/demo/out/demo.bin");
    expect(demo.length % 512).toBe(0);
    expect(demo[510]).toBe(0x55);
    expect(demo[511]).toBe(0xaa);
    expect(demo[0x1b0]).toBe(0); // the warm-reset switch is off in the shipped image
  });

  it("lists the BIOS and demo functions in nm format", () => {
    const bios = file("symbols/pcscope-bios.nm").toString();
    for (const name of [
      "post_main",
      "int13_handler",
      "ata_transfer",
      "pam_shadow_bios",
      "call32",
      "reset_vector",
    ])
      expect(bios).toMatch(new RegExp(`^[0-9a-f]{8} [Tt] ${name}$`, "m"));
    const demo = file("symbols/demo.nm").toString();
    for (const name of ["boot_start", "stage2_start", "demo_main", "demo_halt"])
      expect(demo).toMatch(new RegExp(`^[0-9a-f]{8} [Tt] ${name}$`, "m"));
  });
});
