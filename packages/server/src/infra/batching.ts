import DataLoader from 'dataloader';

/**
 * A per-user read whose calls of one moment share a query: a reconnect storm admits sockets a
 * slice at a time, and each socket reading its blocks, conversations and heads alone cost a
 * handful of queries per socket. Nothing is cached: every call is answered by a read that starts
 * after it was made (DataLoader runs the batch once the promise jobs of the current turn are
 * done), so what a caller did before calling — subscribing, replaying — comes first, as before.
 */
export function batchedReads<V>(read: (keys: readonly string[]) => Promise<Map<string, V>>, missing: () => V): DataLoader<string, V> {
  return new DataLoader<string, V>(
    async (keys) => {
      const found = await read(keys);
      return keys.map((key) => found.get(key) ?? missing());
    },
    { cache: false },
  );
}

/** A read without a key (the log's head), shared the same way by the calls of one moment. */
export function sharedRead<V>(read: () => Promise<V>): () => Promise<V> {
  const loader = new DataLoader<0, V>(
    async (keys) => {
      const value = await read();
      return keys.map(() => value);
    },
    { cache: false },
  );
  return () => loader.load(0);
}

/**
 * A write whose calls of one moment share a statement: thousands of users leaving at once would
 * otherwise cost a commit each. Each call settles when the write that carried it has (and fails
 * with it), so a caller can still order what it does after its own write.
 */
export function batchedWrites<T>(write: (items: readonly T[]) => Promise<void>): (item: T) => Promise<void> {
  const loader = new DataLoader<T, void>(
    async (items) => {
      await write(items);
      return items.map(() => undefined);
    },
    { cache: false },
  );
  return (item) => loader.load(item);
}
