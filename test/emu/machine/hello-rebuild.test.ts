// The committed demo ROM must be what its source assembles to.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { needPeers } from "../../helpers/peers.ts";

const DIR = new URL("../../../firmware/hello/", import.meta.url).pathname;

describe.skipIf(!needPeers("nasm"))("firmware/hello/hello.bin", () => {
  it("rebuilds byte-identically from hello.asm with nasm -f bin", () => {
    const out = join(mkdtempSync(join(tmpdir(), "pcscope-nasm-")), "hello.bin");
    execFileSync("nasm", ["-f", "bin", "-o", out, join(DIR, "hello.asm")]);
    expect(Buffer.compare(readFileSync(out), readFileSync(join(DIR, "hello.bin")))).toBe(0);
  });
});
