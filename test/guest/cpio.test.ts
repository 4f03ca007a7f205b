// The newc writer against the format as the kernel's buffer-format.rst specifies it.
import { describe, expect, it } from "vitest";
import { S_IFCHR, S_IFDIR, S_IFLNK, S_IFREG, writeNewc } from "../../src/guest/cpio.ts";

/** Splits a newc header at `at` into its 13 fields (numbers) after the 6-byte magic. */
function header(archive: Buffer, at: number): { magic: string; fields: number[] } {
  const text = archive.toString("ascii", at, at + 110);
  const fields: number[] = [];
  for (let i = 0; i < 13; i++) fields.push(Number.parseInt(text.slice(6 + 8 * i, 14 + 8 * i), 16));
  return { magic: text.slice(0, 6), fields };
}

describe("newc cpio writer", () => {
  it("lays out headers, names and data on 4-byte boundaries and ends with TRAILER!!!", () => {
    const archive = writeNewc([
      { path: "bin", mode: S_IFDIR | 0o755 },
      { path: "bin/x", mode: S_IFREG | 0o644, data: Buffer.from("hello") },
      { path: "dev/console", mode: S_IFCHR | 0o600, rdev: [5, 1] },
      { path: "sh", mode: S_IFLNK | 0o777, target: "busybox" },
    ]);
    // bin: header 110 + "bin\0" (4) = 114, padded to 116; no data.
    const dir = header(archive, 0);
    expect(dir.magic).toBe("070701");
    // ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
    expect(dir.fields).toEqual([1, 0o40755, 0, 0, 2, 0, 0, 0, 0, 0, 0, 4, 0]);
    expect(archive.toString("ascii", 110, 114)).toBe("bin\0");
    // bin/x at 116: name "bin/x\0" (6) -> 116+110+6 = 232, padded to 232; data 5 -> 237, padded to 240.
    const file = header(archive, 116);
    expect(file.fields.slice(0, 7)).toEqual([2, 0o100644, 0, 0, 1, 0, 5]);
    expect(file.fields[11]).toBe(6);
    expect(archive.toString("ascii", 232, 237)).toBe("hello");
    expect(archive.subarray(237, 240)).toEqual(Buffer.alloc(3));
    // dev/console at 240: a character device 5:1.
    const dev = header(archive, 240);
    expect(dev.fields[1]).toBe(0o20600);
    expect([dev.fields[9], dev.fields[10]]).toEqual([5, 1]);
    // name "dev/console\0" (12): 240+110+12 = 362, padded to 364.
    const link = header(archive, 364);
    expect(link.fields[1]).toBe(0o120777);
    expect(link.fields[6]).toBe("busybox".length);
    // "sh\0" (3): 364+110+3 = 477 -> 480; target 7 -> 487 -> 488.
    expect(archive.toString("ascii", 480, 487)).toBe("busybox");
    const trailer = header(archive, 488);
    expect(archive.toString("ascii", 488 + 110, 488 + 110 + 10)).toBe("TRAILER!!!");
    expect(trailer.fields[11]).toBe(11);
    expect(archive.length % 4).toBe(0);
  });
});
