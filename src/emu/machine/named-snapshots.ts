// The machine's named snapshots (QEMU's savevm/loadvm/delvm, in memory): a name -> MachineState
// table on top of Machine.saveState/loadState/releaseState.
import type { SnapshotInfo, SnapshotOps } from "../debug-target.ts";
import type { MachineState } from "./machine-state.ts";

/** What the table needs from the machine. */
export interface SnapshotHost {
  saveState(): MachineState;
  loadState(state: MachineState): void;
  releaseState(state: MachineState): void;
  /** Virtual ns at a position (virtual ticks). */
  clockNsAt(position: number): number;
}

/** The table. */
export class NamedSnapshots implements SnapshotOps {
  private readonly states = new Map<string, MachineState>();

  constructor(private readonly host: SnapshotHost) {}

  save(name: string): void {
    const state = this.host.saveState();
    const old = this.states.get(name);
    // A name saved again moves to the end, as a new snapshot.
    this.states.delete(name);
    this.states.set(name, state);
    if (old !== undefined) this.host.releaseState(old);
  }

  load(name: string): boolean {
    const state = this.states.get(name);
    if (state === undefined) return false;
    this.host.loadState(state);
    return true;
  }

  delete(name: string): boolean {
    const state = this.states.get(name);
    if (state === undefined) return false;
    this.states.delete(name);
    this.host.releaseState(state);
    return true;
  }

  list(): SnapshotInfo[] {
    return [...this.states].map(([name, s]) => ({
      name,
      position: s.position,
      bytes: s.bytes,
      clockNs: this.host.clockNsAt(s.position),
    }));
  }
}
