// Builds native/ofd-lock.c into native/build/ofd_lock.node with the system C compiler ($CC, else cc,
// else gcc) against the running Node's N-API headers (<prefix>/include/node, the prefix taken from
// process.execPath; /usr/include/node as Debian's nodejs-dev puts them). `npm run build:native`.
// The result is written to a temporary name and renamed, so a failed build leaves no broken addon.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "ofd-lock.c");
const outDir = join(here, "build");
const output = join(outDir, "ofd_lock.node");

/** The directory holding node_api.h, or null. */
function nodeIncludeDir() {
  const candidates = [join(dirname(dirname(process.execPath)), "include", "node"), "/usr/include/node"];
  return candidates.find((dir) => existsSync(join(dir, "node_api.h"))) ?? null;
}

/** The first C compiler that runs, or null. */
function compiler() {
  const names = process.env.CC ? [process.env.CC] : ["cc", "gcc"];
  return names.find((cc) => spawnSync(cc, ["--version"], { stdio: "ignore" }).status === 0) ?? null;
}

function fail(message) {
  process.stderr.write(`build:native: ${message}\n`);
  process.exit(1);
}

const include = nodeIncludeDir();
if (include === null)
  fail(`node_api.h not found under ${dirname(dirname(process.execPath))}/include/node or /usr/include/node`);
const cc = compiler();
if (cc === null) fail("no C compiler (install gcc, or set CC)");
mkdirSync(outDir, { recursive: true });
const tmp = `${output}.tmp-${process.pid}`;
const args = ["-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror", "-I", include, "-o", tmp, source];
const r = spawnSync(cc, args, { stdio: ["ignore", "inherit", "inherit"] });
if (r.status !== 0) {
  rmSync(tmp, { force: true });
  fail(`${cc} ${args.join(" ")} failed`);
}
renameSync(tmp, output);
process.stdout.write(`built ${output}\n`);
