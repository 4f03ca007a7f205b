// The qcow2 header (docs/interop/qcow2.txt in QEMU): parsing with every check QEMU makes at open,
// plus the one-line errors pcscope gives for what it refuses, and the encoder used by create.
import { BlockError, EINVAL, ENOTSUP } from "../errors.ts";

export const QCOW2_MAGIC = 0x514649fb;
/** Header extension types. */
export const EXT_END = 0;
export const EXT_BACKING_FORMAT = 0xe2792aca;
export const EXT_FEATURE_TABLE = 0x6803f857;
export const EXT_BITMAPS = 0x23852875;
export const EXT_CRYPTO = 0x0537be77;
export const EXT_DATA_FILE = 0x44415441;
/** Incompatible feature bits. */
export const INCOMPAT_DIRTY = 1n << 0n;
export const INCOMPAT_CORRUPT = 1n << 1n;
export const INCOMPAT_DATA_FILE = 1n << 2n;
export const INCOMPAT_COMPRESSION = 1n << 3n;
export const INCOMPAT_EXTL2 = 1n << 4n;
/** Compatible feature bits. */
export const COMPAT_LAZY_REFCOUNTS = 1n << 0n;
/** Byte offsets of the header fields pcscope rewrites. */
export const HDR_REFCOUNT_TABLE_OFFSET = 48;
export const HDR_INCOMPATIBLE = 72;
export const HDR_AUTOCLEAR = 88;
/** QEMU's limits on table sizes at open. */
export const MAX_L1_BYTES = 32 * 1024 * 1024;
export const MAX_REFTABLE_BYTES = 8 * 1024 * 1024;
export const MAX_SNAPSHOTS = 65536;
/** Fixed header sizes: version 2 has 72 bytes, version 3 adds fields up to 104. */
export const V2_HEADER_BYTES = 72;
export const V3_HEADER_BYTES = 104;
/** Guest sizes above this cannot be addressed with JS numbers safely. */
export const MAX_IMAGE_SIZE = 2 ** 52;

/** The feature names qemu-img 7.2 writes into the feature-name-table extension. */
export const FEATURE_NAMES: readonly [number, number, string][] = [
  [0, 0, "dirty bit"],
  [0, 1, "corrupt bit"],
  [0, 2, "external data file"],
  [0, 3, "compression type"],
  [0, 4, "extended L2 entries"],
  [1, 0, "lazy refcounts"],
  [2, 0, "bitmaps"],
  [2, 1, "raw external data"],
];

/** A parsed, validated header. */
export interface Qcow2Header {
  version: number;
  backingFileOffset: number;
  backingFileSize: number;
  clusterBits: number;
  size: number;
  cryptMethod: number;
  l1Size: number;
  l1TableOffset: number;
  refcountTableOffset: number;
  refcountTableClusters: number;
  nbSnapshots: number;
  snapshotsOffset: number;
  incompatible: bigint;
  compatible: bigint;
  autoclear: bigint;
  refcountOrder: number;
  headerLength: number;
  compressionType: number;
  backingFile: string | null;
  backingFormat: string | null;
  /** Names of features from the feature-name table, keyed `type:bit`. */
  featureNames: Map<string, string>;
  /** Extension types present (in order). */
  extensions: number[];
}

/** Error for a malformed image. */
function bad(filename: string, what: string): BlockError {
  return new BlockError(EINVAL, `Could not open '${filename}': ${what}`);
}

/** Error for a valid image using a feature pcscope does not implement. */
function unsupported(filename: string, what: string): BlockError {
  return new BlockError(ENOTSUP, `Could not open '${filename}': ${what}`);
}

/** True when `value` is a multiple of `align` (a power of two). */
function aligned(value: number, align: number): boolean {
  return value % align === 0;
}

/**
 * Parses cluster 0 of a qcow2 file (`buf` holds at least its first 512 bytes, zero padded past the
 * end of the file) and validates it against the file length. Throws a one-line BlockError on anything QEMU
 * would refuse and on what pcscope does not support.
 */
export function parseHeader(buf: Uint8Array, fileLength: number, filename: string): Qcow2Header {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u64 = (o: number): number => {
    const v = dv.getBigUint64(o);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(v);
  };
  if (dv.getUint32(0) !== QCOW2_MAGIC) throw bad(filename, "not a qcow2 image (bad magic)");
  const version = dv.getUint32(4);
  if (version !== 2 && version !== 3) throw unsupported(filename, `unsupported qcow2 version ${version}`);
  // QEMU reads the header zero-padded and reports "qcow2 header too short"; pcscope names the real size.
  const needed = version === 2 ? V2_HEADER_BYTES : V3_HEADER_BYTES;
  if (fileLength < needed) {
    throw bad(
      filename,
      `qcow2 header too short (the file is ${fileLength} bytes; a version ${version} header needs ${needed})`,
    );
  }
  const clusterBits = dv.getUint32(20);
  if (clusterBits < 9 || clusterBits > 21) throw bad(filename, `unsupported cluster size 2^${clusterBits}`);
  const cs = 2 ** clusterBits;
  const h: Qcow2Header = {
    version,
    backingFileOffset: u64(8),
    backingFileSize: dv.getUint32(16),
    clusterBits,
    size: u64(24),
    cryptMethod: dv.getUint32(32),
    l1Size: dv.getUint32(36),
    l1TableOffset: u64(40),
    refcountTableOffset: u64(48),
    refcountTableClusters: dv.getUint32(56),
    nbSnapshots: dv.getUint32(60),
    snapshotsOffset: u64(64),
    incompatible: 0n,
    compatible: 0n,
    autoclear: 0n,
    refcountOrder: 4,
    headerLength: 72,
    compressionType: 0,
    backingFile: null,
    backingFormat: null,
    featureNames: new Map(),
    extensions: [],
  };
  if (version === 3) {
    h.incompatible = dv.getBigUint64(72);
    h.compatible = dv.getBigUint64(80);
    h.autoclear = dv.getBigUint64(88);
    h.refcountOrder = dv.getUint32(96);
    h.headerLength = dv.getUint32(100);
    if (h.headerLength < V3_HEADER_BYTES) {
      throw bad(
        filename,
        `qcow2 header too short (its header_length field says ${h.headerLength}; version 3 needs at least 104)`,
      );
    }
    if (h.headerLength > cs) throw bad(filename, "qcow2 header exceeds cluster size");
    if (h.headerLength > 104) h.compressionType = buf[104]!;
  }
  if (h.refcountOrder > 6) throw bad(filename, `refcount width 2^${h.refcountOrder} bits is too large`);
  parseExtensions(buf, dv, h, cs, filename);
  checkFeatures(h, filename);
  checkGeometry(h, cs, fileLength, filename);
  if (h.backingFileOffset !== 0) {
    if (h.backingFileSize > 1023 || h.backingFileOffset + h.backingFileSize > Math.min(cs, buf.length)) {
      throw bad(filename, "backing file name too long or outside the header cluster");
    }
    h.backingFile = new TextDecoder().decode(
      buf.subarray(h.backingFileOffset, h.backingFileOffset + h.backingFileSize),
    );
  }
  return h;
}

/** Walks the header extensions after the header (up to the backing name or the cluster end). */
function parseExtensions(buf: Uint8Array, dv: DataView, h: Qcow2Header, cs: number, filename: string): void {
  let off = h.headerLength;
  const end = Math.min(h.backingFileOffset !== 0 ? h.backingFileOffset : cs, buf.length);
  while (off + 8 <= end) {
    const type = dv.getUint32(off);
    const len = dv.getUint32(off + 4);
    if (type === EXT_END) return;
    if (off + 8 + len > end)
      throw bad(filename, `header extension 0x${type.toString(16)} runs past the header`);
    h.extensions.push(type);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === EXT_BACKING_FORMAT) h.backingFormat = new TextDecoder().decode(data);
    else if (type === EXT_FEATURE_TABLE) {
      for (let i = 0; i + 48 <= len; i += 48) {
        const name = new TextDecoder().decode(data.subarray(i + 2, i + 48)).replace(/\0.*$/s, "");
        h.featureNames.set(`${data[i]}:${data[i + 1]}`, name);
      }
    } else if (type === EXT_CRYPTO) throw unsupported(filename, "encrypted images are not supported");
    else if (type === EXT_DATA_FILE) throw unsupported(filename, "external data files are not supported");
    off += 8 + Math.ceil(len / 8) * 8;
  }
}

/** Names the bits of `bits` of feature `type` (0 incompatible, 1 compatible, 2 autoclear). */
export function featureList(h: Qcow2Header, type: number, bits: bigint): string {
  const names: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((bits >> BigInt(bit)) & 1n)
      names.push(h.featureNames.get(`${type}:${bit}`) ?? `unknown feature bit ${bit}`);
  }
  return names.join(", ");
}

/** Refuses features pcscope cannot honour, with the feature's name. */
function checkFeatures(h: Qcow2Header, filename: string): void {
  if (h.cryptMethod !== 0) throw unsupported(filename, "encrypted images are not supported");
  const known =
    INCOMPAT_DIRTY | INCOMPAT_CORRUPT | INCOMPAT_DATA_FILE | INCOMPAT_COMPRESSION | INCOMPAT_EXTL2;
  const unknown = h.incompatible & ~known;
  if (unknown !== 0n)
    throw unsupported(filename, `unsupported qcow2 feature(s): ${featureList(h, 0, unknown)}`);
  if (h.incompatible & INCOMPAT_DATA_FILE)
    throw unsupported(filename, "external data files are not supported");
  if (h.incompatible & INCOMPAT_EXTL2) throw unsupported(filename, "extended L2 entries are not supported");
  if (h.incompatible & INCOMPAT_COMPRESSION) {
    if (h.compressionType !== 0) {
      const name = h.compressionType === 1 ? "zstd" : `type ${h.compressionType}`;
      throw unsupported(filename, `compression type ${name} is not supported (only zlib)`);
    }
  } else if (h.compressionType !== 0) {
    throw bad(filename, "compression type set without the compression type feature bit");
  }
}

/** Checks the sizes and table offsets against QEMU's rules and the file length. */
function checkGeometry(h: Qcow2Header, cs: number, fileLength: number, filename: string): void {
  if (!Number.isFinite(h.size) || h.size > MAX_IMAGE_SIZE) throw bad(filename, "image size too large");
  const l2Entries = cs / 8;
  const needL1 = Math.ceil(h.size / (cs * l2Entries));
  if (h.l1Size < needL1) throw bad(filename, "L1 table is too small for the image size");
  if (h.l1Size * 8 > MAX_L1_BYTES) throw bad(filename, "active L1 table too large");
  const table = (what: string, offset: number, bytes: number): void => {
    if (!Number.isFinite(offset) || !aligned(offset, cs)) throw bad(filename, `${what} offset invalid`);
    if (bytes > 0 && (offset === 0 || offset + bytes > Math.ceil(fileLength / cs) * cs)) {
      throw bad(filename, `${what} lies outside the image file`);
    }
  };
  table("L1 table", h.l1TableOffset, h.l1Size * 8);
  if (h.refcountTableClusters === 0) throw bad(filename, "image has no refcount table");
  if (h.refcountTableClusters * cs > MAX_REFTABLE_BYTES)
    throw bad(filename, "reference count table too large");
  table("refcount table", h.refcountTableOffset, h.refcountTableClusters * cs);
  if (h.nbSnapshots > MAX_SNAPSHOTS) throw bad(filename, "too many snapshots");
  if (h.nbSnapshots > 0) table("snapshot table", h.snapshotsOffset, 1);
}

/** What create needs to lay out a header. */
export interface HeaderSpec {
  version: 2 | 3;
  clusterBits: number;
  size: number;
  l1Size: number;
  l1TableOffset: number;
  refcountTableOffset: number;
  refcountTableClusters: number;
  refcountOrder: number;
  backingFile?: string;
  backingFormat?: string;
}

/** Encodes cluster 0 (header, extensions, backing file name) as qemu-img 7.2 lays it out. */
export function encodeHeader(spec: HeaderSpec): Uint8Array {
  const cs = 2 ** spec.clusterBits;
  const buf = new Uint8Array(cs);
  const dv = new DataView(buf.buffer);
  const headerLength = spec.version === 3 ? 112 : 72;
  dv.setUint32(0, QCOW2_MAGIC);
  dv.setUint32(4, spec.version);
  dv.setUint32(20, spec.clusterBits);
  dv.setBigUint64(24, BigInt(spec.size));
  dv.setUint32(36, spec.l1Size);
  dv.setBigUint64(40, BigInt(spec.l1TableOffset));
  dv.setBigUint64(48, BigInt(spec.refcountTableOffset));
  dv.setUint32(56, spec.refcountTableClusters);
  if (spec.version === 3) {
    dv.setUint32(96, spec.refcountOrder);
    dv.setUint32(100, headerLength);
  }
  let off = headerLength;
  const enc = new TextEncoder();
  if (spec.backingFormat !== undefined) {
    const data = enc.encode(spec.backingFormat);
    dv.setUint32(off, EXT_BACKING_FORMAT);
    dv.setUint32(off + 4, data.length);
    buf.set(data, off + 8);
    off += 8 + Math.ceil(data.length / 8) * 8;
  }
  if (spec.version === 3) {
    dv.setUint32(off, EXT_FEATURE_TABLE);
    dv.setUint32(off + 4, FEATURE_NAMES.length * 48);
    let p = off + 8;
    for (const [type, bit, name] of FEATURE_NAMES) {
      buf[p] = type;
      buf[p + 1] = bit;
      buf.set(enc.encode(name), p + 2);
      p += 48;
    }
    off = p;
  }
  off += 8; // end-of-extensions marker (zeros)
  if (spec.backingFile !== undefined) {
    const name = enc.encode(spec.backingFile);
    if (name.length > 1023 || off + name.length > cs)
      throw new BlockError(EINVAL, "backing file name too long");
    buf.set(name, off);
    dv.setBigUint64(8, BigInt(off));
    dv.setUint32(16, name.length);
  }
  return buf;
}
