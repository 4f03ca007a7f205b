// The DSDT QEMU 7.2 builds for `-M pc` (hw/i386/acpi-build.c build_dsdt with the i440fx/PIIX4
// pieces): the debug port method, \_SB.PCI0 with the ACPI PCI hotplug interface (0xae00), the PCI
// interrupt links and _PRT, the HPET, the CPU hotplug interface (0xaf00) with one Processor per
// possible CPU, the memory hotplug interface (0x0a00) when DIMM slots exist, the host bridge's
// _CRS, the sleep states, fw_cfg, the PCI slots of bus 0 with the ISA devices under the PIIX3
// function, and the GPE handlers. Term order and encodings follow QEMU so the bytes are the same.
import {
  type Aml,
  acquire,
  add,
  and,
  arg,
  BREAK,
  BYTE_ACC,
  buffer,
  call,
  cat,
  createDWordField,
  DEBUG,
  DWORD_ACC,
  derefOf,
  device,
  dma,
  dwordMemory,
  eisaId,
  field,
  ifThen,
  increment,
  index,
  int,
  interruptLevelHighShared,
  io,
  irqNoFlags,
  LOCK,
  lAnd,
  lEqual,
  lGreater,
  lLess,
  lNot,
  lOr,
  local,
  memory32Fixed,
  method,
  mutex,
  NO_LOCK,
  nameDecl,
  namedField,
  nameString,
  notify,
  opRegion,
  or,
  orElse,
  PCI_CONFIG,
  PRESERVE,
  pkg,
  processor,
  qwordMemory,
  release,
  reservedField,
  resourceTemplate,
  ret,
  SYSTEM_IO,
  SYSTEM_MEMORY,
  scope,
  shiftLeft,
  shiftRight,
  sizeOf,
  store,
  str,
  subtract,
  toBuffer,
  toHexString,
  toUuid,
  WRITE_AS_ZEROS,
  whileLoop,
  wordBusNumber,
  wordIo,
} from "./aml.ts";
import { type AcpiConfig, PCI_HOLE_END, PCI_HOLE64_SIZE, pciHole64Start } from "./config.ts";
import { madtLocalApic } from "./madt.ts";
import { memoryHotplugAml } from "./memory-hotplug.ts";

/** I/O bases of QEMU's paravirtual interfaces on the PIIX4 PM function. */
export const PCIHP_IO_BASE = 0xae00;
export const PCIHP_IO_LEN = 0x18;
export const CPUHP_IO_BASE = 0xaf00;
export const CPUHP_IO_LEN = 0x0c;
export const GPE0_IO_BASE = 0xafe0;
export const GPE0_IO_LEN = 4;
export const DEBUG_IO_PORT = 0x402;
export const FW_CFG_IO_BASE = 0x510;
export const FW_CFG_IO_LEN = 0x0c;
export const HPET_BASE = 0xfed00000;
export const HPET_LEN = 0x400;
/** PCI slots on bus 0 and the devfn of the PIIX3 ISA bridge (slot 1). */
const PCI_SLOTS = 32;
const PIIX3_SLOT = 1;
/** The device labeling _DSM UUID (PCI Firmware Specification 3.3 §4.6.7). */
const PCI_DSM_UUID = "e5c937d0-3553-4d7a-9117-ea4d19c3434d";

/** The DSDT's AML (the definition block, without the table header). */
export function dsdtAml(config: AcpiConfig): Aml {
  return cat(
    debugScope(),
    scope(
      "_SB",
      device("PCI0", nameDecl("_HID", eisaId("PNP0A03")), nameDecl("_ADR", int(0)), nameDecl("_UID", int(0))),
    ),
    pciHotplugScope(),
    scope("_SB", scope("PCI0", prtMethod()), ...linkDevices()),
    scope("_SB", hpetDevice()),
    scope("_GPE", nameDecl("_HID", str("ACPI0006"))),
    cpuHotplugAml(config),
    config.hotplugMemory !== null && config.hotplugMemory.slots > 0
      ? memoryHotplugAml(config.hotplugMemory.slots)
      : [],
    scope(
      "\\_SB.PCI0",
      nameDecl("_CRS", hostBridgeCrs(config)),
      resourceDevice("GPE0", "GPE0 resources", GPE0_IO_BASE, GPE0_IO_LEN),
      resourceDevice("PHPR", "PCI Hotplug resources", PCIHP_IO_BASE, PCIHP_IO_LEN),
    ),
    scope("\\", sleepState("_S3", 1), sleepState("_S4", 2), sleepState("_S5", 0)),
    scope("\\_SB.PCI0", fwCfgDevice()),
    scope("\\_SB", scope("PCI0", nameDecl("BSEL", int(0)), ...pciSlots(config), dvntMethod(), pcntMethod())),
    scope(
      "_GPE",
      method(
        "_E01",
        0,
        false,
        acquire(nameString("\\_SB.PCI0.BLCK"), 0xffff),
        call("\\_SB.PCI0.PCNT"),
        release(nameString("\\_SB.PCI0.BLCK")),
      ),
    ),
  );
}

/** \DBG (port 0x402) and \DBUG(x): prints a value in hex on QEMU's debug console. */
function debugScope(): Aml {
  return scope(
    "\\",
    opRegion("DBG", SYSTEM_IO, int(DEBUG_IO_PORT), 1),
    field("DBG", BYTE_ACC | NO_LOCK | PRESERVE, namedField("DBGB", 8)),
    method(
      "DBUG",
      1,
      false,
      toHexString(arg(0), local(0)),
      toBuffer(local(0), local(0)),
      subtract(sizeOf(local(0)), int(1), local(1)),
      store(int(0), local(2)),
      whileLoop(
        lLess(local(2), local(1)),
        store(derefOf(index(local(0), local(2))), nameString("DBGB")),
        increment(local(2)),
      ),
      store(int(0x0a), nameString("DBGB")),
    ),
  );
}

/** The ACPI PCI hotplug registers (QEMU hw/acpi/pcihp.c) and the PCEJ/AIDX/PDSM helpers. */
function pciHotplugScope(): Aml {
  const blck = nameString("BLCK");
  return scope(
    "_SB.PCI0",
    opRegion("PCST", SYSTEM_IO, int(PCIHP_IO_BASE), 8),
    field("PCST", DWORD_ACC | NO_LOCK | WRITE_AS_ZEROS, namedField("PCIU", 32), namedField("PCID", 32)),
    opRegion("SEJ", SYSTEM_IO, int(PCIHP_IO_BASE + 8), 4),
    field("SEJ", DWORD_ACC | NO_LOCK | WRITE_AS_ZEROS, namedField("B0EJ", 32)),
    opRegion("BNMR", SYSTEM_IO, int(PCIHP_IO_BASE + 0x10), 8),
    field("BNMR", DWORD_ACC | NO_LOCK | WRITE_AS_ZEROS, namedField("BNUM", 32), namedField("PIDX", 32)),
    mutex("BLCK", 0),
    method(
      "PCEJ",
      2,
      false,
      acquire(blck, 0xffff),
      store(arg(0), nameString("BNUM")),
      store(shiftLeft(int(1), arg(1)), nameString("B0EJ")),
      release(blck),
      ret(int(0)),
    ),
    method(
      "AIDX",
      2,
      false,
      acquire(blck, 0xffff),
      store(arg(0), nameString("BNUM")),
      store(shiftLeft(int(1), arg(1)), nameString("PIDX")),
      store(nameString("PIDX"), local(0)),
      release(blck),
      ret(local(0)),
    ),
    pdsmMethod(),
  );
}

/** PDSM(uuid, rev, func, args, pkg): the device labeling _DSM (functions 0 and 7) for slots. */
function pdsmMethod(): Aml {
  const aidx = call("AIDX", derefOf(index(arg(4), int(0))), derefOf(index(arg(4), int(1))));
  const noLabel = (l: Aml) => or(lEqual(l, int(0)), lEqual(l, int(0xffffffff)));
  return method(
    "PDSM",
    5,
    true,
    ifThen(
      lEqual(arg(2), int(0)),
      store(buffer([0]), local(0)),
      store(int(0), local(1)),
      ifThen(lNot(lEqual(arg(0), toUuid(PCI_DSM_UUID))), ret(local(0))),
      ifThen(lLess(arg(1), int(2)), ret(local(0))),
      store(aidx, local(2)),
      ifThen(
        lNot(noLabel(local(2))),
        or(local(1), int(1), local(1)),
        or(local(1), shiftLeft(int(1), int(7)), local(1)),
      ),
      store(local(1), index(local(0), int(0))),
      ret(local(0)),
    ),
    ifThen(
      lEqual(arg(2), int(7)),
      store(aidx, local(2)),
      store(pkg([], 2), local(0)),
      ifThen(
        lNot(lOr(lEqual(local(2), int(0)), lEqual(local(2), int(0xffffffff)))),
        store(local(2), index(local(0), int(0))),
        store(str(""), index(local(0), int(1))),
      ),
      ret(local(0)),
    ),
  );
}

/** _PRT: the PIIX3 routing of 32 slots x 4 pins to LNKA-LNKD (slot 1 pin A to LNKS, the SCI). */
function prtMethod(): Aml {
  const entry = (link: string) => store(pkg([int(0), int(0), nameString(link), int(0)]), local(4));
  return method(
    "_PRT",
    0,
    false,
    store(pkg([], 0x80), local(0)),
    store(int(0), local(1)),
    whileLoop(
      lLess(local(1), int(0x80)),
      store(shiftRight(local(1), int(2)), local(2)),
      store(and(add(local(1), local(2)), int(3)), local(3)),
      ifThen(lEqual(local(3), int(0)), entry("LNKD")),
      ifThen(
        lEqual(local(3), int(1)),
        ifThen(lEqual(local(1), int(4)), entry("LNKS")),
        orElse(entry("LNKA")),
      ),
      ifThen(lEqual(local(3), int(2)), entry("LNKB")),
      ifThen(lEqual(local(3), int(3)), entry("LNKC")),
      store(or(shiftLeft(local(2), int(16)), int(0xffff)), index(local(4), int(0))),
      store(and(local(1), int(3)), index(local(4), int(1))),
      store(local(4), index(local(0), local(1))),
      increment(local(1)),
    ),
    ret(local(0)),
  );
}

/** IQST, IQCR and the interrupt link devices LNKA-LNKD (PIRQ routing registers 0x60-0x63) and LNKS. */
function linkDevices(): Aml[] {
  const iqst = method("IQST", 1, false, ifThen(and(int(0x80), arg(0)), ret(int(9))), ret(int(0x0b)));
  const iqcr = method(
    "IQCR",
    1,
    true,
    nameDecl("PRR0", resourceTemplate(interruptLevelHighShared([0]))),
    createDWordField(nameString("PRR0"), int(5), "PRRI"),
    ifThen(lLess(arg(0), int(0x80)), store(arg(0), nameString("PRRI"))),
    ret(nameString("PRR0")),
  );
  const link = (name: string, uid: number, reg: string) =>
    device(
      name,
      nameDecl("_HID", eisaId("PNP0C0F")),
      nameDecl("_UID", int(uid)),
      nameDecl("_PRS", resourceTemplate(interruptLevelHighShared([5, 10, 11]))),
      method("_STA", 0, false, ret(call("IQST", nameString(reg)))),
      method("_DIS", 0, false, or(nameString(reg), int(0x80), nameString(reg))),
      method("_CRS", 0, false, ret(call("IQCR", nameString(reg)))),
      method(
        "_SRS",
        1,
        false,
        createDWordField(arg(0), int(5), "PRRI"),
        store(nameString("PRRI"), nameString(reg)),
      ),
    );
  const lnks = device(
    "LNKS",
    nameDecl("_HID", eisaId("PNP0C0F")),
    nameDecl("_UID", int(4)),
    nameDecl("_PRS", resourceTemplate(interruptLevelHighShared([9]))),
    method("_STA", 0, false, ret(int(0x0b))),
    method("_DIS", 0, false),
    method("_CRS", 0, false, ret(nameString("_PRS"))),
    method("_SRS", 1, false),
  );
  return [
    iqst,
    iqcr,
    link("LNKA", 0, "PRQ0"),
    link("LNKB", 1, "PRQ1"),
    link("LNKC", 2, "PRQ2"),
    link("LNKD", 3, "PRQ3"),
    lnks,
  ];
}

/** \_SB.HPET: present when the HPET's vendor and period registers look sane. */
function hpetDevice(): Aml {
  const zeroOr = (l: Aml, bad: Aml) => lOr(lEqual(l, int(0)), bad);
  return device(
    "HPET",
    nameDecl("_HID", eisaId("PNP0103")),
    nameDecl("_UID", int(0)),
    opRegion("HPTM", SYSTEM_MEMORY, int(HPET_BASE), HPET_LEN),
    field("HPTM", DWORD_ACC | LOCK | PRESERVE, namedField("VEND", 32), namedField("PRD", 32)),
    method(
      "_STA",
      0,
      false,
      store(nameString("VEND"), local(0)),
      store(nameString("PRD"), local(1)),
      shiftRight(local(0), int(16), local(0)),
      ifThen(zeroOr(local(0), lEqual(local(0), int(0xffff))), ret(int(0))),
      ifThen(zeroOr(local(1), lGreater(local(1), int(100000000))), ret(int(0))),
      ret(int(0x0f)),
    ),
    nameDecl("_CRS", resourceTemplate(memory32Fixed(HPET_BASE, HPET_LEN, false))),
  );
}

/** The CPU hotplug interface (QEMU hw/acpi/cpu.c build_cpus_aml) and \_GPE._E02. */
function cpuHotplugAml(config: AcpiConfig): Aml {
  const pres = "\\_SB.PCI0.PRES";
  const r = (n: string) => nameString(`${pres}.${n}`);
  const lock = r("CPLK");
  const n = config.cpus.length;
  const resources = device(
    pres,
    nameDecl("_HID", eisaId("PNP0A06")),
    nameDecl("_UID", str("CPU Hotplug resources")),
    mutex("CPLK", 0),
    nameDecl("_CRS", resourceTemplate(io(true, CPUHP_IO_BASE, CPUHP_IO_BASE, 1, CPUHP_IO_LEN))),
    opRegion("PRST", SYSTEM_IO, int(CPUHP_IO_BASE), CPUHP_IO_LEN),
    field(
      "PRST",
      BYTE_ACC | NO_LOCK | WRITE_AS_ZEROS,
      reservedField(32),
      namedField("CPEN", 1),
      namedField("CINS", 1),
      namedField("CRMV", 1),
      namedField("CEJ0", 1),
      namedField("CEJF", 1),
      reservedField(3),
      namedField("CCMD", 8),
    ),
    field(
      "PRST",
      DWORD_ACC | NO_LOCK | PRESERVE,
      namedField("CSEL", 32),
      reservedField(32),
      namedField("CDAT", 32),
    ),
    method("_INI", 0, true, store(int(0), nameString("CSEL"))),
  );
  const ctfy = method(
    "CTFY",
    2,
    false,
    ...config.cpus.map((_, i) => ifThen(lEqual(arg(0), int(i)), notify(nameString(cpuName(i)), arg(1)))),
  );
  const csta = method(
    "CSTA",
    1,
    true,
    acquire(lock, 0xffff),
    store(arg(0), r("CSEL")),
    store(int(0), local(0)),
    ifThen(lEqual(r("CPEN"), int(1)), store(int(0x0f), local(0))),
    release(lock),
    ret(local(0)),
  );
  const cej0 = method(
    "CEJ0",
    1,
    true,
    acquire(lock, 0xffff),
    store(arg(0), r("CSEL")),
    store(int(1), r("CEJ0")),
    release(lock),
  );
  const cscn = method(
    "CSCN",
    0,
    true,
    acquire(lock, 0xffff),
    nameDecl("CNEW", pkg([], 0xff)),
    store(int(0), local(3)),
    store(int(1), local(4)),
    whileLoop(
      lEqual(local(4), int(1)),
      store(int(0), local(4)),
      store(int(1), local(0)),
      store(int(0), local(1)),
      whileLoop(
        lAnd(lEqual(local(0), int(1)), lLess(local(3), int(n))),
        store(int(0), local(0)),
        store(local(3), r("CSEL")),
        store(int(0), r("CCMD")),
        ifThen(lLess(r("CDAT"), local(3)), BREAK),
        ifThen(lEqual(local(1), int(0xff)), store(int(1), local(4)), BREAK),
        store(r("CDAT"), local(3)),
        ifThen(
          lEqual(r("CINS"), int(1)),
          store(local(3), index(nameString("CNEW"), local(1))),
          increment(local(1)),
          store(int(1), local(0)),
        ),
        orElse(
          ifThen(
            lEqual(r("CRMV"), int(1)),
            call("CTFY", local(3), int(3)),
            store(int(1), r("CRMV")),
            store(int(1), local(0)),
          ),
        ),
        increment(local(3)),
      ),
      store(int(0), local(2)),
      whileLoop(
        lLess(local(2), local(1)),
        store(derefOf(index(nameString("CNEW"), local(2))), local(3)),
        call("CTFY", local(3), int(1)),
        store(local(3), DEBUG),
        store(local(3), r("CSEL")),
        store(int(1), r("CINS")),
        increment(local(2)),
      ),
    ),
    release(lock),
  );
  const cost = method(
    "COST",
    4,
    true,
    acquire(lock, 0xffff),
    store(arg(0), r("CSEL")),
    store(int(1), r("CCMD")),
    store(arg(1), r("CDAT")),
    store(int(2), r("CCMD")),
    store(arg(2), r("CDAT")),
    release(lock),
  );
  const numa = config.numaNodes.length > 0;
  const processors = config.cpus.map((cpu, i) =>
    processor(
      cpuName(i),
      i,
      0,
      0,
      method("_STA", 0, true, ret(call("CSTA", int(i)))),
      // _MAT always says enabled (QEMU builds it with force_enabled); the MADT tells presence.
      nameDecl("_MAT", buffer(madtLocalApic(i, cpu.apicId, true))),
      i !== 0 ? method("_EJ0", 1, false, call("CEJ0", int(i))) : [],
      method("_OST", 3, true, call("COST", int(i), arg(0), arg(1), arg(2))),
      numa ? nameDecl("_PXM", int(cpu.node)) : [],
    ),
  );
  const cpus = device(
    "\\_SB.CPUS",
    nameDecl("_HID", str("ACPI0010")),
    nameDecl("_CID", eisaId("PNP0A05")),
    ctfy,
    csta,
    cej0,
    cscn,
    cost,
    ...processors,
  );
  return cat(scope("_SB", resources, cpus), method("\\_GPE._E02", 0, false, call("\\_SB.CPUS.CSCN")));
}

/** The name of the processor object with UID `i` ("C000"...). */
export function cpuName(i: number): string {
  return `C${i.toString(16).toUpperCase().padStart(3, "0")}`;
}

/** The host bridge's _CRS: bus numbers, config ports, I/O, VGA window, the 32- and 64-bit PCI holes. */
function hostBridgeCrs(config: AcpiConfig): Aml {
  const hole64 = BigInt(pciHole64Start(config));
  const size64 = BigInt(PCI_HOLE64_SIZE);
  return resourceTemplate(
    wordBusNumber(0, 0xff, 0x100),
    io(true, 0xcf8, 0xcf8, 1, 8),
    wordIoRange(0x0000, 0x0cf7),
    wordIoRange(0x0d00, 0xffff),
    dwordMemory(0x000a0000, 0x000bffff, 0x20000, true),
    dwordMemory(config.ramBelow4g, PCI_HOLE_END, PCI_HOLE_END - config.ramBelow4g + 1, false),
    qwordMemory(hole64, hole64 + size64 - 1n, size64),
  );
}

/** A WordIO range min..max. */
function wordIoRange(min: number, max: number): Aml {
  return wordIo(min, max, max - min + 1);
}

/** A generic container device with a fixed I/O resource (GPE0, PHPR). */
function resourceDevice(name: string, uid: string, base: number, len: number): Aml {
  return device(
    name,
    nameDecl("_HID", str("PNP0A06")),
    nameDecl("_UID", str(uid)),
    nameDecl("_STA", int(0x0b)),
    nameDecl("_CRS", resourceTemplate(io(true, base, base, 1, len))),
  );
}

/** Name(_Sx, Package() {value, value, 0, 0}). */
function sleepState(name: string, value: number): Aml {
  return nameDecl(name, pkg([int(value), int(value), int(0), int(0)]));
}

/** \_SB.PCI0.FWCF: the fw_cfg I/O ports. */
function fwCfgDevice(): Aml {
  return device(
    "FWCF",
    nameDecl("_HID", str("QEMU0002")),
    nameDecl("_STA", int(0x0b)),
    nameDecl("_CRS", resourceTemplate(io(true, FW_CFG_IO_BASE, FW_CFG_IO_BASE, 1, FW_CFG_IO_LEN))),
  );
}

/** Device(Sxx) for each slot of bus 0: _ADR, ASUN and _DSM; hot-pluggable slots add _SUN and _EJ0. */
function pciSlots(config: AcpiConfig): Aml[] {
  const slots: Aml[] = [];
  for (let slot = 0; slot < PCI_SLOTS; slot++) {
    const devfn = slot << 3;
    const hotpluggable = slot > PIIX3_SLOT;
    slots.push(
      device(
        slotName(devfn),
        nameDecl("_ADR", int(slot << 16)),
        nameDecl("ASUN", int(slot)),
        method(
          "_DSM",
          4,
          true,
          store(pkg([nameString("BSEL"), nameString("ASUN")]), local(0)),
          ret(call("PDSM", arg(0), arg(1), arg(2), arg(3), local(0))),
        ),
        slot === PIIX3_SLOT ? isaBridgeAml(config) : [],
        hotpluggable ? nameDecl("_SUN", int(slot)) : [],
        hotpluggable ? method("_EJ0", 1, false, call("PCEJ", nameString("BSEL"), nameString("_SUN"))) : [],
      ),
    );
  }
  return slots;
}

/** The name of the slot device for `devfn` ("S08"). */
function slotName(devfn: number): string {
  return `S${devfn.toString(16).toUpperCase().padStart(2, "0")}`;
}

/** Device(COMn) of an isa-serial port (QEMU's serial_isa_build_aml). */
function serialDevice(n: number, port: number, irq: number): Aml {
  return device(
    `COM${n}`,
    nameDecl("_HID", eisaId("PNP0501")),
    nameDecl("_UID", int(n)),
    nameDecl("_STA", int(0x0f)),
    nameDecl("_CRS", resourceTemplate(io(true, port, port, 0, 8), irqNoFlags(irq))),
  );
}

/** Under the PIIX3 function: its PIRQ route registers and the ISA devices (i8042, FDC, COM1-2, RTC). */
function isaBridgeAml(config: AcpiConfig): Aml {
  return cat(
    opRegion("P40C", PCI_CONFIG, int(0x60), 4),
    scope(
      "\\_SB",
      field(
        "PCI0.S08.P40C",
        BYTE_ACC | NO_LOCK | PRESERVE,
        namedField("PRQ0", 8),
        namedField("PRQ1", 8),
        namedField("PRQ2", 8),
        namedField("PRQ3", 8),
      ),
    ),
    device(
      "KBD",
      nameDecl("_HID", eisaId("PNP0303")),
      nameDecl("_STA", int(0x0f)),
      nameDecl(
        "_CRS",
        resourceTemplate(io(true, 0x60, 0x60, 1, 1), io(true, 0x64, 0x64, 1, 1), irqNoFlags(1)),
      ),
    ),
    device(
      "MOU",
      nameDecl("_HID", eisaId("PNP0F13")),
      nameDecl("_STA", int(0x0f)),
      nameDecl("_CRS", resourceTemplate(irqNoFlags(12))),
    ),
    device(
      "FDC0",
      nameDecl("_HID", eisaId("PNP0700")),
      nameDecl(
        "_CRS",
        resourceTemplate(io(true, 0x3f2, 0x3f2, 0, 4), io(true, 0x3f7, 0x3f7, 0, 1), irqNoFlags(6), dma(2)),
      ),
      // _FDE: no drives, "tape presence unknown" (2).
      nameDecl("_FDE", buffer([...new Array(16).fill(0), 2, 0, 0, 0])),
    ),
    // QEMU lists the ISA bus's children newest first: COM2 comes before COM1.
    config.com2 ? serialDevice(2, 0x2f8, 3) : [],
    config.com1 ? serialDevice(1, 0x3f8, 4) : [],
    device(
      "RTC",
      nameDecl("_HID", eisaId("PNP0B00")),
      nameDecl("_CRS", resourceTemplate(io(true, 0x70, 0x70, 1, 8), irqNoFlags(8))),
    ),
  );
}

/** DVNT(bits, event): notifies the hot-pluggable slots whose bit is set. */
function dvntMethod(): Aml {
  const body: Aml[] = [];
  for (let slot = PIIX3_SLOT + 1; slot < PCI_SLOTS; slot++) {
    body.push(ifThen(and(arg(0), int(2 ** slot)), notify(nameString(slotName(slot << 3)), arg(1))));
  }
  return method("DVNT", 2, false, ...body);
}

/** PCNT: bus 0's hotplug event scan (up: device check, down: eject request). */
function pcntMethod(): Aml {
  return method(
    "PCNT",
    0,
    false,
    store(int(0), nameString("BNUM")),
    call("DVNT", nameString("PCIU"), int(1)),
    call("DVNT", nameString("PCID"), int(3)),
  );
}
