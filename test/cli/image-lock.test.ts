// Nothing lost, nothing crashes, through the CLI: `run`, `tui` and `img create` refuse an image a
// running QEMU uses (one line, exit 2, the image byte-for-byte untouched); QEMU and qemu-img refuse
// an image a `pcscope run` holds; two pcscope processes on one image exclude each other while
// read-only opens and backing files coexist; a second Unix user is not tripped by what root left;
// `img create` refuses what qemu-img refuses and leaves no file behind when it fails.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { peer, qemuCheck, qemuImg, tempDir } from "../emu/block/qemu.ts";
import { needPeers } from "../helpers/peers.ts";
import { freePort, type PausedQemu, startPausedQemu } from "../helpers/qemu.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BIN = join(ROOT, "bin/pcscope.js");
const t = tempDir("imglock");
chmodSync(t.dir, 0o777); // the second Unix user works in here too
afterAll(() => t.cleanup());
const ENV = { ...process.env, XDG_CACHE_HOME: t.dir, TMPDIR: t.dir };

/** Runs `node bin/pcscope.js ARGS` (through `prefix`, e.g. setpriv) and returns status and output. */
function pcscope(args: string[], prefix: string[] = []) {
  const cmd = [...prefix, process.execPath, BIN, ...args];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd: ROOT, encoding: "utf8", env: ENV });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    lines: r.stderr.split("\n").filter(Boolean),
  };
}

/** Exit status of a failed `img` command, as qemu-img's (a refused `run` or `tui` is 2). */
const IMG_FAILED = 1;

/** Expects a refusal: exit `status` and exactly one stderr line `pcscope: ...` matching `re`. */
function expectRefused(r: ReturnType<typeof pcscope>, re: RegExp, status = 2): void {
  expect(r.lines, r.stderr).toHaveLength(1);
  expect(r.lines[0]).toMatch(/^pcscope: /);
  expect(r.lines[0]).toMatch(re);
  expect(r.status).toBe(status);
}

/** The one-line lock conflict message for `file` (QEMU's two lines joined). */
const conflict = (file: string, shared = false) =>
  new RegExp(
    `Failed to get ${shared ? "shared " : ""}"write" lock\\. Is another process using the image \\[${file.replace(/[.[\]]/g, "\\$&")}\\]\\?$`,
  );

/** Copies a fresh qcow2 made by qemu-img. */
function image(name: string, size = "4M", extra: string[] = []): string {
  const file = t.path(name);
  qemuImg("create", "-f", "qcow2", ...extra, file, size);
  return file;
}

/** A `pcscope run -S` paused with its gdb stub up, holding its drives open. */
async function holdWithPcscope(args: string[]): Promise<{ proc: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [BIN, "run", "-S", "--gdb", `tcp:127.0.0.1:${port}`, ...args], {
    cwd: ROOT,
    env: ENV,
    stdio: ["ignore", "ignore", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    let err = "";
    proc.stderr!.on("data", (d) => {
      err += String(d);
      if (err.includes("listening")) resolve();
    });
    proc.once("exit", (code) => reject(new Error(`pcscope run exited ${code}: ${err}`)));
  });
  return {
    proc,
    stop: async () => {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGKILL"); // the kernel drops its locks with its file descriptions
      await exited;
    },
  };
}

/** Stops a paused QEMU and waits for it to be gone. */
async function stopQemu(q: PausedQemu): Promise<void> {
  const exited = new Promise((r) => q.proc.once("exit", r));
  q.stop();
  await exited;
}

/** Runs `pcscope tui ARGS` in a tmux terminal; returns its status and stderr (sent to a file). */
async function tuiInTmux(args: string): Promise<{ status: number; lines: string[] }> {
  const socket = `pcscope-imglock-${process.pid}`;
  const errFile = t.path("tui.err");
  const statusFile = t.path("tui.status");
  const env: Record<string, string | undefined> = { ...ENV };
  delete env.CI;
  const cmd = `${process.execPath} ${BIN} tui ${args} 2>${errFile}; echo $? >${statusFile}.tmp; mv ${statusFile}.tmp ${statusFile}; sleep 30`;
  execFileSync("tmux", ["-L", socket, "new-session", "-d", "-s", "ui", "-x", "120", "-y", "40", cmd], {
    env,
    cwd: ROOT,
  });
  try {
    const end = Date.now() + 40_000;
    while (!existsSync(statusFile)) {
      if (Date.now() > end) throw new Error(`pcscope tui did not exit: ${readFileSync(errFile, "utf8")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const lines = readFileSync(errFile, "utf8").split("\n").filter(Boolean);
    return { status: Number(readFileSync(statusFile, "utf8")), lines };
  } finally {
    execFileSync("tmux", ["-L", socket, "kill-server"]);
  }
}

describe.skipIf(!needPeers("qemu-system-i386", "qemu-img", "seabios", "tmux"))(
  "QEMU first: pcscope refuses its image",
  () => {
    it("run, tui and img create each exit 2 with one line; the image stays byte-for-byte the same", async () => {
      const file = image("qfirst.qcow2");
      const before = readFileSync(file);
      const q = await startPausedQemu({ args: ["-drive", `file=${file},format=qcow2,if=ide`] });
      try {
        expectRefused(pcscope(["run", "--hda", file, "--max-insns", "1000"]), conflict(file));
        expectRefused(pcscope(["img", "create", file, "1M"]), conflict(file), IMG_FAILED);
        expectRefused(pcscope(["img", "create", "-f", "raw", file, "1M"]), conflict(file), IMG_FAILED);
        // A read-only open is refused too while QEMU writes, as QEMU refuses it.
        expectRefused(
          pcscope(["run", "--drive", `file=${file},media=cdrom,readonly=on`, "--max-insns", "1000"]),
          conflict(file, true),
        );
        const tui = await tuiInTmux(`--hda ${file} --gdb tcp:127.0.0.1:${await freePort()}`);
        expect(tui.lines).toHaveLength(1);
        expect(tui.lines[0]).toMatch(/^pcscope: /);
        expect(tui.lines[0]).toMatch(conflict(file));
        expect(tui.status).toBe(2);
      } finally {
        await stopQemu(q);
      }
      expect(readFileSync(file).equals(before)).toBe(true);
      expect(qemuCheck(file).status).toBe(0);
    });
  },
);

describe.skipIf(!needPeers("qemu-system-i386", "qemu-img", "seabios"))(
  "pcscope first: QEMU, qemu-img and a second pcscope refuse its image",
  () => {
    it("a `pcscope run -S` holding the image read-write keeps QEMU, qemu-img info, run and img create out", async () => {
      const file = image("pfirst.qcow2");
      const before = readFileSync(file);
      const holder = await holdWithPcscope(["--hda", file]);
      try {
        // QEMU stays paused forever when it gets the image: a timeout ends it and fails the test.
        const q = spawnSync(
          "qemu-system-i386",
          [
            "-nodefaults",
            "-display",
            "none",
            "-S",
            "-M",
            "pc",
            "-m",
            "32",
            "-drive",
            `file=${file},format=qcow2,if=ide`,
          ],
          { encoding: "utf8", timeout: 15_000, killSignal: "SIGKILL" },
        );
        expect(q.status).not.toBe(0);
        expect(q.stderr).toContain('Failed to get "write" lock');
        expect(q.stderr).toContain(`Is another process using the image [${file}]?`);
        const info = peer("qemu-img", ["info", file]);
        expect(info.status).not.toBe(0);
        expect(info.stderr).toContain('Failed to get shared "write" lock');
        expectRefused(pcscope(["run", "--hda", file, "--max-insns", "1000"]), conflict(file));
        expectRefused(pcscope(["img", "create", file, "1M"]), conflict(file), IMG_FAILED);
      } finally {
        await holder.stop();
      }
      expect(readFileSync(file).equals(before)).toBe(true);
      expect(pcscope(["run", "--hda", file, "--max-insns", "1000"]).status).toBe(5); // no stale lock
    });

    it("read-only opens and backing files coexist, in pcscope and QEMU alike; the shared base cannot be written", async () => {
      const base = image("base.qcow2", "1M");
      const overlays = ["o1.qcow2", "o2.qcow2", "o3.qcow2"].map((n) =>
        image(n, "1M", ["-b", base, "-F", "qcow2"]),
      );
      const holder = await holdWithPcscope(["--hda", overlays[0]!]);
      let q: PausedQemu | null = null;
      try {
        expect(pcscope(["run", "--hda", overlays[1]!, "--max-insns", "1000"]).status).toBe(5);
        expect(pcscope(["run", "--cdrom", base, "--max-insns", "1000"]).status).toBe(5);
        q = await startPausedQemu({ args: ["-drive", `file=${overlays[2]},format=qcow2,if=ide`] });
        expect(q.proc.exitCode).toBe(null);
        expectRefused(pcscope(["run", "--hda", base, "--max-insns", "1000"]), conflict(base));
      } finally {
        if (q) await stopQemu(q);
        await holder.stop();
      }
    });
  },
);

describe("img create refuses what qemu-img refuses and leaves nothing behind", () => {
  it.skipIf(!needPeers("qemu-img"))(
    "a qcow2 past the L1 table limit (QCOW_MAX_L1_SIZE) is refused with qemu-img's words; no file",
    () => {
      const file = t.path("big.qcow2");
      for (const [opts, size] of [
        [[], "2251799813685249"],
        [["-o", "cluster_size=512"], "137438953473"],
      ] as const) {
        const q = peer("qemu-img", ["create", "-f", "qcow2", ...opts, file, size]);
        expect(q.status).toBe(1);
        expect(existsSync(file)).toBe(false);
        const ours = pcscope(["img", "create", ...opts, file, size]);
        expectRefused(ours, /too large/, IMG_FAILED);
        expect(ours.lines[0]!.replace(/^pcscope: /, "")).toBe(q.stderr.trim().replace(/^qemu-img: /, ""));
        expect(existsSync(file)).toBe(false);
      }
      // The largest size qemu-img accepts is accepted, and qemu-img reads the result.
      expect(pcscope(["img", "create", file, "2251799813685248"]).status).toBe(0);
      expect(qemuCheck(file).status).toBe(0);
      // An existing file is left as it was when the size is refused.
      writeFileSync(file, "keep me");
      expectRefused(pcscope(["img", "create", file, "4P"]), /too large for file format 'qcow2'/, IMG_FAILED);
      expect(readFileSync(file, "utf8")).toBe("keep me");
    },
  );

  it("a raw size the file system refuses (EFBIG) gives one line and no file", () => {
    const file = t.path("big.img");
    expectRefused(
      pcscope(["img", "create", "-f", "raw", file, "4P"]),
      /big\.img: The image size is too large for file format 'raw'$/,
      IMG_FAILED,
    );
    expect(existsSync(file)).toBe(false);
  });

  it("a write failing half-way (file size limit) gives one line and removes the partial file", () => {
    const file = t.path("partial.qcow2");
    const r = spawnSync(
      "sh",
      ["-c", `ulimit -f 100; exec "${process.execPath}" "${BIN}" img create "${file}" 1M`],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: ENV,
      },
    );
    expect(r.stderr.split("\n").filter(Boolean)).toEqual([
      expect.stringMatching(/^pcscope: .*partial\.qcow2/),
    ]);
    expect(r.status).toBe(IMG_FAILED);
    expect(existsSync(file)).toBe(false);
  });
});

const isRoot = process.getuid?.() === 0;
if (!isRoot)
  console.warn("skipping the second-Unix-user tests: they need root (to run as nobody with setpriv)");

describe.skipIf(!isRoot || !needPeers("setpriv"))("a second Unix user after root", () => {
  const NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];

  it("runs pcscope normally on an image it may write, after root ran pcscope (no lock directory)", () => {
    const file = image("shared.qcow2", "1M");
    chmodSync(file, 0o666);
    expect(pcscope(["run", "--hda", file, "--max-insns", "1000"]).status).toBe(5);
    const r = pcscope(["run", "--hda", file, "--max-insns", "1000"], NOBODY);
    expect(r.stderr).not.toMatch(/EACCES| {4}at /);
    expect(r.lines).toEqual([expect.stringMatching(/^pcscope: --max-insns 1000 reached/)]);
    expect(r.status).toBe(5);
  });

  it("img create in a directory it cannot write: one line, exit 2, nothing created", () => {
    const dir = t.path("rootonly");
    mkdirSync(dir, { mode: 0o755 });
    const file = join(dir, "x.qcow2");
    expectRefused(
      pcscope(["img", "create", file, "1M"], NOBODY),
      /Could not create .*x\.qcow2.*EACCES/,
      IMG_FAILED,
    );
    expect(existsSync(file)).toBe(false);
  });
});

describe("without the native lock addon", () => {
  it("opening or creating an image is one line saying how to build it, and leaves no file", () => {
    // A copy of the installed program (its compiled dist/) without native/build/.
    const tree = t.path("unbuilt");
    for (const part of ["dist", "bin", "package.json"])
      cpSync(join(ROOT, part), join(tree, part), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"));
    const file = t.path("nolock.qcow2");
    const r = spawnSync(process.execPath, [join(tree, "bin/pcscope.js"), "img", "create", file, "1M"], {
      cwd: tree,
      encoding: "utf8",
      env: ENV,
    });
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^pcscope: .*cannot load the image-lock addon .*native\/build\/ofd_lock\.node/);
    expect(lines[0]).toMatch(/run 'npm run build:native' \(needs gcc\)$/);
    expect(r.status).toBe(IMG_FAILED);
    expect(existsSync(file)).toBe(false);
  });
});
