// Opening images the block layer must refuse or must not refuse, against qemu-img 7.2 on the same
// files: a truncated qcow2 header (the message names the real size), a deep backing chain without a
// loop (QEMU sets no depth limit: it opens), a real loop A -> B -> A (refused, naming the loop, as
// `qemu-img info --backing-chain` does), and an image the user cannot write (refused, never
// silently opened read-only).
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createImage, openImage } from "../../../src/emu/block/index.ts";
import { MAX_BACKING_DEPTH } from "../../../src/emu/block/qcow2/driver.ts";
import { needPeers } from "../../helpers/peers.ts";
import { peer, qemuImg, tempDir } from "./qemu.ts";

const MiB = 1 << 20;
const t = tempDir("open-errors");
afterAll(() => t.cleanup());

/** The one-line message openImage throws for `file`, or null when it opens. */
function openError(file: string, readOnly = true): string | null {
  try {
    openImage(file, { readOnly }).closeSync();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Makes `name`N ... `name`0 with each image backed by the one below; returns the top's path. */
function chain(name: string, depth: number): string {
  createImage(t.path(`${name}0.qcow2`), { format: "qcow2", size: MiB });
  for (let i = 1; i <= depth; i++) {
    createImage(t.path(`${name}${i}.qcow2`), {
      format: "qcow2",
      size: MiB,
      backingFile: `${name}${i - 1}.qcow2`,
      backingFormat: "qcow2",
      backingSize: () => MiB,
    });
  }
  return t.path(`${name}${depth}.qcow2`);
}

describe.skipIf(!needPeers("qemu-img", "qemu-io"))("opening images like qemu-img", () => {
  it("names a truncated qcow2 file's real size where qemu-img says 'qcow2 header too short'", () => {
    const full = t.path("full.qcow2");
    qemuImg("create", "-f", "qcow2", full, "1M");
    for (const size of [100, 72, 50]) {
      const cut = t.path(`cut${size}.qcow2`);
      writeFileSync(cut, readFileSync(full).subarray(0, size));
      expect(peer("qemu-img", ["info", cut]).stderr).toContain(
        `Could not open '${cut}': qcow2 header too short`,
      );
      expect(openError(cut)).toBe(
        `Could not open '${cut}': qcow2 header too short (the file is ${size} bytes; a version 3 header needs 104)`,
      );
    }
  });

  it("opens and reads a 40-deep backing chain without a loop, as qemu-io does", () => {
    const top = chain("deep", 40);
    const base = t.path("deep0.qcow2");
    expect(peer("qemu-io", ["-c", "write -P 0x5a 4096 512", base]).status).toBe(0);
    expect(peer("qemu-io", ["-r", "-c", "read -P 0x5a 4096 512", top]).stdout).toContain("read 512/512");
    const blk = openImage(top, { readOnly: true });
    const buf = new Uint8Array(512);
    blk.preadSync(4096, buf);
    blk.closeSync();
    expect(buf.every((b) => b === 0x5a)).toBe(true);
    const info = JSON.parse(qemuImg("info", "--backing-chain", "--output=json", top)) as unknown[];
    expect(info).toHaveLength(41);
  });

  it("refuses a chain past pcscope's depth limit with a message saying so", () => {
    const top = chain("limit", MAX_BACKING_DEPTH + 1);
    expect(openError(t.path(`limit${MAX_BACKING_DEPTH}.qcow2`))).toBeNull();
    expect(openError(top)).toBe(
      `Could not open '${top}': its backing chain is deeper than ${MAX_BACKING_DEPTH} images (pcscope's limit)`,
    );
  });

  it("refuses a real loop A -> B -> A naming it, as qemu-img info --backing-chain does", () => {
    const a = t.path("loop-a.qcow2");
    const b = t.path("loop-b.qcow2");
    qemuImg("create", "-f", "qcow2", a, "1M");
    qemuImg("create", "-f", "qcow2", "-b", "loop-a.qcow2", "-F", "qcow2", b);
    qemuImg("rebase", "-u", "-b", "loop-b.qcow2", "-F", "qcow2", a);
    const theirs = peer("qemu-img", ["info", "--backing-chain", a]);
    expect(theirs.status).toBe(1);
    expect(theirs.stderr).toContain(`Backing file '${a}' creates an infinite loop.`);
    expect(openError(a)).toBe(
      `Could not open '${a}': backing file '${a}' creates an infinite loop (${a} -> ${b} -> ${a})`,
    );
    // The same file under another name (a symlink) is the same loop: found by device and inode.
    const c = t.path("loop-c.qcow2");
    symlinkSync("loop-a.qcow2", t.path("loop-a-link.qcow2"));
    qemuImg("create", "-f", "qcow2", "-b", "loop-a-link.qcow2", "-F", "qcow2", "-u", c, "1M");
    qemuImg("rebase", "-u", "-b", "loop-c.qcow2", "-F", "qcow2", b);
    expect(openError(a)).toMatch(
      /creates an infinite loop \(.*loop-a\.qcow2 -> .*loop-b\.qcow2 -> .*loop-c\.qcow2 -> .*loop-a-link\.qcow2\)$/,
    );
  });

  it("refuses to open an image the user cannot write for writing, as QEMU does", () => {
    const f = t.path("ro.qcow2");
    createImage(f, { format: "qcow2", size: MiB });
    chmodSync(f, 0o444);
    if (process.getuid?.() !== 0) {
      expect(openError(f, false)).toBe(`Could not open '${f}': Permission denied`);
      expect(openError(f, true)).toBeNull();
      return;
    }
    // As root every file is writable: open it as nobody in a child process (util-linux's setpriv).
    chmodSync(t.dir, 0o755);
    const script = `import("${join(import.meta.dirname, "../../../src/emu/block/index.ts")}").then((m) => {
      for (const readOnly of [false, true]) {
        try { m.openImage(process.argv[1], { readOnly }).closeSync(); console.log("opened"); }
        catch (err) { console.log(err.message); }
      }
    })`;
    const r = spawnSync(
      "setpriv",
      [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        process.execPath,
        "--import",
        "tsx",
        "-e",
        script,
        f,
      ],
      { encoding: "utf8", cwd: join(import.meta.dirname, "../../..") },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`Could not open '${f}': Permission denied\nopened\n`);
  });
});
