/**
 * The shape every store of the app has, so React reads it with `useSyncExternalStore`: a
 * snapshot that changes identity only when something changed, and `subscribe`.
 */
export abstract class ExternalStore<T> {
  private readonly listeners = new Set<() => void>();

  protected constructor(private value: T) {}

  readonly getSnapshot = (): T => this.value;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  protected set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    for (const listener of this.listeners) listener();
  }
}
