import type { User } from '@confab/protocol';
import { useCallback, useState } from 'react';
import { useLocation } from 'wouter';
import { useApp } from '../../state/AppContext.js';
import { useAction } from '../../components/useAction.js';
import { PeopleSearch } from './PeopleSearch.js';
import { EncryptOption } from '../encryption/EncryptOption.js';
import { requireBrowserDevice } from '../encryption/browser-device.js';

/** `/new/direct`: find someone in the directory and open the conversation of the two of us (the same one every time). */
export function NewDirectPage() {
  const { client } = useApp();
  const [, navigate] = useLocation();
  const [encrypted, setEncrypted] = useState(false);
  const open = useCallback(
    async (user: User) => {
      if (encrypted) await requireBrowserDevice(client);
      const conversation = await client.openDirect(user.id, { encrypted });
      navigate(`/c/${conversation.id}`);
    },
    [client, navigate, encrypted],
  );
  const { run, error } = useAction(open);
  return (
    <section className="page" aria-labelledby="new-direct-title">
      <h2 id="new-direct-title">New message</h2>
      <EncryptOption checked={encrypted} onChange={setEncrypted} />
      <PeopleSearch label="Find people" actionLabel="Message" onPick={run} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
