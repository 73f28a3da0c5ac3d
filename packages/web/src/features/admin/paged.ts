import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../../components/errors.js';

type Loader<T> = (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>;

/**
 * A cursor-paged list read page by page: a new `load` (a new search) starts over, `more` appends
 * the next page. Only the answers for the current `load` land: typing fast must not show an
 * older search's page (the previous results stay on screen until the new ones arrive).
 */
export function usePaged<T>(load: Loader<T>) {
  const [list, setList] = useState<{ load: Loader<T>; items: T[]; cursor: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    let live = true;
    load(undefined).then(
      (page) => {
        if (!live) return;
        setList({ load, items: page.items, cursor: page.nextCursor });
        setError(null);
      },
      (caught: unknown) => live && setError(describeError(caught)),
    );
    return () => {
      live = false;
    };
  }, [load]);

  const cursor = list?.load === load ? list.cursor : null;
  const more = useCallback(async () => {
    if (cursor === null) return;
    setLoadingMore(true);
    try {
      const page = await load(cursor);
      setList((previous) =>
        previous && previous.load === load ? { load, items: [...previous.items, ...page.items], cursor: page.nextCursor } : previous,
      );
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setLoadingMore(false);
    }
  }, [cursor, load]);

  /** Replaces one item in place (after an action on it). */
  const replace = useCallback((match: (item: T) => boolean, next: T) => {
    setList((previous) => previous && { ...previous, items: previous.items.map((item) => (match(item) ? next : item)) });
  }, []);

  return { items: list?.items ?? null, hasMore: cursor !== null, more, busy: loadingMore, error, replace };
}
