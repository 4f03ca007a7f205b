// The UI's machine factory builds with the machine layer's builder and passes its ConfigError on as
// it is (no UI wrapper around it), for the UI's own checks as for the builder's; the parsed options
// it is given stay as they were (they are deep-frozen here).
import { describe, expect, it } from "vitest";
import { parseRunArgs } from "../../../src/cli/run-options.ts";
import { ConfigError } from "../../../src/emu/machine/config.ts";
import { buildMachine } from "../../../src/tui/local/machine-factory.ts";

/** Freezes `value` and everything it holds. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe("the UI's machine factory", () => {
  it("builds from frozen options, keeping the debug console's text for the firmware log pane", async () => {
    const opts = deepFreeze(parseRunArgs(["--machine", "bare"]));
    const copy = structuredClone(opts);
    const built = await buildMachine(opts, () => {});
    try {
      expect(built.description).toBe("bare machine, 32 MiB");
      built.machine.run(2_000_000);
      expect(built.machine.debugcons[0]?.text()).toContain("pcscope demo ROM: hello from real mode");
    } finally {
      built.close();
    }
    expect(opts).toEqual(copy);
  });

  it("rejects with the builder's ConfigError, worded as before", async () => {
    const cases: Array<[string[], string]> = [
      [["--max-insns", "5"], "--max-insns does not apply to the UI"],
      [["--trace", "portio_*"], "under the UI, --trace and --log need --trace-file (the screen is the UI's)"],
      [["--bios", "/nonexistent.bin"], "cannot read BIOS image '/nonexistent.bin': no such file"],
    ];
    for (const [args, message] of cases) {
      const attempt = buildMachine(deepFreeze(parseRunArgs(args)), () => {});
      await expect(attempt).rejects.toThrow(ConfigError);
      await expect(attempt).rejects.toThrow(new ConfigError(message));
    }
  });
});
