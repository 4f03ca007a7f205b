// Vitest's globalSetup (and the start-up benchmark's first step): makes sure dist/ holds a build of
// today's src/ before any test spawns bin/pcscope.js, so the CLI tests run what users run and a
// stale build never makes them lie. bin/pcscope.js itself says whether the build is missing or
// older than src/ (exit 2 naming `npm run build`); only then is the incremental build run.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

/** Builds dist/ with `npm run build` unless bin/pcscope.js finds it current. Throws when the build fails. */
export function ensureBuilt(): void {
  const probe = spawnSync(process.execPath, [join(ROOT, "bin", "pcscope.js"), "--version"], {
    encoding: "utf8",
  });
  if (probe.status === 0) return;
  const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0)
    throw new Error(`npm run build failed (status ${build.status}):\n${build.stdout}${build.stderr}`);
}

export default ensureBuilt;
