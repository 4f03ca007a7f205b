// Starts QEMU paused at the reset vector with its gdb stub on a free loopback port (SeaBIOS as BIOS).
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
async function waitForPort(port: number, ms: number): Promise<void> {
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

/** A QEMU paused at reset with its stub on `port`. Probing the port is not a gdb connection QEMU keeps. */
export interface PausedQemu {
  port: number;
  proc: ChildProcess;
  stop(): void;
}

export async function startPausedQemu(): Promise<PausedQemu> {
  const port = await freePort();
  const proc = spawn(
    "qemu-system-i386",
    [
      "-S",
      "-gdb",
      `tcp:127.0.0.1:${port}`,
      "-nodefaults",
      "-display",
      "none",
      "-M",
      "pc",
      "-m",
      "32",
      "-bios",
      "/usr/share/seabios/bios.bin",
    ],
    { stdio: "ignore" },
  );
  await waitForPort(port, 10_000);
  return { port, proc, stop: () => proc.kill("SIGKILL") };
}
