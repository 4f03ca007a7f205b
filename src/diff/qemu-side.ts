// QEMU TCG as a diff side: qemu-system-i386 started paused (-S) with its gdb stub on a free loopback
// port, in its own process group (Ctrl-C reaches pcscope, which kills it), driven by pcscope's RSP
// client: `vCont;s` and `g` per instruction. QEMU's stub holds interrupts and timers while it
// single-steps (its default sstep flags), as the pcscope side does. The process is killed on close
// and, as a last resort, when this process exits.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { RspClient, RspError } from "../gdbstub/client/rsp-client.ts";
import { hexToBytes } from "../gdbstub/protocol/hex.ts";
import type { DiffSide, SideRegister, SideStop } from "./side.ts";

/** QEMU could not be started or refused the options: the message is the one line to print. */
export class QemuStartError extends Error {
  override name = "QemuStartError";
}

/** How long QEMU gets to open its stub (it opens the drives and the BIOS first). */
const START_TIMEOUT_MS = 15_000;
/** Between attempts to reach the stub while QEMU starts. */
const CONNECT_RETRY_MS = 25;
/** The Debian package that provides qemu-system-i386. */
const QEMU_PACKAGE = "qemu-system-x86";

/** A free TCP port on 127.0.0.1 (bound, then released for QEMU to take). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** The first meaningful line QEMU wrote on stderr, or a fallback. */
function firstLine(stderr: string, fallback: string): string {
  const line = stderr
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "");
  return line ?? fallback;
}

/** QEMU behind its gdb stub. */
export class QemuSide implements DiffSide {
  readonly layout: readonly SideRegister[];
  private exitCode: number | null = null;
  private readonly exited: Promise<void>;
  private closed = false;

  private constructor(
    readonly label: string,
    private readonly proc: ChildProcess,
    private readonly client: RspClient,
    exited: Promise<void>,
    /** Kills QEMU if it still runs; also this process's exit hook, which close() removes. */
    private readonly kill: () => void,
  ) {
    this.exited = exited;
    this.layout = client.layout.registers.map((r) => ({
      name: r.name,
      offset: r.offset,
      bytes: Math.ceil(r.bitsize / 8),
    }));
  }

  /**
   * Starts `binary` with `args` (qemu-args.ts) plus `-S -gdb`, paused at the reset vector, and
   * connects. Throws QemuStartError, with QEMU's own stderr line when it refused the options, and
   * leaves no process behind.
   */
  static async start(label: string, binary: string, args: readonly string[]): Promise<QemuSide> {
    const port = await freePort();
    const proc = spawn(binary, ["-S", "-gdb", `tcp:127.0.0.1:${port}`, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString("utf8")).slice(-8192);
    });
    let failure: QemuStartError | null = null;
    const exited = new Promise<void>((resolve) => {
      proc.once("error", (err: NodeJS.ErrnoException) => {
        failure = new QemuStartError(
          err.code === "ENOENT"
            ? `${binary} not found (install the Debian package ${QEMU_PACKAGE}, or name the binary with --qemu PATH)`
            : `cannot start ${binary}: ${err.message}`,
        );
        resolve();
      });
      proc.once("exit", () => resolve());
    });
    let gone = false;
    exited.then(() => {
      gone = true;
    });
    const kill = () => {
      if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) proc.kill("SIGKILL");
    };
    // From here on, whatever ends this process ends QEMU too (its own process group gets no Ctrl-C).
    process.on("exit", kill);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (gone) {
        process.off("exit", kill);
        // stderr may still be arriving: the pipe closes after the exit event.
        await new Promise<void>((resolve) =>
          proc.stderr?.readableEnded ? resolve() : (proc.stderr?.once("close", resolve) ?? resolve()),
        );
        throw (
          failure ??
          new QemuStartError(
            `QEMU refused the options: ${firstLine(stderr, `${binary} exited with status ${proc.exitCode}`)}`,
          )
        );
      }
      try {
        const client = await RspClient.connect({ port, timeoutMs: 10_000 });
        const side = new QemuSide(label, proc, client, exited, kill);
        exited.then(() => {
          side.exitCode = proc.exitCode;
        });
        return side;
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        if (Date.now() > deadline) {
          kill();
          process.off("exit", kill);
          await exited;
          throw new QemuStartError(
            `${binary}: its gdb stub did not answer within ${START_TIMEOUT_MS / 1000} s`,
          );
        }
        await new Promise((r) => setTimeout(r, CONNECT_RETRY_MS));
      }
    }
  }

  /**
   * The `g` registers, with the x87 stack in gdb's order: QEMU 7.2's i386 stub sends st0-st7 as
   * the physical registers R0-R7, whatever TOP is; they are moved to ST(0)-ST(7) here (ST(i) is
   * R((TOP + i) mod 8), TOP in FSTAT bits 11-13) so they compare with pcscope's.
   */
  async registers(): Promise<Uint8Array> {
    const regs = hexToBytes(await this.client.raw("g"));
    const st = this.layout.filter((r) => /^st[0-7]$/.test(r.name));
    const fstat = this.layout.find((r) => r.name === "fstat");
    if (st.length !== 8 || fstat === undefined || fstat.offset + 2 > regs.length) return regs;
    const top = (regs[fstat.offset + 1]! >> 3) & 7;
    if (top === 0) return regs;
    const physical = st.map((r) => regs.slice(r.offset, r.offset + r.bytes));
    st.forEach((r, i) => {
      regs.set(physical[(top + i) & 7]!, r.offset);
    });
    return regs;
  }

  async step(): Promise<SideStop> {
    try {
      const stop = await this.client.step();
      if (stop.type !== "stopped") return this.ended();
      return { kind: "step" };
    } catch (err) {
      // The connection closed under the step: QEMU exited (isa-debug-exit, -no-reboot) or died.
      if (err instanceof RspError) return this.ended();
      throw err;
    }
  }

  async interruptStep(): Promise<void> {
    this.client.interrupt();
  }

  async readLinear(addr: number, length: number): Promise<Uint8Array | null> {
    try {
      return await this.client.readMemory(addr >>> 0, length);
    } catch (err) {
      if (err instanceof RspError) return null;
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
    this.kill();
    await this.exited;
    process.off("exit", this.kill);
  }

  /** The step's end once QEMU has gone (isa-debug-exit, -no-reboot): its exit status. */
  private async ended(): Promise<SideStop> {
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 2000))]);
    const status = this.exitCode ?? this.proc.exitCode;
    const why = status === null ? "QEMU closed its gdb connection" : `QEMU exited with status ${status}`;
    return { kind: "end", why, status };
  }
}
