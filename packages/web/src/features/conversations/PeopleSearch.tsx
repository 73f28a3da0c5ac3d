import type { User } from '@confab/protocol';
import { useEffect, useId, useState } from 'react';
import { useApp } from '../../state/AppContext.js';
import { PersonName } from '../../components/PersonName.js';
import { describeError } from '../../components/errors.js';

/** Waits this long after the last keystroke before asking the directory. */
const DEBOUNCE_MS = 200;

/**
 * Search the directory as you type: each result a button naming the person (display name and
 * username) with `actionLabel`. `exclude` leaves out people already chosen (and me).
 */
export function PeopleSearch({
  label,
  actionLabel,
  onPick,
  exclude = [],
}: {
  label: string;
  actionLabel: string;
  onPick: (user: User) => void | Promise<void>;
  exclude?: readonly string[];
}) {
  const { client, me, people } = useApp();
  const id = useId();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{ query: string; users: User[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const q = query.trim();
    if (q === '') return;
    let live = true;
    const timer = setTimeout(() => {
      client.searchUsers({ q, limit: 20 }).then(
        (page) => {
          if (!live) return;
          people.remember(page.items);
          setResults({ query: q, users: page.items });
          setError(null);
        },
        (caught: unknown) => live && setError(describeError(caught)),
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, people, query]);
  const shown = query.trim() === '' ? [] : (results?.users ?? []).filter((u) => u.id !== me.id && !exclude.includes(u.id));
  return (
    <div className="people-search">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" dir="auto" autoComplete="off" value={query} onChange={(e) => setQuery(e.target.value)} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {results && query.trim() !== '' && (
        <ul className="people-results" aria-label={`${label}: results`}>
          {shown.length === 0 && results.query === query.trim() && <li className="list-status">Nobody found.</li>}
          {shown.map((user) => (
            <li key={user.id}>
              <PersonName user={user} />
              <button type="button" onClick={() => void onPick(user)}>
                {actionLabel}
                <span className="visually-hidden">
                  {' '}
                  {user.displayName} @{user.username}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
