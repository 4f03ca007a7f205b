import { execFileSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  errnoText,
  formatBytes,
  HostFileError,
  openHostFile,
  readHostFile,
  readStreamBounded,
} from "../../src/shared/host-file.ts";

const dir = mkdtempSync(join(tmpdir(), "pcscope-host-file-"));
const MiB = 1024 * 1024;

/** A FIFO nobody writes to: opening it for reading the usual way blocks forever. */
function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync("mkfifo", [path]);
  return path;
}

/** The HostFileError `fn` throws. */
function refusal(fn: () => unknown): HostFileError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HostFileError) return err;
    throw err;
  }
  throw new Error("did not throw");
}

describe("readHostFile", () => {
  it("reads a regular file's bytes exactly", () => {
    const path = join(dir, "rom.bin");
    const bytes = Buffer.from([1, 2, 3, 4, 5]);
    writeFileSync(path, bytes);
    expect(readHostFile(path, 5)).toEqual(bytes);
  });

  it("refuses devices, FIFOs and directories by what they are, without reading (or blocking)", () => {
    expect(refusal(() => readHostFile("/dev/zero", MiB)).message).toBe(
      "/dev/zero: not a regular file (character device)",
    );
    const f = fifo("rom.fifo");
    expect(refusal(() => readHostFile(f, MiB)).reason).toBe("not a regular file (FIFO)");
    expect(refusal(() => readHostFile(dir, MiB)).reason).toBe("is a directory");
    expect(refusal(() => readHostFile(join(dir, "missing"), MiB))).toMatchObject({
      reason: "no such file",
      code: "ENOENT",
    });
  });

  it("refuses a file over the limit from its size alone (a sparse 3.2 GiB file is never read)", () => {
    const path = join(dir, "huge.nm");
    writeFileSync(path, "");
    truncateSync(path, Math.round(3.2 * 1024 * MiB));
    expect(refusal(() => readHostFile(path, 512 * MiB)).message).toBe(
      `${path}: 3.2 GiB, larger than the 512 MiB limit`,
    );
    truncateSync(path, 16 * MiB + 1);
    expect(refusal(() => readHostFile(path, 16 * MiB)).reason).toBe(
      "16777217 bytes, larger than the 16 MiB limit",
    );
  });
});

describe("openHostFile", () => {
  it("opens a FIFO read-write or read-only without blocking, then refuses it", () => {
    const f = fifo("disk.fifo");
    expect(refusal(() => openHostFile(f, constants.O_RDWR)).reason).toBe("not a regular file (FIFO)");
    expect(refusal(() => openHostFile(f)).reason).toBe("not a regular file (FIFO)");
  });

  it("returns the descriptor and size of a regular file", () => {
    const path = join(dir, "disk.img");
    writeFileSync(path, Buffer.alloc(4096));
    const { fd, size } = openHostFile(path, constants.O_RDWR);
    closeSync(fd);
    expect(size).toBe(4096);
  });
});

describe("readStreamBounded", () => {
  it("stops reading an endless source at the limit", () => {
    const fd = openSync("/dev/zero", "r");
    try {
      expect(refusal(() => readStreamBounded(fd, "standard input", MiB)).message).toBe(
        "standard input: more than the 1 MiB limit",
      );
    } finally {
      closeSync(fd);
    }
  });

  it("reads a short source to its end", () => {
    const path = join(dir, "addrs.txt");
    writeFileSync(path, "0x1000\n0x2000\n");
    const fd = openSync(path, "r");
    try {
      expect(readStreamBounded(fd, "standard input", MiB).toString()).toBe("0x1000\n0x2000\n");
    } finally {
      closeSync(fd);
    }
  });
});

describe("errnoText and formatBytes", () => {
  it("words errors and sizes for one-line messages", () => {
    const enospc = Object.assign(new Error("ENOSPC: no space left on device, write"), {
      code: "ENOSPC",
      errno: -28,
    });
    expect(errnoText(enospc)).toBe("no space left on device (ENOSPC)");
    expect(errnoText(Object.assign(new Error("write EPIPE"), { code: "EPIPE", errno: -32 }))).toBe(
      "broken pipe (EPIPE)",
    );
    expect(formatBytes(512 * MiB)).toBe("512 MiB");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(100)).toBe("100 bytes");
  });
});
