// The float formatting behind the FPU/SSE pane against the host C library that gdb 13 prints with:
// a small gcc-built program formats the same bits with glibc's `%-+27.19Lg` (x87 registers, as
// i387-tdep.c's print_i387_value), `%.9g` and `%.17g` (vector lanes, gdb's float and double formats).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeX87, formatF32, formatF64, formatG, x87Decimal } from "../../../src/tui/logic/x87-float.ts";
import { needPeers } from "../../helpers/peers.ts";

/** 80-bit value from its sign/exponent word and 64-bit significand. */
const x87 = (se: number, significand: bigint) => (BigInt(se) << 64n) | significand;

const PRINTF_PEER = String.raw`
#include <stdio.h>
#include <string.h>
int main(void) {
  char line[128];
  while (fgets(line, sizeof line, stdin)) {
    unsigned se, f; unsigned long long m, d;
    if (line[0] == 'x') {
      unsigned char b[16] = {0}; long double v;
      sscanf(line + 1, "%x %llx", &se, &m);
      memcpy(b, &m, 8); memcpy(b + 8, &se, 2); memcpy(&v, b, sizeof v);
      printf("%-+27.19Lg\n", v);
    } else if (line[0] == 'f') {
      float v; sscanf(line + 1, "%x", &f); memcpy(&v, &f, 4); printf("%.9g\n", v);
    } else {
      double v; sscanf(line + 1, "%llx", &d); memcpy(&v, &d, 8); printf("%.17g\n", v);
    }
  }
  return 0;
}
`;

/** A deterministic 32-bit generator (xorshift). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

describe("x87 and IEEE values as gdb prints them", () => {
  it("classifies registers as info float names them", () => {
    expect(describeX87(x87(0x3fff, 0x8000000000000000n))).toBe("+1");
    expect(describeX87(x87(0x8000, 0n))).toBe("-0");
    expect(describeX87(x87(0x7fff, 0x8000000000000000n))).toBe("+Inf");
    expect(describeX87(x87(0xffff, 0x8000000000000000n))).toBe("-Inf");
    expect(describeX87(x87(0xffff, 0xc000000000000000n))).toBe("Real Indefinite (QNaN)");
    expect(describeX87(x87(0x7fff, 0xc000000000000000n))).toBe("QNaN");
    expect(describeX87(x87(0x7fff, 0x8000000000000001n))).toBe("SNaN");
    expect(describeX87(x87(0x0000, 1n))).toBe("+3.645199531882474603e-4951 Denormal");
    expect(describeX87(x87(0x0000, 0x8000000000000000n))).toBe("+3.362103143112093506e-4932 Pseudo-denormal");
    // Unnormals and pseudo-NaN/infinities (integer bit clear): gdb shows no value.
    expect(describeX87(x87(0x4000, 0x4000000000000000n))).toBe("Unsupported");
    expect(describeX87(x87(0x7fff, 0n))).toBe("Unsupported");
    expect(describeX87(x87(0x4000, 0xc90fdaa22168c235n))).toBe("+3.141592653589793239");
    expect(formatF32(0x7fc00000n)).toBe("nan(0x400000)");
    expect(formatF32(0xff800000n)).toBe("-inf");
    expect(formatF64(0xfff8000000000001n)).toBe("-nan(0x8000000000001)");
    expect(formatF64(0x7ff0000000000001n)).toBe("nan(0x000000001)");
    expect(formatG(false, 15n, -1, 6, false)).toBe("7.5");
    expect(formatG(false, 1n, -20, 6, false)).toBe("9.53674e-07");
  });

  it.skipIf(!needPeers("gcc"))(
    "formats 3,000 random x87, float and double values byte for byte as glibc's printf",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "pcscope-printf-"));
      writeFileSync(join(dir, "p.c"), PRINTF_PEER);
      execFileSync("gcc", ["-O1", "-o", join(dir, "p"), join(dir, "p.c")]);
      const next = rng(0x5eed);
      const hex = (n: bigint, digits: number) => n.toString(16).padStart(digits, "0");
      const rand64 = () => (BigInt(next()) << 32n) | BigInt(next());
      const lines: string[] = [];
      const ours: string[] = [];
      for (let i = 0; i < 1000; i++) {
        // Exponents from the whole range, weighted towards the ends and the middle.
        const pick = next() % 4;
        const exp = pick === 0 ? next() % 64 : pick === 1 ? 0x7ffe - (next() % 64) : 0x3fc0 + (next() % 128);
        const se = exp | (next() & 0x8000);
        const m = exp === 0 ? rand64() >> BigInt(next() % 64) : rand64() | (1n << 63n);
        lines.push(`x${hex(BigInt(se), 4)} ${hex(m, 16)}`);
        ours.push(x87Decimal(x87(se, m)));
        const f = BigInt(next()) & 0x7f7fffffn; // finite
        lines.push(`f${hex(f, 8)}`);
        ours.push(formatF32(f));
        const d = rand64() & 0xffefffffffffffffn;
        lines.push(`d${hex(d, 16)}`);
        ours.push(formatF64(d));
      }
      const run = spawnSync(join(dir, "p"), { input: `${lines.join("\n")}\n`, encoding: "latin1" });
      const theirs = run.stdout
        .split("\n")
        .slice(0, -1)
        .map((l) => l.trimEnd());
      const diffs = ours
        .map((o, i) => (o === theirs[i] ? null : `${lines[i]}: ours ${o}, printf ${theirs[i]}`))
        .filter((d) => d !== null);
      expect(diffs.slice(0, 5)).toEqual([]);
      expect(theirs.length).toBe(3000);
    },
  );
});
