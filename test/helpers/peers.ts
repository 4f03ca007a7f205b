// Finding the real peers (gdb, QEMU, qemu-img, SeaBIOS, nasm) for tests. A test that needs a missing
// peer is skipped with a message naming the Debian package; with PCSCOPE_REQUIRE_PEERS=1 (set by
// .ci/run) the missing peer is a failure instead.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** The peers tests may use, with the Debian package that provides each. */
export const PEERS = {
  gdb: { command: "gdb", pkg: "gdb" },
  "qemu-system-i386": { command: "qemu-system-i386", pkg: "qemu-system-x86" },
  "qemu-system-x86_64": { command: "qemu-system-x86_64", pkg: "qemu-system-x86" },
  "qemu-img": { command: "qemu-img", pkg: "qemu-utils" },
  "qemu-io": { command: "qemu-io", pkg: "qemu-utils" },
  nasm: { command: "nasm", pkg: "nasm" },
  tmux: { command: "tmux", pkg: "tmux" },
  nm: { command: "nm", pkg: "binutils" },
  ld: { command: "ld", pkg: "binutils" },
  gcc: { command: "gcc", pkg: "gcc" },
  "dpkg-deb": { command: "dpkg-deb", pkg: "dpkg" },
  "apt-get": { command: "apt-get", pkg: "apt" },
  setpriv: { command: "setpriv", pkg: "util-linux" },
  seabios: { file: "/usr/share/seabios/bios.bin", pkg: "seabios" },
} as const;

export type PeerName = keyof typeof PEERS;

const found = new Map<PeerName, boolean>();

/** True when the peer is installed. */
export function hasPeer(name: PeerName): boolean {
  let ok = found.get(name);
  if (ok === undefined) {
    const peer = PEERS[name];
    if ("file" in peer) ok = existsSync(peer.file);
    else {
      try {
        execFileSync("sh", ["-c", `command -v ${peer.command}`], { stdio: "ignore" });
        ok = true;
      } catch {
        ok = false;
      }
    }
    found.set(name, ok);
  }
  return ok;
}

/** True when missing peers must fail tests rather than skip them (CI). */
export function peersRequired(): boolean {
  return process.env.PCSCOPE_REQUIRE_PEERS === "1";
}

/**
 * Returns true when every named peer is present. When one is missing it throws under
 * PCSCOPE_REQUIRE_PEERS=1, and otherwise prints why and returns false so the caller skips:
 *   describe.skipIf(!needPeers("qemu-img"))("...", () => { ... })
 */
export function needPeers(...names: PeerName[]): boolean {
  const missing = names.filter((n) => !hasPeer(n));
  if (missing.length === 0) return true;
  const pkgs = [...new Set(missing.map((n) => PEERS[n].pkg))].join(" ");
  const message = `missing test peer(s) ${missing.join(", ")}: install with 'apt-get install -y ${pkgs}'`;
  if (peersRequired()) throw new Error(`${message} (PCSCOPE_REQUIRE_PEERS=1)`);
  console.warn(`skipping: ${message}`);
  return false;
}
