// `pcscope img create|info|check|map` against qemu-img: same meanings, same exit codes (check: 0
// clean, 2 corrupt, 3 leaks only), one-line errors with exit 2 that leave the image untouched.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { qemuCheck, qemuImg, qemuIo, tempDir } from "../emu/block/qemu.ts";
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

  it("answers bad input with one line and exit 2, leaving the image untouched", () => {
    const f = t.path("keep.qcow2");
    qemuImg("create", "-f", "qcow2", f, "16M");
    const before = readFileSync(f);
    for (const args of [
      ["create", f, "12Q"],
      ["create", "-f", "vmdk", f, "1M"],
      ["create", "-o", "cluster_size=3000", f, "1M"],
      ["info", t.path("missing.qcow2")],
      ["check"],
      ["map", "--output=xml", f],
      ["frobnicate"],
    ]) {
      const r = img(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^pcscope: /);
    }
    expect(readFileSync(f).equals(before)).toBe(true);
  });
});
