// The OFD-lock addon (native/ofd-lock.c through src/emu/block/ofd-lock.ts): set/get semantics
// between two open file descriptions of one file in one process (OFD locks conflict between
// descriptions even inside one process), unlock, release on close, and bad arguments answered with
// -errno instead of a throw.
import { closeSync, openSync, writeFileSync } from "node:fs";
import { constants } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { ofdGetLock, ofdSetLock } from "../../../src/emu/block/ofd-lock.ts";
import { tempDir } from "./qemu.ts";

const t = tempDir("ofd");
afterAll(() => t.cleanup());
const { EAGAIN, EBADF, EINVAL } = constants.errno;

/** Two open file descriptions of one fresh file. */
function twoOpens(name: string): [number, number] {
  const file = t.path(name);
  writeFileSync(file, "x");
  return [openSync(file, "r+"), openSync(file, "r")];
}

describe("OFD lock addon", () => {
  it("shared locks coexist, an exclusive one conflicts, across two descriptions in one process", () => {
    const [a, b] = twoOpens("shared");
    expect(ofdSetLock(a, 101, 1, "read")).toBe(0);
    expect(ofdSetLock(b, 101, 1, "read")).toBe(0); // two readers are fine
    expect(ofdGetLock(b, 101, 1, "write")).toBe("read"); // a's read lock blocks a writer
    expect(ofdGetLock(b, 101, 1, "read")).toBe(null);
    expect(ofdGetLock(a, 102, 1, "write")).toBe(null); // other bytes are free
    expect(ofdSetLock(a, 101, 1, "write")).toBe(-EAGAIN); // b's read lock blocks a's upgrade
    expect(ofdSetLock(b, 101, 1, "unlock")).toBe(0);
    expect(ofdSetLock(a, 101, 1, "write")).toBe(0); // now a is alone: upgrade works
    expect(ofdGetLock(b, 101, 1, "read")).toBe("write");
    expect(ofdGetLock(a, 101, 1, "write")).toBe(null); // a's own locks never conflict with a
    closeSync(a); // closing the description drops its locks
    expect(ofdGetLock(b, 101, 1, "write")).toBe(null);
    expect(ofdSetLock(b, 101, 1, "write")).toBe(-EBADF); // b is read-only: no write lock
    closeSync(b);
  });

  it("answers bad arguments and closed descriptors with -errno, never a throw", () => {
    const [a, b] = twoOpens("bad");
    closeSync(b);
    expect(ofdSetLock(b, 100, 1, "read")).toBe(-EBADF);
    expect(ofdGetLock(b, 100, 1, "write")).toBe(-EBADF);
    expect(ofdSetLock(a, -1, 1, "read")).toBe(-EINVAL);
    expect(ofdSetLock(a, 1.5, 1, "read")).toBe(-EINVAL);
    expect(ofdSetLock(-3, 100, 1, "read")).toBe(-EINVAL);
    expect(ofdSetLock(a, Number.NaN, 1, "read")).toBe(-EINVAL);
    closeSync(a);
  });
});
