#!/usr/bin/env node
// Entry point: runs the CLI compiled to dist/ by `npm run build` (npm install and npm ci run it
// through the `prepare` script), with plain Node: no TypeScript compiler at start-up.
//
// In a checkout whose src/ is newer than the build (a developer edited a file and did not rebuild),
// pcscope refuses to start rather than run stale code or compile the sources on every start: one
// line says how to build, and the exit status is 2. The check stats src/'s ~200 files (~2 ms); a
// package installed without src/ skips it.
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../src", import.meta.url));
/** Written by every build (`npm run build` touches it even when nothing needed compiling). */
const STAMP = fileURLToPath(new URL("../dist/.tsbuildinfo", import.meta.url));
/** What `pcscope tui` loads as single files (scripts/bundle.mjs), written by the same build before tsc. */
const BUNDLES = ["ui.bundle.js", "machine-worker.bundle.js"].map((name) =>
  fileURLToPath(new URL(`../dist/tui/${name}`, import.meta.url)),
);

/** The newest modification time (ms) of any file under `dir`. */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Why the build cannot be run, or null when it (the stamp and the bundles) is there and not older than src/. */
function buildProblem() {
  const outputs = [STAMP, ...BUNDLES];
  if (!outputs.every((path) => existsSync(path))) return "not built: run 'npm run build'";
  const built = Math.min(...outputs.map((path) => statSync(path).mtimeMs));
  if (existsSync(SRC) && newestMtime(SRC) > built) return "dist/ is older than src/: run 'npm run build'";
  return null;
}

const problem = buildProblem();
if (problem !== null) {
  process.stderr.write(`pcscope: ${problem}\n`);
  process.exitCode = 2;
} else {
  const { main } = await import("../dist/cli.js");
  process.exitCode = await main(process.argv.slice(2));
}
