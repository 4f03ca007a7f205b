// Keeps a derived value while its inputs stay the same objects, so a published snapshot reuses the
// pieces that did not change and React.memo'd panes skip re-rendering them.

/** One cached value and the inputs it was computed from. */
export class Memo<T> {
  private deps: readonly unknown[] | null = null;
  private value: T | undefined;

  /** The value for `deps` (compared with Object.is), computed only when one of them changed. */
  get(deps: readonly unknown[], compute: () => T): T {
    const same =
      this.deps !== null &&
      this.deps.length === deps.length &&
      this.deps.every((d, i) => Object.is(d, deps[i]));
    if (!same) {
      this.value = compute();
      this.deps = deps;
    }
    return this.value as T;
  }
}
