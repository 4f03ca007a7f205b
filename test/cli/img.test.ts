// `pcscope img create|info|check|map` against qemu-img: same meanings, same exit codes (1 failed,
// check: 0 clean, 2 corrupt, 3 leaks only; usage errors 2 as for all of pcscope), one-line errors
// that leave the image untouched.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { peer, qemuCheck, qemuImg, qemuIo, tempDir } from "../emu/block/qemu.ts";
import { runCliInProcess } from "../helpers/cli.ts";
import { needPeers } from "../helpers/peers.ts";

const BIN = join(import.meta.dirname, "../../bin/pcscope.js");
const t = tempDir("img");
afterAll(() => t.cleanup());

/** Runs `pcscope img ARGS`. */
function img(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, "img", ...args], { encoding: "utf8" });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!needPeers("qemu-img", "qemu-io"))("pcscope img", () => {
  it("creates images qemu-img accepts, and reports info like qemu-img", () => {
    const f = t.path("new.qcow2");
    expect(img("create", "-f", "qcow2", f, "64M").status).toBe(0);
    expect(qemuCheck(f).status).toBe(0);
    const theirs = JSON.parse(qemuImg("info", "--output=json", f)) as Record<string, unknown>;
    const ours = JSON.parse(img("info", "--output=json", f).stdout) as Record<string, unknown>;
    for (const k of ["virtual-size", "format", "cluster-size", "format-specific", "dirty-flag"])
      expect(ours[k]).toEqual(theirs[k]);
    const human = img("info", f).stdout;
    expect(human).toContain("virtual size: 64 MiB (67108864 bytes)");
    expect(human).toContain("compat: 1.1");
    const raw = t.path("new.raw");
    expect(img("create", "-f", "raw", raw, "1G").status).toBe(0);
    expect(JSON.parse(qemuImg("info", "--output=json", raw))["virtual-size"]).toBe(1 << 30);
    const ov = t.path("ov.qcow2");
    expect(img("create", "-b", "new.qcow2", "-F", "qcow2", ov).status).toBe(0);
    const info = JSON.parse(qemuImg("info", "--output=json", ov)) as Record<string, unknown>;
    expect(info["backing-filename"]).toBe("new.qcow2");
    expect(info["virtual-size"]).toBe(64 << 20);
  });

  it("maps like qemu-img map --output=json", () => {
    const f = t.path("map.qcow2");
    qemuImg("create", "-f", "qcow2", f, "1G");
    qemuIo(f, ["write -P 1 0 192k", "write -z 1M 64k", "write -P 2 600M 128k", "write -P 3 64k 64k"]);
    expect(img("map", "--output=json", f).stdout).toBe(qemuImg("map", "--output=json", f));
    expect(img("map", f).stdout).toBe(qemuImg("map", f));
  });

  it("checks with qemu-img's exit codes: 0 clean, 3 leaks, 2 corruptions", () => {
    const f = t.path("chk.qcow2");
    qemuImg("create", "-f", "qcow2", f, "16M");
    qemuIo(f, ["write -P 1 0 128k"]);
    const clean = img("check", f);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain("No errors were found on the image.");
    const b = readFileSync(f);
    const block = Number(b.readBigUInt64BE(Number(b.readBigUInt64BE(48))));
    const leak = Buffer.from(b);
    leak.writeUInt16BE(1, block + 2 * 20); // cluster 20 is unused
    const leaky = t.path("leak.qcow2");
    writeFileSync(leaky, Buffer.concat([leak, Buffer.alloc(21 * 65536 - leak.length)]));
    const l = img("check", leaky);
    expect(l.status).toBe(3);
    expect(qemuCheck(leaky).status).toBe(3);
    expect(l.stdout).toContain("1 leaked clusters were found on the image.");
    const bad = Buffer.from(b);
    bad.writeUInt16BE(0, block + 2 * 5); // the first data cluster (after header, reftable, block, L1, L2)
    const corrupt = t.path("corrupt.qcow2");
    writeFileSync(corrupt, bad);
    const c = img("check", corrupt);
    expect(c.status).toBe(2);
    expect(qemuCheck(corrupt).status).toBe(2);
    expect(c.stdout).toMatch(/\d+ errors were found on the image/);
  });

  it("fails with qemu-img's status 1 where qemu-img does, usage errors with 2, leaving the image untouched", async () => {
    const f = t.path("keep.qcow2");
    qemuImg("create", "-f", "qcow2", f, "16M");
    const before = readFileSync(f);
    const missing = t.path("missing.qcow2");
    // Each runs in both tools: the exit status must be qemu-img's (1) and the image untouched.
    const failures: string[][] = [
      ["info", missing],
      ["check", missing],
      ["map", missing],
      ["info", t.dir],
      ["info", "--output=xml", f],
      ["map", "--output=xml", f],
      ["create", "-f", "vmdkx", t.path("new.vmdkx"), "1M"],
      ["create", "-f", "qcow2", t.path("new1.qcow2"), "12Q"],
      ["create", "-f", "qcow2", t.path("new2.qcow2")],
      ["create", "-f", "qcow2", "-o", "cluster_size=3000", t.path("new3.qcow2"), "1M"],
      ["create", "-f", "qcow2", "-b", "missing.qcow2", "-F", "qcow2", t.path("new4.qcow2")],
    ];
    for (const args of failures) {
      const theirs = peer("qemu-img", args);
      const ours = await runCliInProcess(["img", ...args]); // in-process: spawning each is slow
      expect(theirs.status, `qemu-img ${args.join(" ")}`).toBe(1);
      expect(ours.status, `pcscope img ${args.join(" ")}`).toBe(1);
      expect(ours.stderr.trim().split("\n")).toHaveLength(1);
      expect(ours.stderr).toMatch(/^pcscope: /);
    }
    expect((await runCliInProcess(["img", "info", missing])).stderr).toBe(
      `pcscope: Could not open '${missing}': No such file or directory\n`,
    );
    // A format without checks: qemu-img's 63 and its one line on stderr.
    const raw = t.path("plain.raw");
    qemuImg("create", "-f", "raw", raw, "1M");
    const theirs = peer("qemu-img", ["check", raw]);
    const ours = await runCliInProcess(["img", "check", raw]);
    expect([theirs.status, theirs.stdout, theirs.stderr]).toEqual([
      63,
      "",
      "qemu-img: This image format does not support checks\n",
    ]);
    expect([ours.status, ours.stdout, ours.stderr]).toEqual([
      63,
      "",
      "pcscope: This image format does not support checks\n",
    ]);
    // Usage errors exit 2 as for every pcscope command (qemu-img says 1 for these too).
    for (const args of [["check"], ["info", f, f], ["info", "--bogus", f], ["frobnicate"], []]) {
      const r = await runCliInProcess(["img", ...args]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^pcscope: /);
    }
    expect(readFileSync(f).equals(before)).toBe(true);
  });
});
