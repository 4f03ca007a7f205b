// The machine's log of guest misbehaviour and of features the emulator lacks, kept apart as QEMU's
// `-d guest_errors` and `-d unimp` are: a guest error is the guest's fault (a write to ROM, an
// access to an unmapped port), `unimplemented` is ours. The UI and `pcscope run -d` show it.

/** Which log an entry belongs to. */
export type GuestLogKind = "guest_errors" | "unimp";

/** One logged message. */
export interface GuestLogEntry {
  readonly kind: GuestLogKind;
  readonly message: string;
  /** Guest instructions retired when it was logged. */
  readonly insn: number;
}

/** Entries kept in memory; older ones are dropped (and counted). */
const MAX_ENTRIES = 1000;

/** A bounded log with once-per-key deduplication. */
export class GuestLog {
  /** Source of the guest instruction count; the machine installs its clock. */
  insnClock: () => number = () => 0;
  /** Called for every new entry (the CLI prints them when asked). */
  listener: ((entry: GuestLogEntry) => void) | null = null;
  /** The most recent entries, oldest first. */
  readonly entries: GuestLogEntry[] = [];
  /** Entries dropped because the log was full. */
  dropped = 0;
  private readonly seen = new Set<string>();

  /** Logs a guest error. With `onceKey`, only the first message for that key is kept. */
  guestError(message: string, onceKey?: string): void {
    this.add("guest_errors", message, onceKey);
  }

  /** Logs a use of something the emulator does not implement. Same dedup as guestError. */
  unimplemented(message: string, onceKey?: string): void {
    this.add("unimp", message, onceKey);
  }

  /** Forgets the once-keys (a machine reset logs first occurrences again). */
  resetOnce(): void {
    this.seen.clear();
  }

  private add(kind: GuestLogKind, message: string, onceKey: string | undefined): void {
    if (onceKey !== undefined) {
      const key = `${kind}:${onceKey}`;
      if (this.seen.has(key)) return;
      this.seen.add(key);
    }
    const entry: GuestLogEntry = { kind, message, insn: this.insnClock() };
    if (this.entries.length >= MAX_ENTRIES) {
      this.entries.shift();
      this.dropped++;
    }
    this.entries.push(entry);
    this.listener?.(entry);
  }
}
