// The qcow2 metadata caches (QEMU's qcow2-cache.c): one for L2 tables, one for refcount blocks.
// Entries are whole clusters keyed by host offset, evicted least-recently-used, written back when
// evicted or flushed. A cache may depend on another: before any entry of the L2 cache is written,
// the refcount cache is written back and the file synced, so an L2 entry never reaches the file
// before the refcount of the cluster it points at.
import type { Co } from "../coroutine.ts";
import type { FileNode } from "../file.ts";
import type { ReqCtx } from "../request.ts";

/** One cached table. */
export class CacheEntry {
  dirty = false;
  readonly view: DataView;
  constructor(
    readonly offset: number,
    readonly data: Uint8Array,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
}

/** Hooks into the driver: the overlap-checked write of one table. */
export interface CacheWriter {
  /** Writes `data` at `offset` (after the overlap check for metadata kind `kind`). */
  writeTable(r: ReqCtx, offset: number, data: Uint8Array, kind: number): Co<void>;
}

export class Qcow2Cache {
  /** Map iteration order is the LRU order: oldest first. */
  private readonly entries = new Map<number, CacheEntry>();
  /** Cache written back (and synced) before any entry of this one. */
  dependsOn: Qcow2Cache | null = null;

  constructor(
    /** "l2" or "refcount" in traces. */
    readonly name: string,
    private readonly file: FileNode,
    private readonly writer: CacheWriter,
    private readonly capacity: number,
    private readonly clusterSize: number,
    /** Overlap kind of the tables held. */
    private readonly kind: number,
  ) {}

  /** The cached table at `offset`, made most recent; undefined on a miss. */
  lookup(offset: number): CacheEntry | undefined {
    const e = this.entries.get(offset);
    if (e !== undefined && this.entries.size > 1) {
      this.entries.delete(offset);
      this.entries.set(offset, e);
    }
    return e;
  }

  /** Loads the table at `offset` (evicting the oldest entry if full). */
  *load(r: ReqCtx, offset: number): Co<CacheEntry> {
    const hit = this.lookup(offset);
    if (hit !== undefined) return hit;
    const data = new Uint8Array(this.clusterSize);
    yield* this.file.coPreadv(r, offset, this.clusterSize, data);
    yield* this.makeRoom(r);
    const e = new CacheEntry(offset, data);
    this.entries.set(offset, e);
    return e;
  }

  /** Inserts a table freshly created at `offset` (already on disk or to be written) as dirty or not. */
  *insert(r: ReqCtx, offset: number, data: Uint8Array, dirty: boolean): Co<CacheEntry> {
    this.entries.delete(offset);
    yield* this.makeRoom(r);
    const e = new CacheEntry(offset, data);
    e.dirty = dirty;
    this.entries.set(offset, e);
    return e;
  }

  /** Drops the entry at `offset` without writing it (the table was freed). */
  discard(offset: number): void {
    this.entries.delete(offset);
  }

  /** True when some entry waits to be written. */
  hasDirty(): boolean {
    for (const e of this.entries.values()) if (e.dirty) return true;
    return false;
  }

  /** Writes back every dirty entry, in offset order; the caller syncs the file. */
  *writeBack(r: ReqCtx): Co<void> {
    if (!this.hasDirty()) return;
    const t = this.file.ctx.trace.qcow2_cache_flush;
    if (t.on) t.emit({ co: r.co, cache: this.name }, r);
    const dirty = [...this.entries.values()].filter((e) => e.dirty).sort((a, b) => a.offset - b.offset);
    for (const e of dirty) yield* this.writeEntry(r, e);
  }

  /** Drops every entry (after an error made the image unusable). */
  clear(): void {
    this.entries.clear();
  }

  private *writeEntry(r: ReqCtx, e: CacheEntry): Co<void> {
    const dep = this.dependsOn;
    if (dep?.hasDirty()) {
      yield* dep.writeBack(r);
      yield* this.file.coFlush(r);
    }
    const t = this.file.ctx.trace.qcow2_cache_entry_flush;
    if (t.on) t.emit({ co: r.co, cache: this.name, offset: e.offset }, r);
    yield* this.writer.writeTable(r, e.offset, e.data, this.kind);
    e.dirty = false;
  }

  private *makeRoom(r: ReqCtx): Co<void> {
    while (this.entries.size >= this.capacity) {
      const oldest = this.entries.values().next().value as CacheEntry;
      if (oldest.dirty) yield* this.writeEntry(r, oldest);
      this.entries.delete(oldest.offset);
    }
  }
}
