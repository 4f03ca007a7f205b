import { spawnSync } from "node:child_process";
import { describe, expect, it, vi } from "vitest";
import { parseTuiArgs } from "../../src/cli/tui.ts";
import { main } from "../../src/cli.ts";

/** Runs `main(args)` with stdin not a terminal; returns the status and what went to stderr. */
async function runWithoutTty(args: string[]): Promise<{ status: number; stderr: string[]; stdout: number }> {
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const isTTY = process.stdin.isTTY;
  Object.defineProperty(process.stdin, "isTTY", { value: false, configurable: true });
  try {
    const status = await main(args);
    return { status, stderr: err.mock.calls.map((c) => String(c[0])), stdout: out.mock.calls.length };
  } finally {
    Object.defineProperty(process.stdin, "isTTY", { value: isTTY, configurable: true });
    err.mockRestore();
    out.mockRestore();
  }
}

describe("pcscope tui arguments", () => {
  it("takes run's options plus --symbols, and serves gdb on 127.0.0.1:1234 unless told", () => {
    const opts = parseTuiArgs(["--bios", "x.bin", "--symbols", "a.nm", "-m", "64", "--symbols=b.nm@0x1000"]);
    expect(opts.run.bios).toBe("x.bin");
    expect(opts.run.memBytes).toBe(64 * 1024 * 1024);
    expect(opts.symbols).toEqual([
      { path: "a.nm", bias: 0n },
      { path: "b.nm", bias: 0x1000n },
    ]);
    expect(opts.gdb).toEqual({ host: "127.0.0.1", port: 1234, fallback: true });
    expect(parseTuiArgs(["--gdb", "tcp::4321"]).gdb).toEqual({
      host: "127.0.0.1",
      port: 4321,
      fallback: false,
    });
    expect(parseTuiArgs(["-s"]).gdb).toEqual({ host: "127.0.0.1", port: 1234, fallback: false });
  });

  it("rejects what it cannot honour with one line and exit 2, before needing a terminal", async () => {
    for (const [args, message] of [
      [["tui", "--frob"], "pcscope: unknown option '--frob' (try 'pcscope help run')\n"],
      [["tui", "--max-insns", "5"], "pcscope: --max-insns does not apply to the UI\n"],
      [
        ["tui", "--trace", "portio_*"],
        "pcscope: under the UI, --trace and --log need --trace-file (the screen is the UI's)\n",
      ],
      [["tui", "--symbols"], "pcscope: --symbols needs a file\n"],
    ] as const) {
      const r = await runWithoutTty([...args]);
      expect(r.status).toBe(2);
      expect(r.stderr).toEqual([message]);
    }
  });

  it("exits 2 with one line when there is no terminal (no throw, nothing drawn)", async () => {
    const r = await runWithoutTty(["tui"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toEqual([
      "pcscope: the debugger UI needs a terminal (stdin and stdout must be a TTY)\n",
    ]);
    expect(r.stdout).toBe(0);
  });

  it("`pcscope` without arguments and without a terminal runs headless as before", () => {
    const r = spawnSync("node", ["bin/pcscope.js"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^pcscope: .* instructions in [\d.]+ s/m);
    expect(r.stdout).not.toContain("\x1b[?1049h");
  });
});
