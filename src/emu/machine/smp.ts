// Application processors: they wait after reset until an INIT/STARTUP IPI pair from a local APIC
// starts them in real mode at vector << 12 (Intel MP Specification 1.4 §B.4, SDM Vol. 3A §8.4.4).
// While any AP runs, the machine's run() interleaves short slices of the boot CPU (through the normal
// Machine.run, so devices and time advance) with slices of each running AP, round robin. Each CPU
// takes interrupts through its own local APIC. APs that wait for INIT or SIPI, or are parked with
// `cli; hlt`, cost nothing: a count of running APs is kept, and the machine's run() consults it once
// per call.
import { Cpu } from "../cpu/cpu.ts";
import { CS } from "../cpu/state.ts";
import type { StopEvent } from "../debug-target.ts";
import type { Ipi } from "../devices/lapic.ts";
import type { Machine } from "./machine.ts";

/** Instructions per CPU per round while APs run. */
const AP_SLICE = 2000;
/**
 * The boot CPU's slice is AP_SLICE minus (round mod SLICE_JITTER). With a fixed slice, a spin loop
 * whose length divides it stops at the same instruction every round: SeaBIOS's smp_scan loop
 * (8 instructions: release SMPLock, pause, lock bts, compare CountCPUs) then always stopped just
 * after re-taking the lock, and the APs spinning on `lock bts SMPLock` never got it. Varying the
 * slice walks the stopping point through every position of such a loop. (QEMU avoids it because
 * PAUSE ends a vCPU's turn in its round-robin TCG loop.)
 */
const SLICE_JITTER = 61;

/** An AP's state. */
type ApState = "waitInit" | "waitSipi" | "running";

/** The scheduler's saved state. */
export interface SmpState {
  readonly state: readonly ApState[];
  readonly running: number;
  readonly executing: number;
  readonly round: number;
}

/** The scheduler of the application processors. */
export class SmpRunner {
  private readonly state: ApState[];
  /** How many entries of `state` are "running". */
  private running = 0;
  private executing = 0;
  private round = 0;

  /**
   * Creates the APs (machine.cpus[1..]) so there is one CPU per entry of `apicIds` (the boot CPU's
   * first), each answering CPUID with its APIC ID.
   */
  constructor(
    private readonly machine: Machine,
    apicIds: readonly number[],
  ) {
    for (let i = 1; i < apicIds.length; i++) {
      const cpu = new Cpu(machine.memory, machine.io, i, machine.cpuShared);
      machine.cpus.push(cpu);
    }
    machine.cpus.forEach((cpu, i) => {
      cpu.apicId = apicIds[i]!;
    });
    this.state = machine.cpus.map(() => "waitInit" as ApState);
  }

  /** Index of the CPU executing now (for the local APIC window). */
  currentCpu(): number {
    return this.executing;
  }

  /** True while at least one AP runs. */
  active(): boolean {
    return this.running > 0;
  }

  /** Moves AP `index` to `next`, keeping the running count. */
  private setState(index: number, next: ApState): void {
    if (this.state[index] === "running") this.running--;
    if (next === "running") this.running++;
    this.state[index] = next;
  }

  /** Carries out an INIT or STARTUP IPI (targets are CPU indexes). */
  ipi(ipi: Ipi): void {
    for (const t of ipi.targets) {
      if (t === 0 || t >= this.state.length) continue;
      const cpu = this.machine.cpus[t]!;
      if (ipi.kind === "init") {
        cpu.reset();
        this.setState(t, "waitSipi");
      } else if (this.state[t] === "waitSipi") {
        cpu.reset();
        cpu.segSel[CS] = ipi.vector << 8;
        cpu.segBase[CS] = ipi.vector << 12;
        cpu.eip = 0;
        cpu.updateModes();
        this.setState(t, "running");
      }
    }
  }

  /** Each AP's state and the scheduler's position, as plain data. */
  saveState(): SmpState {
    return { state: [...this.state], running: this.running, executing: this.executing, round: this.round };
  }

  /** Puts back a saveState() copy. */
  loadState(s: SmpState): void {
    this.state.splice(0, this.state.length, ...s.state);
    this.running = s.running;
    this.executing = s.executing;
    this.round = s.round;
  }

  /** All APs back to waiting for INIT (system reset). */
  reset(): void {
    for (let i = 1; i < this.state.length; i++) this.state[i] = "waitInit";
    this.running = 0;
    this.executing = 0;
    this.round = 0;
  }

  /** Runs `budget` ticks of the boot CPU interleaved with the running APs. */
  run(budget: number, bspRun: (budget: number) => StopEvent): StopEvent {
    const bsp = this.machine.cpus[0]!;
    const end = bsp.virtualTicks() + budget;
    for (;;) {
      const left = end - bsp.virtualTicks();
      if (left <= 0) return { kind: "budget" };
      this.executing = 0;
      const slice = AP_SLICE - (this.round % SLICE_JITTER);
      this.round = (this.round + 1) % SLICE_JITTER;
      const ev = bspRun(Math.min(left, slice));
      if (ev.kind !== "budget") return ev;
      for (let i = 1; i < this.state.length; i++) {
        if (this.state[i] !== "running") continue;
        const cpu = this.machine.cpus[i]!;
        this.executing = i;
        const apEv = cpu.run(AP_SLICE);
        this.executing = 0;
        // An AP halted with interrupts off (SeaBIOS parks them with cli; hlt) is done until INIT.
        if (apEv.kind === "halted" && !cpu.isWaitingForInterrupt()) this.setState(i, "waitInit");
        else if (apEv.kind !== "budget" && apEv.kind !== "halted") {
          this.machine.stopCpu = i;
          return apEv;
        }
      }
      if (!this.active()) return bspRun(Math.max(1, end - bsp.virtualTicks()));
    }
  }
}
