// The snapshot overlay of one block backend: guest writes made while machine snapshots are live
// stay in memory, sector by sector, and reads see them on top of the image; the image itself gets
// a sector only once every live snapshot and the running machine agree on its contents (the sector
// holds the same bytes in all of them), so loading any live snapshot can still bring back the
// disk it saw. With no snapshot left, everything the guest wrote is written to the image.
//
// Sector buffers are never changed once stored (a write stores new ones), so a saved state shares
// them with the running overlay and with other states; "the same bytes" is checked by identity.

/** Granularity of the overlay: 512-byte sectors. */
export const OVERLAY_SECTOR = 512;

/** The disk contents a snapshot saw, beyond the image: sector number -> bytes. */
export interface OverlayState {
  readonly sectors: ReadonlyMap<number, Uint8Array>;
}

/** The overlay. */
export class SnapshotOverlay {
  /** What the running guest sees beyond the image. */
  private current = new Map<number, Uint8Array>();
  /** Saved states not yet released. */
  private readonly live = new Set<OverlayState>();

  /** Sectors held for the running guest. */
  get size(): number {
    return this.current.size;
  }

  /** Bytes of the sectors the running guest sees here (what a commit would write). */
  get bytes(): number {
    return this.current.size * OVERLAY_SECTOR;
  }

  /** The running guest's bytes of sector `n`, or undefined (then the image's). */
  get(n: number): Uint8Array | undefined {
    return this.current.get(n);
  }

  /** Stores sector `n`. Needs: `bytes` is OVERLAY_SECTOR long and no longer changed by the caller. */
  put(n: number, bytes: Uint8Array): void {
    this.current.set(n, bytes);
  }

  /** Saves the running guest's view; it stays live (its sectors kept) until release(). */
  save(): OverlayState {
    const state: OverlayState = { sectors: new Map(this.current) };
    this.live.add(state);
    return state;
  }

  /** Puts back the view of a live state: writes made since it was saved are dropped. */
  load(state: OverlayState): void {
    this.current = new Map(state.sectors);
  }

  /** True when no state is live (every sector can go to the image). */
  unused(): boolean {
    return this.live.size === 0;
  }

  /** Forgets `state`. */
  release(state: OverlayState): void {
    this.live.delete(state);
  }

  /** Forgets every state (at exit): takeAgreed() then gives every sector the running guest sees. */
  releaseAll(): void {
    this.live.clear();
  }

  /**
   * Removes and returns the sectors every live state and the running guest agree on (all of them
   * when no state is live), sorted by sector: the caller writes them to the image.
   */
  takeAgreed(): [number, Uint8Array][] {
    const out: [number, Uint8Array][] = [];
    for (const [n, bytes] of this.current) {
      let agreed = true;
      for (const s of this.live) {
        if (s.sectors.get(n) !== bytes) {
          agreed = false;
          break;
        }
      }
      if (agreed) out.push([n, bytes]);
    }
    for (const [n] of out) {
      this.current.delete(n);
      for (const s of this.live) (s.sectors as Map<number, Uint8Array>).delete(n);
    }
    return out.sort((a, b) => a[0] - b[0]);
  }
}
