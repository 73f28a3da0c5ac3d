import type { User } from '@confab/protocol';
import { useCallback } from 'react';
import { useLocation } from 'wouter';
import { useApp } from '../../state/AppContext.js';
import { useAction } from '../../components/useAction.js';
import { PeopleSearch } from './PeopleSearch.js';

/** `/new/direct`: find someone in the directory and open the conversation of the two of us (the same one every time). */
export function NewDirectPage() {
  const { client } = useApp();
  const [, navigate] = useLocation();
  const open = useCallback(
    async (user: User) => {
      const conversation = await client.openDirect(user.id);
      navigate(`/c/${conversation.id}`);
    },
    [client, navigate],
  );
  const { run, error } = useAction(open);
  return (
    <section className="page" aria-labelledby="new-direct-title">
      <h2 id="new-direct-title">New message</h2>
      <PeopleSearch label="Find people" actionLabel="Message" onPick={run} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
