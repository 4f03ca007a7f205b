// The machine builder (src/emu/machine/run-config.ts resolves the defaults, builder.ts assembles)
// from `pcscope run`'s parsed options: the parsed object is never changed (it is deep-frozen here;
// the old builder pushed the demo disk and the default debug console into it), the defaults land in
// the resolved config, and every problem is one ConfigError with the wording the CLI prints.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRunArgs } from "../../../src/cli/run-options.ts";
import { buildRunMachine } from "../../../src/emu/machine/builder.ts";
import { ConfigError } from "../../../src/emu/machine/config.ts";
import {
  DEMO_ROM,
  type DefaultDebugcon,
  type RunOptions,
  resolveRunConfig,
} from "../../../src/emu/machine/run-config.ts";
import { exitRom } from "./tiny-rom.ts";

const dir = mkdtempSync(join(tmpdir(), "pcscope-builder-"));
const ROM = join(dir, "exit.bin");
writeFileSync(ROM, exitRom(0x21));
const DISK = join(dir, "disk.img");
writeFileSync(DISK, Buffer.alloc(512 * 1024));

/** Freezes `value` and everything it holds. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Parses `args` into deep-frozen options and a copy to compare them with afterwards. */
function frozenOptions(args: string[]): { opts: RunOptions; copy: RunOptions } {
  const opts = parseRunArgs(args);
  return { copy: structuredClone(opts), opts: deepFreeze(opts) };
}

/** Resolves and builds `args` without output sinks; returns the built machine's facts. */
async function build(args: string[], mode: DefaultDebugcon) {
  const { opts, copy } = frozenOptions(args);
  const config = await resolveRunConfig(opts, mode);
  const built = await buildRunMachine(config, { stdout: null, log: null, onWriteError: () => {} });
  try {
    expect(opts).toEqual(copy);
    return { config, built, event: built.machine.run(10_000) };
  } finally {
    built.close();
  }
}

describe("machine builder", () => {
  let savedCache: string | undefined;
  beforeAll(() => {
    savedCache = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = join(dir, "cache");
  });
  afterAll(() => {
    if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = savedCache;
  });

  it("resolves nothing named into the PC, the embedded BIOS and the demo disk, leaving the options unchanged", async () => {
    for (const mode of ["stdout-for-default-firmware", "text-always"] as const) {
      const { config, built } = await build([], mode);
      expect(config.pc).toBe(true);
      expect(config.drives).toEqual([
        {
          file: join(dir, "cache", "pcscope", "demo.qcow2"),
          format: "qcow2",
          index: 0,
          media: "disk",
          readOnly: false,
        },
      ]);
      expect(config.firmware).toMatch(/firmware\/bios\/out\/bios\.bin$/);
      expect(config.debugcons).toEqual([
        { port: null, target: { kind: mode === "text-always" ? "null" : "stdio" } },
      ]);
      expect(config.options.pc.drives).toEqual([]);
      expect(config.notes[0]).toMatch(/^the embedded BIOS boots the demo disk .*demo\.qcow2 \(--hda PATH/);
      expect(built.description).toBe("i440fx PC, 32 MiB, 1 drive");
    }
  });

  it("builds the bare machine with the demo ROM for --machine bare, and runs a --bios with its drives", async () => {
    const bare = await build(["--machine", "bare"], "stdout-for-default-firmware");
    expect(bare.config.firmware).toBe(DEMO_ROM);
    expect(bare.config.notes).toEqual([`no --bios given: running the demo ROM ${DEMO_ROM}`]);
    expect(bare.built.description).toBe("bare machine, 32 MiB");

    const pc = await build(
      ["--bios", ROM, "--hda", DISK, "--serial", "null", "--debug-exit", "0xf4", "-m", "16"],
      "stdout-for-default-firmware",
    );
    expect(pc.config.debugcons).toEqual([]); // an explicit --bios gets no default console on stdout
    expect(pc.config.notes).toEqual([]);
    expect(pc.built.description).toBe("i440fx PC, 16 MiB, 1 drive");
    expect(pc.event).toMatchObject({ kind: "exit", status: (0x21 << 1) | 1 });
  });

  it("reports every problem as one ConfigError worded as the CLI prints it", async () => {
    const cases: Array<[string[], string]> = [
      [["--append", "quiet"], "--append is only allowed with --kernel"],
      [["--initrd", "x"], "--initrd is only allowed with --kernel"],
      [["--machine", "bare", "--kernel", ROM], "--kernel needs the PC (--machine pc)"],
      [["--bios", ROM, "--hda", DISK, "--drive", `file=${DISK},index=0`], "two drives at index 0"],
      [["--bios", join(dir, "missing.bin")], `cannot read BIOS image '${join(dir, "missing.bin")}'`],
      [
        ["--bios", ROM, "--trace-file", join(dir, "no", "t.log")],
        `cannot write trace file '${join(dir, "no", "t.log")}': ENOENT`,
      ],
    ];
    for (const [args, message] of cases) {
      const { opts, copy } = frozenOptions(args);
      const attempt = resolveRunConfig(opts, "text-always").then((config) =>
        buildRunMachine(config, { stdout: null, log: null, onWriteError: () => {} }),
      );
      await expect(attempt, args.join(" ")).rejects.toThrow(ConfigError);
      await expect(attempt, args.join(" ")).rejects.toThrow(message);
      expect(opts).toEqual(copy);
    }
  });
});
