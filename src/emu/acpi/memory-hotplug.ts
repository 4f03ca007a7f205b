// The ACPI memory hotplug interface QEMU 7.2 describes when `-m ...,slots=N` gives DIMM slots
// (hw/acpi/memory_hotplug.c build_memory_hotplug_aml): the register block at 0x0a00 (MHPD), the
// MHPC container with the register fields and the MSCN/MRST/MCRS/MPXM/MOST/MEJ0 helpers, one
// PNP0C80 memory device per slot, and \_GPE._E03 to scan for changes.
import {
  type Aml,
  acquire,
  add,
  arg,
  BYTE_ACC,
  call,
  cat,
  createDWordField,
  DWORD_ACC,
  device,
  dwordMemory,
  eisaId,
  field,
  ifThen,
  int,
  io,
  lEqual,
  lLess,
  local,
  method,
  mutex,
  NO_LOCK,
  nameDecl,
  namedField,
  nameString,
  notify,
  opRegion,
  orElse,
  PRESERVE,
  qwordMemory,
  release,
  reservedField,
  resourceTemplate,
  ret,
  SYSTEM_IO,
  store,
  str,
  subtract,
  toInteger,
  WRITE_AS_ZEROS,
  whileLoop,
} from "./aml.ts";

export const MEMHP_IO_BASE = 0x0a00;
export const MEMHP_IO_LEN = 0x18;
/** Byte offsets of the QWord/DWord address descriptors' fields patched by MCRS. */
const QWORD_MIN = 0x0e;
const QWORD_MAX = 0x16;
const QWORD_LEN = 0x26;
const DWORD_MIN = 0x0a;
const DWORD_MAX = 0x0e;
const DWORD_LEN = 0x16;

/** The memory hotplug AML for `slots` DIMM slots. */
export function memoryHotplugAml(slots: number): Aml {
  const regs = "\\_SB.PCI0.MHPD.HPMR";
  const lock = nameString("MLCK");
  const n = (s: string) => nameString(s);
  const selectSlot = store(toInteger(arg(0)), n("MSEL"));
  const mhpd = device(
    "\\_SB.PCI0.MHPD",
    nameDecl("_HID", str("PNP0A06")),
    nameDecl("_UID", str("Memory hotplug resources")),
    nameDecl("_CRS", resourceTemplate(io(true, MEMHP_IO_BASE, MEMHP_IO_BASE, 0, MEMHP_IO_LEN))),
    opRegion("HPMR", SYSTEM_IO, int(MEMHP_IO_BASE), MEMHP_IO_LEN),
  );
  const mscn = method(
    "MSCN",
    0,
    false,
    ifThen(lEqual(n("MDNR"), int(0)), ret(int(0))),
    store(int(0), local(0)),
    acquire(lock, 0xffff),
    whileLoop(
      lLess(local(0), n("MDNR")),
      store(local(0), n("MSEL")),
      ifThen(lEqual(n("MINS"), int(1)), call("MTFY", local(0), int(1)), store(int(1), n("MINS"))),
      orElse(ifThen(lEqual(n("MRMV"), int(1)), call("MTFY", local(0), int(3)), store(int(1), n("MRMV")))),
      add(local(0), int(1), local(0)),
    ),
    release(lock),
    ret(int(1)),
  );
  const mrst = method(
    "MRST",
    1,
    false,
    store(int(0), local(0)),
    acquire(lock, 0xffff),
    selectSlot,
    ifThen(lEqual(n("MES"), int(1)), store(int(0x0f), local(0))),
    release(lock),
    ret(local(0)),
  );
  const all64 = 0xffffffffffffffffn;
  const mcrs = method(
    "MCRS",
    1,
    true,
    acquire(lock, 0xffff),
    selectSlot,
    nameDecl("MR64", resourceTemplate(qwordMemory(0n, all64 - 1n, all64))),
    createDWordField(n("MR64"), int(QWORD_MIN), "MINL"),
    createDWordField(n("MR64"), int(QWORD_MIN + 4), "MINH"),
    createDWordField(n("MR64"), int(QWORD_LEN), "LENL"),
    createDWordField(n("MR64"), int(QWORD_LEN + 4), "LENH"),
    createDWordField(n("MR64"), int(QWORD_MAX), "MAXL"),
    createDWordField(n("MR64"), int(QWORD_MAX + 4), "MAXH"),
    store(n("MRBH"), n("MINH")),
    store(n("MRBL"), n("MINL")),
    store(n("MRLH"), n("LENH")),
    store(n("MRLL"), n("LENL")),
    add(n("MINL"), n("LENL"), n("MAXL")),
    add(n("MINH"), n("LENH"), n("MAXH")),
    ifThen(lLess(n("MAXL"), n("MINL")), add(n("MAXH"), int(1), n("MAXH"))),
    ifThen(lLess(n("MAXL"), int(1)), subtract(n("MAXH"), int(1), n("MAXH"))),
    subtract(n("MAXL"), int(1), n("MAXL")),
    ifThen(
      lEqual(n("MAXH"), int(0)),
      nameDecl("MR32", resourceTemplate(dwordMemory(0, 0xfffffffe, 0xffffffff, true))),
      createDWordField(n("MR32"), int(DWORD_MIN), "MIN"),
      createDWordField(n("MR32"), int(DWORD_MAX), "MAX"),
      createDWordField(n("MR32"), int(DWORD_LEN), "LEN"),
      store(n("MINL"), n("MIN")),
      store(n("MAXL"), n("MAX")),
      store(n("LENL"), n("LEN")),
      release(lock),
      ret(n("MR32")),
    ),
    release(lock),
    ret(n("MR64")),
  );
  const mpxm = method(
    "MPXM",
    1,
    false,
    acquire(lock, 0xffff),
    selectSlot,
    store(n("MPX"), local(0)),
    release(lock),
    ret(local(0)),
  );
  const most = method(
    "MOST",
    4,
    false,
    acquire(lock, 0xffff),
    selectSlot,
    store(arg(1), n("MOEV")),
    store(arg(2), n("MOSC")),
    release(lock),
  );
  const mej0 = method(
    "MEJ0",
    2,
    false,
    acquire(lock, 0xffff),
    selectSlot,
    store(int(1), n("MEJ")),
    release(lock),
  );
  const devices: Aml[] = [];
  const mtfy: Aml[] = [];
  for (let i = 0; i < slots; i++) {
    const hex = i.toString(16).toUpperCase().padStart(2, "0");
    const uid = n("_UID");
    devices.push(
      device(
        `MP${hex}`,
        nameDecl("_UID", str(`0x${hex}`)),
        nameDecl("_HID", eisaId("PNP0C80")),
        method("_CRS", 0, false, ret(call("MCRS", uid))),
        method("_STA", 0, false, ret(call("MRST", uid))),
        method("_PXM", 0, false, ret(call("MPXM", uid))),
        method("_OST", 3, false, call("MOST", uid, arg(0), arg(1), arg(2))),
        method("_EJ0", 1, false, call("MEJ0", uid, arg(0))),
      ),
    );
    mtfy.push(ifThen(lEqual(arg(0), int(i)), notify(n(`MP${hex}`), arg(1))));
  }
  const mhpc = device(
    "\\_SB.MHPC",
    nameDecl("_HID", str("PNP0A06")),
    nameDecl("_UID", str("DIMM devices")),
    nameDecl("MDNR", int(slots)),
    field(
      regs,
      DWORD_ACC | NO_LOCK | PRESERVE,
      namedField("MRBL", 32),
      namedField("MRBH", 32),
      namedField("MRLL", 32),
      namedField("MRLH", 32),
      namedField("MPX", 32),
    ),
    field(
      regs,
      BYTE_ACC | NO_LOCK | WRITE_AS_ZEROS,
      reservedField(0x14 * 8),
      namedField("MES", 1),
      namedField("MINS", 1),
      namedField("MRMV", 1),
      namedField("MEJ", 1),
    ),
    field(
      regs,
      DWORD_ACC | NO_LOCK | PRESERVE,
      namedField("MSEL", 32),
      namedField("MOEV", 32),
      namedField("MOSC", 32),
    ),
    method("_STA", 0, false, ifThen(lEqual(n("MDNR"), int(0)), ret(int(0))), ret(int(0x0b))),
    mutex("MLCK", 0),
    mscn,
    mrst,
    mcrs,
    mpxm,
    most,
    mej0,
    ...devices,
    method("MTFY", 2, false, ...mtfy),
  );
  return cat(mhpd, mhpc, method("\\_GPE._E03", 0, false, call("\\_SB.MHPC.MSCN")));
}
