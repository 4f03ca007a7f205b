// The file protocol driver (src/emu/block/file.ts) and format probing open only regular files: a
// FIFO, a character device or a host block device named as an image is refused with one line, and
// the open never blocks (a FIFO opened read-only used to wait for a writer forever).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BlockError, openImage, probeFormat } from "../../../src/emu/block/index.ts";
import { tempDir } from "./qemu.ts";

const dir = tempDir("file").dir;
const FIFO = join(dir, "disk.fifo");
execFileSync("mkfifo", [FIFO]);

/** The message of the BlockError `fn` throws. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof BlockError) return err.message;
    throw err;
  }
  throw new Error("did not throw");
}

describe("opening an image that is not a regular file", () => {
  it("refuses a FIFO when probing, read-only and read-write, without blocking", () => {
    const want = `Could not open '${FIFO}': not a regular file (FIFO)`;
    expect(refusal(() => probeFormat(FIFO))).toBe(want);
    expect(refusal(() => openImage(FIFO, { readOnly: true }))).toBe(want);
    expect(refusal(() => openImage(FIFO, { format: "raw", readOnly: true }))).toBe(want);
    expect(refusal(() => openImage(FIFO, { format: "qcow2" }))).toBe(want);
  });

  it("refuses character devices and directories by kind", () => {
    expect(refusal(() => openImage("/dev/zero", { format: "raw", readOnly: true }))).toBe(
      "Could not open '/dev/zero': not a regular file (character device)",
    );
    expect(refusal(() => openImage(dir, { readOnly: true }))).toBe(`Could not open '${dir}': is a directory`);
    expect(refusal(() => openImage(join(dir, "missing.qcow2")))).toBe(
      `Could not open '${join(dir, "missing.qcow2")}': No such file or directory`,
    );
  });
});
