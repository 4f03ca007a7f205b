// A small ACPI Machine Language encoder (ACPI 6.4 §20.2, "AML Specification"), producing the same
// bytes as QEMU 7.2's hw/acpi/aml-build.c for the constructs its PC tables use: names, integers in
// their shortest form, strings, packages, buffers, methods, devices, scopes, processors, operation
// regions and fields, the expression opcodes, and the resource descriptors (ACPI 6.4 §6.4) of
// resource templates. An encoded term is a plain byte array; terms are joined by concatenation.

/** An encoded AML term (or a list of them). */
export type Aml = number[];

/** Name and data prefixes and opcodes (ACPI 6.4 §20.2.3-20.2.5). */
const ZERO_OP = 0x00;
const ONE_OP = 0x01;
const NAME_OP = 0x08;
const BYTE_PREFIX = 0x0a;
const WORD_PREFIX = 0x0b;
const DWORD_PREFIX = 0x0c;
const STRING_PREFIX = 0x0d;
const QWORD_PREFIX = 0x0e;
const SCOPE_OP = 0x10;
const BUFFER_OP = 0x11;
const PACKAGE_OP = 0x12;
const METHOD_OP = 0x14;
const DUAL_NAME_PREFIX = 0x2e;
const MULTI_NAME_PREFIX = 0x2f;
const EXT_OP_PREFIX = 0x5b;
const ROOT_CHAR = 0x5c;
const PARENT_PREFIX_CHAR = 0x5e;
const NULL_NAME = 0x00;
const LOCAL0_OP = 0x60;
const ARG0_OP = 0x68;
const STORE_OP = 0x70;
const ADD_OP = 0x72;
const SUBTRACT_OP = 0x74;
const INCREMENT_OP = 0x75;
const SHIFT_LEFT_OP = 0x79;
const SHIFT_RIGHT_OP = 0x7a;
const AND_OP = 0x7b;
const OR_OP = 0x7d;
const DEREF_OF_OP = 0x83;
const NOTIFY_OP = 0x86;
const SIZE_OF_OP = 0x87;
const INDEX_OP = 0x88;
const CREATE_DWORD_FIELD_OP = 0x8a;
const LAND_OP = 0x90;
const LOR_OP = 0x91;
const LNOT_OP = 0x92;
const LEQUAL_OP = 0x93;
const LGREATER_OP = 0x94;
const LLESS_OP = 0x95;
const TO_BUFFER_OP = 0x96;
const TO_HEX_STRING_OP = 0x98;
const TO_INTEGER_OP = 0x99;
const IF_OP = 0xa0;
const ELSE_OP = 0xa1;
const WHILE_OP = 0xa2;
const RETURN_OP = 0xa4;
const BREAK_OP = 0xa5;
/** Extended opcodes (after EXT_OP_PREFIX). */
const MUTEX_OP = 0x01;
const ACQUIRE_OP = 0x23;
const RELEASE_OP = 0x27;
const DEBUG_OP = 0x31;
const OP_REGION_OP = 0x80;
const FIELD_OP = 0x81;
const DEVICE_OP = 0x82;
const PROCESSOR_OP = 0x83;

/** Operation region address spaces (ACPI 6.4 §19.6.100). */
export const SYSTEM_MEMORY = 0x00;
export const SYSTEM_IO = 0x01;
export const PCI_CONFIG = 0x02;
/** Field flags: access type (bits 0-3), lock rule (bit 4), update rule (bits 5-6). */
export const BYTE_ACC = 0x01;
export const DWORD_ACC = 0x03;
export const NO_LOCK = 0x00;
export const LOCK = 0x10;
export const PRESERVE = 0x00;
export const WRITE_AS_ZEROS = 0x40;

/**
 * A PkgLength (ACPI 6.4 §20.2.4) for `length` bytes of content; with `inclSelf` the encoded length
 * counts the PkgLength bytes too. The byte count is chosen as aml-build's
 * build_prepend_package_length does (from the content length plus the bytes a form would add).
 */
export function pkgLength(length: number, inclSelf: boolean): number[] {
  let n: number;
  if (length + 1 < 1 << 6) n = 1;
  else if (length + 2 < 1 << 12) n = 2;
  else if (length + 3 < 1 << 20) n = 3;
  else n = 4;
  const total = inclSelf ? length + n : length;
  if (n === 1) return [total];
  const out = [((n - 1) << 6) | (total & 0x0f)];
  for (let i = 1, v = total >>> 4; i < n; i++, v >>>= 8) out.push(v & 0xff);
  return out;
}

/** `op` followed by a PkgLength covering `body`, then `body`. */
function withPkg(op: number[], body: Aml): Aml {
  return [...op, ...pkgLength(body.length, true), ...body];
}

/** Joins terms. */
export function cat(...terms: Aml[]): Aml {
  const out: number[] = [];
  for (const t of terms) for (const b of t) out.push(b);
  return out;
}

/** One name segment: up to four characters, padded with '_'. */
function nameSeg(seg: string): number[] {
  if (seg.length < 1 || seg.length > 4) throw new Error(`bad AML name segment '${seg}'`);
  const padded = seg.padEnd(4, "_");
  return [...padded].map((c) => c.charCodeAt(0));
}

/** A NameString: optional root '\' or parent '^' prefixes, then dot-separated segments. */
export function nameString(name: string): Aml {
  const out: number[] = [];
  let rest = name;
  if (rest.startsWith("\\")) {
    out.push(ROOT_CHAR);
    rest = rest.slice(1);
  }
  while (rest.startsWith("^")) {
    out.push(PARENT_PREFIX_CHAR);
    rest = rest.slice(1);
  }
  const segs = rest === "" ? [] : rest.split(".");
  if (segs.length === 0) out.push(NULL_NAME);
  else if (segs.length === 2) out.push(DUAL_NAME_PREFIX);
  else if (segs.length > 2) out.push(MULTI_NAME_PREFIX, segs.length);
  for (const s of segs) out.push(...nameSeg(s));
  return out;
}

/** An integer in its shortest form: Zero, One, or a Byte/Word/DWord/QWord constant. */
export function int(value: number | bigint): Aml {
  const v = BigInt(value);
  if (v < 0n || v > 0xffffffffffffffffn) throw new Error(`AML integer out of range: ${value}`);
  if (v === 0n) return [ZERO_OP];
  if (v === 1n) return [ONE_OP];
  if (v <= 0xffn) return [BYTE_PREFIX, Number(v)];
  if (v <= 0xffffn) return [WORD_PREFIX, ...le(Number(v), 2)];
  if (v <= 0xffffffffn) return [DWORD_PREFIX, ...le(Number(v), 4)];
  return [QWORD_PREFIX, ...le64(v)];
}

/** `v` as `n` little-endian bytes (n <= 4). */
export function le(v: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.floor(v / 2 ** (8 * i)) & 0xff);
  return out;
}

/** `v` as 8 little-endian bytes. */
export function le64(v: bigint | number): number[] {
  let x = BigInt(v);
  const out: number[] = [];
  for (let i = 0; i < 8; i++, x >>= 8n) out.push(Number(x & 0xffn));
  return out;
}

/** A string constant. */
export function str(s: string): Aml {
  return [STRING_PREFIX, ...[...s].map((c) => c.charCodeAt(0)), 0];
}

/** A compressed EISA ID ("PNP0A03") as the DWord integer ASL's EisaId() gives. */
export function eisaId(id: string): Aml {
  const c = (i: number) => (id.charCodeAt(i) - 0x40) & 0x1f;
  const hex = Number.parseInt(id.slice(3), 16);
  const v = ((c(0) << 26) | (c(1) << 21) | (c(2) << 16) | hex) >>> 0;
  // Stored big-endian in the integer's bytes.
  const swapped = (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
  return int(swapped);
}

/** ToUUID("aabbccdd-eeff-gghh-iijj-kkllmmnnoopp"): a 16-byte buffer in ACPI's mixed-endian order. */
export function toUuid(uuid: string): Aml {
  const h = uuid.replace(/-/g, "");
  const byte = (i: number) => Number.parseInt(h.slice(2 * i, 2 * i + 2), 16);
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return buffer(order.map(byte));
}

/** Name(NAME, value). */
export function nameDecl(name: string, value: Aml): Aml {
  return [NAME_OP, ...nameString(name), ...value];
}

/** Scope(NAME) { body }. */
export function scope(name: string, ...body: Aml[]): Aml {
  return withPkg([SCOPE_OP], cat(nameString(name), ...body));
}

/** Device(NAME) { body }. */
export function device(name: string, ...body: Aml[]): Aml {
  return withPkg([EXT_OP_PREFIX, DEVICE_OP], cat(nameString(name), ...body));
}

/** Method(NAME, argCount, Serialized|NotSerialized) { body } (sync level 0). */
export function method(name: string, argCount: number, serialized: boolean, ...body: Aml[]): Aml {
  return withPkg([METHOD_OP], cat(nameString(name), [argCount | (serialized ? 0x08 : 0)], ...body));
}

/** Processor(NAME, id, pblkAddress, pblkLength) { body }. */
export function processor(name: string, id: number, pblkAddr: number, pblkLen: number, ...body: Aml[]): Aml {
  return withPkg(
    [EXT_OP_PREFIX, PROCESSOR_OP],
    cat(nameString(name), [id], le(pblkAddr, 4), [pblkLen], ...body),
  );
}

/** Buffer() { bytes }. */
export function buffer(bytes: number[]): Aml {
  return withPkg([BUFFER_OP], cat(int(bytes.length), bytes));
}

/** Package(n) { elements } (n = elements.length unless `count` is given, e.g. an empty Package(0x80)). */
export function pkg(elements: Aml[], count = elements.length): Aml {
  return withPkg([PACKAGE_OP], cat([count], ...elements));
}

/** Mutex(NAME, syncLevel). */
export function mutex(name: string, syncLevel: number): Aml {
  return [EXT_OP_PREFIX, MUTEX_OP, ...nameString(name), syncLevel];
}

/** Acquire(mutex, timeout). */
export function acquire(mutexName: Aml, timeout: number): Aml {
  return [EXT_OP_PREFIX, ACQUIRE_OP, ...mutexName, ...le(timeout, 2)];
}

/** Release(mutex). */
export function release(mutexName: Aml): Aml {
  return [EXT_OP_PREFIX, RELEASE_OP, ...mutexName];
}

/** OperationRegion(NAME, space, offset, length). */
export function opRegion(name: string, space: number, offset: Aml, length: number): Aml {
  return cat([EXT_OP_PREFIX, OP_REGION_OP], nameString(name), [space], offset, int(length));
}

/** Field(REGION, flags) { elements } (see namedField/reservedField). */
export function field(region: string, flags: number, ...elements: Aml[]): Aml {
  return withPkg([EXT_OP_PREFIX, FIELD_OP], cat(nameString(region), [flags], ...elements));
}

/** A named field element of `bits` bits. */
export function namedField(name: string, bits: number): Aml {
  return [...nameSeg(name), ...pkgLength(bits, false)];
}

/** An unnamed (Offset/reserved) field element of `bits` bits. */
export function reservedField(bits: number): Aml {
  return [0x00, ...pkgLength(bits, false)];
}

/** Local0-7 and Arg0-6. */
export function local(n: number): Aml {
  return [LOCAL0_OP + n];
}
export function arg(n: number): Aml {
  return [ARG0_OP + n];
}
/** The Debug object. */
export const DEBUG: Aml = [EXT_OP_PREFIX, DEBUG_OP];

/** A method invocation: NAME(args...). */
export function call(name: string, ...args: Aml[]): Aml {
  return cat(nameString(name), ...args);
}

/** Store(src, dst). */
export function store(src: Aml, dst: Aml): Aml {
  return cat([STORE_OP], src, dst);
}

/** Binary operators with an optional target (NullName when none, as aml-build writes them). */
function binary(op: number, a: Aml, b: Aml, target?: Aml): Aml {
  return cat([op], a, b, target ?? [NULL_NAME]);
}
export const add = (a: Aml, b: Aml, t?: Aml): Aml => binary(ADD_OP, a, b, t);
export const subtract = (a: Aml, b: Aml, t?: Aml): Aml => binary(SUBTRACT_OP, a, b, t);
export const and = (a: Aml, b: Aml, t?: Aml): Aml => binary(AND_OP, a, b, t);
export const or = (a: Aml, b: Aml, t?: Aml): Aml => binary(OR_OP, a, b, t);
export const shiftLeft = (a: Aml, b: Aml, t?: Aml): Aml => binary(SHIFT_LEFT_OP, a, b, t);
export const shiftRight = (a: Aml, b: Aml, t?: Aml): Aml => binary(SHIFT_RIGHT_OP, a, b, t);
/** Index(obj, idx) with no target. */
export const index = (obj: Aml, idx: Aml): Aml => binary(INDEX_OP, obj, idx);
/** ToHexString(a, target) and ToBuffer(a, target). */
export const toHexString = (a: Aml, t: Aml): Aml => cat([TO_HEX_STRING_OP], a, t);
export const toBuffer = (a: Aml, t: Aml): Aml => cat([TO_BUFFER_OP], a, t);
/** ToInteger(a) with no target. */
export const toInteger = (a: Aml): Aml => cat([TO_INTEGER_OP], a, [NULL_NAME]);

/** Logical operators. */
export const lEqual = (a: Aml, b: Aml): Aml => cat([LEQUAL_OP], a, b);
export const lLess = (a: Aml, b: Aml): Aml => cat([LLESS_OP], a, b);
export const lGreater = (a: Aml, b: Aml): Aml => cat([LGREATER_OP], a, b);
export const lAnd = (a: Aml, b: Aml): Aml => cat([LAND_OP], a, b);
export const lOr = (a: Aml, b: Aml): Aml => cat([LOR_OP], a, b);
export const lNot = (a: Aml): Aml => cat([LNOT_OP], a);

/** Unary terms. */
export const increment = (a: Aml): Aml => cat([INCREMENT_OP], a);
export const derefOf = (a: Aml): Aml => cat([DEREF_OF_OP], a);
export const sizeOf = (a: Aml): Aml => cat([SIZE_OF_OP], a);
export const ret = (a: Aml): Aml => cat([RETURN_OP], a);
export const notify = (obj: Aml, value: Aml): Aml => cat([NOTIFY_OP], obj, value);
export const BREAK: Aml = [BREAK_OP];

/** CreateDWordField(buffer, byteIndex, NAME). */
export function createDWordField(buf: Aml, byteIndex: Aml, name: string): Aml {
  return cat([CREATE_DWORD_FIELD_OP], buf, byteIndex, nameString(name));
}

/** If(predicate) { body }, Else { body }, While(predicate) { body }. */
export function ifThen(predicate: Aml, ...body: Aml[]): Aml {
  return withPkg([IF_OP], cat(predicate, ...body));
}
export function orElse(...body: Aml[]): Aml {
  return withPkg([ELSE_OP], cat(...body));
}
export function whileLoop(predicate: Aml, ...body: Aml[]): Aml {
  return withPkg([WHILE_OP], cat(predicate, ...body));
}

// ---------------------------------------------------------------------------------------------
// Resource descriptors (ACPI 6.4 §6.4) and ResourceTemplate().

/** ResourceTemplate() { descriptors }: a buffer ending with an End Tag whose checksum is 0. */
export function resourceTemplate(...descriptors: Aml[]): Aml {
  return buffer(cat(...descriptors, [0x79, 0x00]));
}

/** IO(Decode16|Decode10, min, max, alignment, length): the small I/O port descriptor. */
export function io(decode16: boolean, min: number, max: number, align: number, length: number): Aml {
  return [0x47, decode16 ? 1 : 0, ...le(min, 2), ...le(max, 2), align, length];
}

/** IRQNoFlags() {irq}: the 2-byte-mask IRQ descriptor. */
export function irqNoFlags(irq: number): Aml {
  return [0x22, ...le(1 << irq, 2)];
}

/** DMA(Compatibility, NotBusMaster, Transfer8) {channel}. */
export function dma(channel: number): Aml {
  return [0x2a, 1 << channel, 0x00];
}

/** Memory32Fixed(ReadOnly|ReadWrite, base, length). */
export function memory32Fixed(base: number, length: number, readWrite: boolean): Aml {
  return [0x86, 9, 0, readWrite ? 1 : 0, ...le(base, 4), ...le(length, 4)];
}

/** Interrupt(ResourceConsumer, Level, ActiveHigh, Shared) {irqs}: the extended interrupt descriptor. */
export function interruptLevelHighShared(irqs: number[]): Aml {
  const flags = 0x01 /* consumer */ | 0x08; /* shared */
  return [0x89, ...le(2 + 4 * irqs.length, 2), flags, irqs.length, ...irqs.flatMap((i) => le(i, 4))];
}

/** Address space descriptor resource types (ACPI 6.4 §6.4.3.5). */
const RES_MEMORY = 0;
const RES_IO = 1;
const RES_BUS = 2;
/** General flags: producer, positive decode, MinFixed, MaxFixed. */
const ADDR_FLAGS = 0x0c;

/** WordBusNumber(ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, min, max, 0, length). */
export function wordBusNumber(min: number, max: number, length: number): Aml {
  return [0x88, 13, 0, RES_BUS, ADDR_FLAGS, 0, 0, 0, ...le(min, 2), ...le(max, 2), 0, 0, ...le(length, 2)];
}

/** WordIO(ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0, min, max, 0, length). */
export function wordIo(min: number, max: number, length: number): Aml {
  return [0x88, 13, 0, RES_IO, ADDR_FLAGS, 0x03, 0, 0, ...le(min, 2), ...le(max, 2), 0, 0, ...le(length, 2)];
}

/** DWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed, cacheable?, ReadWrite, 0, min, max, 0, length). */
export function dwordMemory(min: number, max: number, length: number, cacheable: boolean): Aml {
  const typeFlags = 0x01 /* read-write */ | (cacheable ? 0x02 : 0);
  return [
    0x87,
    23,
    0,
    RES_MEMORY,
    ADDR_FLAGS,
    typeFlags,
    0,
    0,
    0,
    0,
    ...le(min, 4),
    ...le(max, 4),
    0,
    0,
    0,
    0,
    ...le(length, 4),
  ];
}

/** QWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite, 0, min, max, 0, length). */
export function qwordMemory(min: bigint, max: bigint, length: bigint): Aml {
  return [
    0x8a,
    43,
    0,
    RES_MEMORY,
    ADDR_FLAGS,
    0x03,
    ...le64(0),
    ...le64(min),
    ...le64(max),
    ...le64(0),
    ...le64(length),
  ];
}
