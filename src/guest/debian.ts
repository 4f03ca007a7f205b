// Debian's packages as guest material: finds the newest package matching a name pattern with
// apt-cache, downloads it with `apt-get download` and unpacks it with `dpkg-deb -x`, caching the
// unpacked tree. i386 packages need `dpkg --add-architecture i386 && apt-get update` once (root).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

/** A failure the user can act on; the message says what to do. */
export class GuestBuildError extends Error {}

/** Runs a command, returning its stdout; a failure becomes a GuestBuildError with its stderr. */
function run(command: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const e = err as { code?: string; stderr?: string };
    if (e.code === "ENOENT")
      throw new GuestBuildError(`${command} not found: the guest builder needs Debian's apt and dpkg`);
    const why = (e.stderr ?? "").trim().split("\n").pop() ?? "";
    throw new GuestBuildError(`${command} ${args.join(" ")} failed: ${why}`);
  }
}

/**
 * Returns the name of the newest package whose name matches the extended regular expression
 * `pattern` (as apt-cache search --names-only takes it), ordering by the numbers inside the names
 * (linux-image-6.1.0-57 after -9). Throws when none matches, saying how to make i386 packages
 * visible.
 */
export function newestPackage(pattern: string): string {
  const names = run("apt-cache", ["search", "--names-only", pattern])
    .split("\n")
    .map((line) => line.split(" - ")[0]!.trim())
    .filter((name) => name !== "");
  if (names.length === 0) {
    throw new GuestBuildError(
      `no Debian package matches ${pattern}: as root run 'dpkg --add-architecture i386 && apt-get update'`,
    );
  }
  return names.sort(compareVersionedNames).at(-1)!;
}

/** Orders names by their runs of digits as numbers, then as text. */
function compareVersionedNames(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue;
    const na = Number(pa[i]);
    const nb = Number(pb[i]);
    if (i % 2 === 1 && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
    return pa[i]! < pb[i]! ? -1 : 1;
  }
  return pa.length - pb.length;
}

/**
 * Returns a directory holding the unpacked `pkg:arch` (cached under `cacheDir/pkg`); downloads and
 * unpacks it the first time, reporting each step through `progress`.
 */
export function unpackedPackage(
  pkg: string,
  arch: string,
  cacheDir: string,
  progress: (line: string) => void,
): string {
  const dir = join(cacheDir, pkg);
  if (existsSync(join(dir, ".complete"))) return dir;
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  progress(`downloading ${pkg}:${arch}`);
  run("apt-get", ["download", `${pkg}:${arch}`], work);
  const deb = readdirSync(work).find((name) => name.endsWith(".deb"));
  if (deb === undefined) throw new GuestBuildError(`apt-get download ${pkg}:${arch} produced no .deb`);
  progress(`unpacking ${deb}`);
  run("dpkg-deb", ["-x", deb, "root"], work);
  rmSync(join(work, deb));
  execFileSync("touch", [join(work, "root", ".complete")]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(work, "root"), dir);
  rmSync(work, { recursive: true, force: true });
  return dir;
}
