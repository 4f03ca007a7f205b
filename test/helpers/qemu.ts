// QEMU as a test and benchmark peer: free loopback ports, the minimal i440fx command line the tests
// use (PEERS.md), and QEMU paused at the reset vector with its gdb stub up.
import { type ChildProcess, spawn } from "node:child_process";
import { connect, createServer } from "node:net";

/** A free TCP port on 127.0.0.1 (bound then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/** Waits until something accepts connections on `port` (QEMU's stub is up). */
export async function waitForPort(port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: "127.0.0.1", port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The minimal i440fx PC of PEERS.md: no default devices, no display, 32 MiB, `bios` as firmware. */
export function qemuPcArgs(bios: string): string[] {
  return ["-nodefaults", "-display", "none", "-M", "pc", "-m", "32", "-bios", bios];
}

/** A QEMU paused at reset with its stub on `port`. Probing the port is not a gdb connection QEMU keeps. */
export interface PausedQemu {
  port: number;
  proc: ChildProcess;
  stop(): void;
}

/**
 * Starts `binary` (qemu-system-i386 by default) paused with its gdb stub, once the stub listens (its
 * drives, `args` such as `-drive file=X,if=ide`, are open by then).
 */
export async function startPausedQemu(
  opts: { binary?: string; bios?: string; args?: string[] } = {},
): Promise<PausedQemu> {
  const port = await freePort();
  const proc = spawn(
    opts.binary ?? "qemu-system-i386",
    [
      "-S",
      "-gdb",
      `tcp:127.0.0.1:${port}`,
      ...qemuPcArgs(opts.bios ?? "/usr/share/seabios/bios.bin"),
      ...(opts.args ?? []),
    ],
    { stdio: "ignore" },
  );
  const failed = new Promise<never>((_, reject) => proc.once("error", reject));
  failed.catch(() => {}); // an error after start-up is not this function's to report
  await Promise.race([waitForPort(port, 10_000), failed]);
  return { port, proc, stop: () => proc.kill("SIGKILL") };
}
