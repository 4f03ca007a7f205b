// bin/pcscope.js, the installed command: it runs the build in dist/ with plain Node, and in a
// checkout whose build is missing or older than src/ it refuses with one line naming the fix
// (exit 2) rather than run stale code. Checked on a copy of the script in a scratch tree, so the
// real dist/ and src/ are never touched.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "..", "..", "bin", "pcscope.js");

/** The single-file bundles `npm run build` writes to dist/tui/ (scripts/bundle.mjs). */
const BUNDLES = ["ui.bundle.js", "machine-worker.bundle.js"];

let tree: string;

/** Runs the copied bin/pcscope.js with ARGS. */
function pcscope(...args: string[]): { out: string; err: string; status: number | null } {
  const r = spawnSync(process.execPath, [join(tree, "bin", "pcscope.js"), ...args], { encoding: "utf8" });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

/** Sets a file's modification time to `seconds` since the epoch. */
function age(path: string, seconds: number): void {
  utimesSync(path, seconds, seconds);
}

beforeEach(() => {
  tree = mkdtempSync(join(tmpdir(), "pcscope-bin-"));
  mkdirSync(join(tree, "bin"));
  copyFileSync(BIN, join(tree, "bin", "pcscope.js"));
  writeFileSync(join(tree, "package.json"), '{ "type": "module" }\n');
  mkdirSync(join(tree, "src", "cli"), { recursive: true });
  writeFileSync(join(tree, "src", "cli", "run.ts"), "export {};\n");
  age(join(tree, "src", "cli", "run.ts"), 1_000_000);
});
afterEach(() => rmSync(tree, { recursive: true, force: true }));

/** Writes a dist/ whose main() echoes its arguments and returns 7, built at `seconds`. */
function build(seconds: number): void {
  mkdirSync(join(tree, "dist"), { recursive: true });
  writeFileSync(
    join(tree, "dist", "cli.js"),
    "export async function main(argv) { process.stdout.write('main ' + argv.join(' ') + '\\n'); return 7; }\n",
  );
  writeFileSync(join(tree, "dist", ".tsbuildinfo"), "{}");
  age(join(tree, "dist", ".tsbuildinfo"), seconds);
  mkdirSync(join(tree, "dist", "tui"));
  for (const bundle of BUNDLES) {
    writeFileSync(join(tree, "dist", "tui", bundle), "export {};\n");
    age(join(tree, "dist", "tui", bundle), seconds);
  }
}

describe("bin/pcscope.js", () => {
  it("runs dist/cli.js's main with the arguments and exits with its status", () => {
    build(2_000_000);
    expect(pcscope("run", "--bios", "x.bin")).toEqual({ out: "main run --bios x.bin\n", err: "", status: 7 });
  });

  it("without a build: one line naming npm run build, status 2", () => {
    expect(pcscope("run")).toEqual({ out: "", err: "pcscope: not built: run 'npm run build'\n", status: 2 });
  });

  it("with a source file newer than the build (in any subdirectory): refuses, status 2", () => {
    build(2_000_000);
    age(join(tree, "src", "cli", "run.ts"), 3_000_000);
    expect(pcscope("--version")).toEqual({
      out: "",
      err: "pcscope: dist/ is older than src/: run 'npm run build'\n",
      status: 2,
    });
  });

  it.each(BUNDLES)("without %s (the rest built): one line naming npm run build, status 2", (bundle) => {
    build(2_000_000);
    rmSync(join(tree, "dist", "tui", bundle));
    expect(pcscope("run")).toEqual({ out: "", err: "pcscope: not built: run 'npm run build'\n", status: 2 });
  });

  it.each(BUNDLES)("with %s older than src/ (tsc run alone after an edit): refuses, status 2", (bundle) => {
    build(2_000_000);
    age(join(tree, "src", "cli", "run.ts"), 3_000_000);
    age(join(tree, "dist", ".tsbuildinfo"), 4_000_000);
    for (const other of BUNDLES.filter((b) => b !== bundle)) age(join(tree, "dist", "tui", other), 4_000_000);
    expect(pcscope("--version")).toEqual({
      out: "",
      err: "pcscope: dist/ is older than src/: run 'npm run build'\n",
      status: 2,
    });
  });

  it("a package without src/ (only the build) runs", () => {
    build(2_000_000);
    rmSync(join(tree, "src"), { recursive: true });
    expect(pcscope("help").status).toBe(7);
  });
});
