// The PIIX4 power management function 00:01.3 (8086:7113; Intel 82371AB PIIX4 datasheet §3.3/§7) as
// QEMU's -M pc has it: PMBA (0x40) with the enable bit PMREGMISC (0x80) maps 64 PM registers: PM1
// status/enable/control and the 24-bit ACPI PM timer at +8, counting at 3.579545 MHz from virtual
// time (ACPI 6.4 §4.8.3.3). As under KVM (and QEMU with SMM off), DEVACTB's APMC_EN (0x5b bit 1) is
// preset so firmware skips SMM initialisation. PM1_CNT SLP_EN with SLP_TYP 0 powers the machine off.
// The APM control port 0xb2 takes the FADT's ACPI_ENABLE/ACPI_DISABLE commands (setting or clearing
// PM1_CNT.SCI_EN, as QEMU's piix4_apm_ctrl_changed does; no SMI follows, there is no SMM here), and
// 0xb3 is the APM status scratch byte.
import type { GuestLog } from "../io/guest-log.ts";
import { type PortHandler, type PortRange, SIZE_8, SIZE_16, SIZE_32 } from "../io/port-bus.ts";
import { loadPlain, type PlainRecord, savePlain } from "../snapshot/plain.ts";
import { PCI_FUNCTION_FIELDS, PCI_INTERRUPT_PIN, PciFunction, type PciFunctionState } from "./pci-bus.ts";

export const PIIX4_PMBA = 0x40;
export const PIIX4_DEVACTB = 0x58;
export const PIIX4_PMREGMISC = 0x80;
export const PMREGMISC_PMIOSE = 0x01;
/** PM register offsets. */
export const PM1_STS = 0x00;
export const PM1_EN = 0x02;
export const PM1_CNT = 0x04;
export const PM_TMR = 0x08;
/** PM1_CNT bits. */
export const PM1_CNT_SCI_EN = 0x0001;
export const PM1_CNT_SLP_EN = 0x2000;
export const PM1_CNT_SLP_TYP_SHIFT = 10;
/** PM1_STS bits (write 1 to clear). */
export const PM1_STS_TMR = 0x0001;
export const PM_TIMER_FREQ = 3579545;
/** APM control and status ports, and the commands QEMU's FADT names for ACPI mode. */
export const APM_CNT_PORT = 0xb2;
export const APM_STS_PORT = 0xb3;
export const ACPI_ENABLE = 0xf1;
export const ACPI_DISABLE = 0xf0;
/** TMR_STS sets each time the timer's bit 23 flips. */
const TMR_STS_PERIOD = 0x800000;
/** The timer is 24 bits wide (FADT TMR_VAL_EXT = 0). */
export const PM_TIMER_MASK = 0xffffff;

/** What the PM function needs from the machine. */
export interface PmHost {
  /** Virtual time in ns. */
  now(): number;
  /** The guest asked for S5 (soft off). */
  powerOff(): void;
}

/** The PM function's saved state. */
export interface Piix4PmState extends PciFunctionState {
  readonly pm: PlainRecord;
}

/** The PM function. */
export class Piix4Pm extends PciFunction {
  private pm1Sts = 0;
  /** PM timer tick at which TMR_STS sets (QEMU's tmr.overflow_time: 0 after reset, so it reads set). */
  private tmrOverflowTick = 0;
  private pm1En = 0;
  private pm1Cnt = 0;
  private apmCnt = 0;
  private apmSts = 0;
  private readonly pmIo: readonly { offset: number; count: number; handler: PortHandler }[];

  constructor(
    private readonly host: PmHost,
    log: GuestLog,
  ) {
    super("PIIX4_PM", 0x8086, 0x7113, 0x0680, 0, 0x03);
    this.log = log;
    this.wmask.fill(0xff, 0x40);
    // QEMU's three regions in the 64-port PM window (the rest decodes nothing): PM1 event and PM1
    // control take byte and word accesses done as words (acpi_pm_evt_ops, acpi_pm_cnt_ops), the timer
    // any access done as a dword (acpi_pm_tmr_ops).
    this.pmIo = [
      {
        offset: PM1_STS,
        count: 4,
        handler: {
          name: "acpi-evt",
          sizes: SIZE_16,
          validSizes: SIZE_8 | SIZE_16,
          read: (port) => this.readEvt(port - this.pmBaseOrZero()),
          write: (port, _size, v) => this.writeEvt(port - this.pmBaseOrZero(), v),
        },
      },
      {
        offset: PM1_CNT,
        count: 2,
        handler: {
          name: "acpi-cnt",
          sizes: SIZE_16,
          validSizes: SIZE_8 | SIZE_16,
          read: (port) => this.pm1Cnt >>> (8 * (port - this.pmBaseOrZero() - PM1_CNT)),
          write: (port, _size, v) => this.writeCnt(port - this.pmBaseOrZero() - PM1_CNT, v),
        },
      },
      {
        offset: PM_TMR,
        count: 4,
        handler: {
          name: "acpi-tmr",
          sizes: SIZE_32,
          read: () => this.timer(),
          write: () => this.log?.guestError("piix4-pm: write to the read-only PM timer", "pm-tmr-w"),
        },
      },
    ];
    this.resetRegisters();
  }

  override reset(): void {
    super.reset();
    this.resetRegisters();
    this.updatePmIo();
  }

  /** Config space and the PM1 and APM registers (the PM timer is virtual time). */
  override saveState(): Piix4PmState {
    return {
      ...super.saveState(),
      pm: savePlain(this, [...PCI_FUNCTION_FIELDS, "host", "pmIo", "base", "ranges"]),
    };
  }

  /** Puts back a saveState() copy and maps the PM registers where it says. */
  override loadState(s: Piix4PmState): void {
    super.loadState(s);
    loadPlain(this, s.pm);
    this.updatePmIo();
  }

  /** The APM control/status ports (0xb2-0xb3), registered by the machine. */
  apmPorts(): PortHandler {
    return {
      name: "apm",
      sizes: SIZE_8,
      // QEMU's apm_ioport_readb/writeb: even offsets (also past the two ports) are the control port.
      read: (port) => ((port & 1) === 0 ? this.apmCnt : this.apmSts),
      write: (port, _size, v) => {
        if ((port & 1) !== 0) {
          this.apmSts = v & 0xff;
          return;
        }
        this.apmCnt = v & 0xff;
        if (this.apmCnt === ACPI_ENABLE) this.pm1Cnt |= PM1_CNT_SCI_EN;
        else if (this.apmCnt === ACPI_DISABLE) this.pm1Cnt &= ~PM1_CNT_SCI_EN;
      },
    };
  }

  /** The ACPI PM timer value now. */
  timer(): number {
    return this.ticks() & PM_TIMER_MASK;
  }

  /** PM timer ticks since virtual time 0 (not wrapped). */
  private ticks(): number {
    return Math.floor((this.host.now() * PM_TIMER_FREQ) / 1e9);
  }

  /** PM1_STS, with TMR_STS set once the timer reached the armed tick (QEMU's acpi_pm1_evt_get_sts). */
  private pm1Status(): number {
    if (this.ticks() >= this.tmrOverflowTick) this.pm1Sts |= PM1_STS_TMR;
    return this.pm1Sts;
  }

  override configWrite(offset: number, size: 1 | 2 | 4, value: number): void {
    super.configWrite(offset, size, value);
    const touches = (reg: number, len: number) => offset < reg + len && offset + size > reg;
    if (touches(PIIX4_PMBA, 4) || touches(PIIX4_PMREGMISC, 1)) this.updatePmIo();
  }

  /** The PM I/O base while enabled, else null. */
  pmBase(): number | null {
    return this.base;
  }

  private base: number | null = null;
  private ranges: PortRange[] = [];

  /** Maps the PM registers at PMBA when PMIOSE is set (QEMU's pm_io_space_update). */
  private updatePmIo(): void {
    const enabled = (this.config[PIIX4_PMREGMISC]! & PMREGMISC_PMIOSE) !== 0;
    const base = (this.get32(PIIX4_PMBA) & 0xffc0) >>> 0;
    const want = enabled && base !== 0 ? base : null;
    if (want === this.base) return;
    const io = this.io;
    for (const range of this.ranges) io?.unregister(range);
    this.ranges = [];
    this.base = null;
    if (want === null || io === null) return;
    try {
      for (const { offset, count, handler } of this.pmIo) {
        this.ranges.push(io.register(want + offset, count, handler));
      }
      this.base = want;
    } catch {
      for (const range of this.ranges) io.unregister(range);
      this.ranges = [];
      this.log?.guestError(`piix4-pm: PM base 0x${want.toString(16)} overlaps another device; not decoded`);
    }
  }

  private pmBaseOrZero(): number {
    return this.base ?? 0;
  }

  /** A word read of the PM1 event block at `reg` (QEMU's acpi_pm_evt_read: other offsets read 0). */
  private readEvt(reg: number): number {
    if (reg === PM1_STS) return this.pm1Status();
    return reg === PM1_EN ? this.pm1En : 0;
  }

  /** A word write to the PM1 event block at `reg`: status bits written 1 clear, the enables. */
  private writeEvt(reg: number, value: number): void {
    if (reg === PM1_STS) {
      // Clearing TMR_STS arms it for the next flip of the timer's bit 23 (QEMU's acpi_pm1_evt_write_sts).
      if ((this.pm1Status() & value & PM1_STS_TMR) !== 0) {
        const next = this.ticks() + TMR_STS_PERIOD;
        this.tmrOverflowTick = next - (next % TMR_STS_PERIOD);
      }
      this.pm1Sts &= ~value & 0xffff;
    } else if (reg === PM1_EN) {
      this.pm1En = value & 0xffff;
      if (this.pm1En !== 0) this.log?.unimplemented("piix4-pm: SCI interrupts (PM1_EN)", "pm-sci");
    }
  }

  /** A write to PM1_CNT at byte `offset` 0 or 1 (QEMU's acpi_pm_cnt_write merges a high byte). */
  private writeCnt(offset: number, written: number): void {
    const value = offset === 1 ? ((written << 8) | (this.pm1Cnt & 0xff)) & 0xffff : written & 0xffff;
    this.pm1Cnt = value & ~PM1_CNT_SLP_EN;
    const typ = (value >> PM1_CNT_SLP_TYP_SHIFT) & 7;
    if ((value & PM1_CNT_SLP_EN) !== 0) {
      if (typ === 0) this.host.powerOff();
      else this.log?.unimplemented(`piix4-pm: sleep type ${typ}`, `pm-slp-${typ}`);
    }
  }

  private resetRegisters(): void {
    this.config[PCI_INTERRUPT_PIN] = 0x01;
    this.set32(PIIX4_PMBA, 0x01);
    this.config[PIIX4_PMREGMISC] = 0;
    this.set32(PIIX4_DEVACTB, 0);
    this.config[PIIX4_DEVACTB + 3] = 0x02; // APMC_EN: SMM already initialised (no SMM here)
    this.pm1Sts = 0;
    this.tmrOverflowTick = 0;
    this.pm1En = 0;
    this.pm1Cnt = 0;
    this.apmCnt = 0;
    this.apmSts = 0;
  }
}
