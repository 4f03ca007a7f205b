// Plain-data copies of an object's own fields, for device snapshots: numbers, booleans, strings,
// null, typed arrays (copied) and arrays of those (copied). A saved record shares nothing with the
// live object, so it can be loaded any number of times. Fields holding anything else (trace points,
// IRQ lines, callbacks, child objects) must be named in `skip` and saved by their owner; a field that
// is neither plain nor skipped throws, so a device that grows live state cannot be snapshotted
// silently wrong.

/** A typed array of numbers. */
type NumberArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** One saved field. */
export type PlainValue = number | boolean | string | null | NumberArray | readonly PlainValue[];

/** Saved fields by name. */
export type PlainRecord = Readonly<Record<string, PlainValue>>;

/** True for a typed array of numbers. */
function isNumberArray(v: unknown): v is NumberArray {
  return (
    ArrayBuffer.isView(v) &&
    !(v instanceof DataView) &&
    !(v instanceof BigInt64Array) &&
    !(v instanceof BigUint64Array)
  );
}

/** A copy of `v` sharing nothing with it; throws for anything that is not plain data. */
function copyValue(v: unknown, where: string): PlainValue {
  if (v === null || typeof v === "number" || typeof v === "boolean" || typeof v === "string") return v;
  if (isNumberArray(v)) return v.slice();
  if (Array.isArray(v)) return v.map((x, i) => copyValue(x, `${where}[${i}]`));
  throw new Error(`snapshot: ${where} is not plain data`);
}

/**
 * Copies every own field of `obj` except those in `skip` (and functions' absence is checked: a
 * field holding a function or an object must be skipped). Needs: `obj` is a device's state holder.
 */
export function savePlain(obj: object, skip: readonly string[] = []): PlainRecord {
  const out: Record<string, PlainValue> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (skip.includes(key)) continue;
    out[key] = copyValue(value, `${obj.constructor.name}.${key}`);
  }
  return out;
}

/**
 * Puts back fields saved by savePlain(): typed arrays and arrays are refilled in place (readonly
 * fields keep their identity), other values assigned; the record stays unchanged and reusable.
 */
export function loadPlain(obj: object, state: PlainRecord): void {
  const target = obj as Record<string, unknown>;
  for (const [key, value] of Object.entries(state)) {
    const cur = target[key];
    if (isNumberArray(value)) {
      if (isNumberArray(cur) && cur.length === value.length) cur.set(value);
      else target[key] = value.slice();
    } else if (Array.isArray(value)) {
      const copy = copyValue(value, key) as PlainValue[];
      if (Array.isArray(cur)) cur.splice(0, cur.length, ...copy);
      else target[key] = copy;
    } else {
      target[key] = value;
    }
  }
}

/**
 * Arrays a saved state references without owning them (immutable contents shared with the live
 * device, such as fw_cfg items): not counted in a snapshot's bytes.
 */
const SHARED = new WeakSet<object>();

/** Marks `a` as shared (see SHARED) and returns it. */
export function shared<T extends object>(a: T): T {
  SHARED.add(a);
  return a;
}

/** Rough bytes a saved state owns: typed arrays by length (shared ones not), 8 per other value. */
export function stateBytes(v: unknown): number {
  if (v !== null && typeof v === "object" && SHARED.has(v)) return 0;
  if (ArrayBuffer.isView(v)) return v.byteLength;
  if (v instanceof Map) return v.size * 16;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + stateBytes(x), 0);
  if (v !== null && typeof v === "object")
    return Object.values(v).reduce((n: number, x) => n + stateBytes(x), 0);
  return 8;
}
