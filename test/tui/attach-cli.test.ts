import { describe, expect, it, vi } from "vitest";
import { parseAttachArgs, parseHostPort } from "../../src/cli/attach.ts";
import { main } from "../../src/cli.ts";

describe("pcscope attach arguments", () => {
  it("parses HOST:PORT and symbol files with optional load biases", () => {
    expect(parseAttachArgs(["127.0.0.1:1234"])).toEqual({ host: "127.0.0.1", port: 1234, symbols: [] });
    expect(parseAttachArgs([":1234", "--symbols", "a.nm", "b.nm@0x1000"]).symbols).toEqual([
      { path: "a.nm", bias: 0n },
      { path: "b.nm", bias: 0x1000n },
    ]);
    expect(parseAttachArgs(["localhost:9", "--symbols=k.syms.gz"])).toMatchObject({
      host: "localhost",
      symbols: [{ path: "k.syms.gz" }],
    });
    expect(parseHostPort("1234")).toEqual({ host: "127.0.0.1", port: 1234 });
  });

  it("rejects bad input with a one-line reason", () => {
    expect(() => parseAttachArgs([])).toThrow(/attach needs HOST:PORT/);
    expect(() => parseHostPort("host:99999")).toThrow("bad stub address 'host:99999' (expected HOST:PORT)");
    expect(() => parseAttachArgs(["1:2", "--frob"])).toThrow(/unknown option '--frob'/);
    expect(() => parseAttachArgs(["1:2", "3:4"])).toThrow("unexpected argument '3:4'");
  });

  it("exits 2 with one line when there is no terminal (no throw, nothing drawn)", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const isTTY = process.stdin.isTTY;
    Object.defineProperty(process.stdin, "isTTY", { value: false, configurable: true });
    try {
      expect(await main(["attach", "127.0.0.1:1"])).toBe(2);
      expect(err.mock.calls.map((c) => String(c[0]))).toEqual([
        "pcscope: the debugger UI needs a terminal (stdin and stdout must be a TTY)\n",
      ]);
      expect(out).not.toHaveBeenCalled();
    } finally {
      Object.defineProperty(process.stdin, "isTTY", { value: isTTY, configurable: true });
      err.mockRestore();
      out.mockRestore();
    }
  });
});
