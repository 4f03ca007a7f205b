import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { firmwareSymbols } from "../../../src/tui/local/firmware-symbols.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("firmwareSymbols", () => {
  let dir = "";
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("finds the project's listings for its own firmware", () => {
    expect(firmwareSymbols(join(ROOT, "firmware/gdb-demo/gdb-demo.bin"))).toBe(
      join(ROOT, "symbols/gdb-demo.nm"),
    );
    expect(firmwareSymbols(join(ROOT, "firmware/bios/out/bios.bin"))).toBe(
      join(ROOT, "symbols/pcscope-bios.nm"),
    );
  });

  it("finds a listing beside any other image, and never lends the project's listings to it", () => {
    dir = mkdtempSync(join(tmpdir(), "pcscope-syms-"));
    writeFileSync(join(dir, "bios.bin"), "");
    expect(firmwareSymbols(join(dir, "bios.bin"))).toBe(null);
    writeFileSync(join(dir, "bios.nm"), "000fe05b T start\n");
    expect(firmwareSymbols(join(dir, "bios.bin"))).toBe(join(dir, "bios.nm"));
    writeFileSync(join(dir, "bios.bin.nm"), "000fe05b T start\n");
    expect(firmwareSymbols(join(dir, "bios.bin"))).toBe(join(dir, "bios.bin.nm"));
  });
});
