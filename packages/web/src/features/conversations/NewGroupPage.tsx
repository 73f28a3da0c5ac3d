import type { User } from '@confab/protocol';
import { type FormEvent, useCallback, useState } from 'react';
import { useLocation } from 'wouter';
import { useApp } from '../../state/AppContext.js';
import { Field } from '../../components/Field.js';
import { PersonName } from '../../components/PersonName.js';
import { useAction } from '../../components/useAction.js';
import { PeopleSearch } from './PeopleSearch.js';
import { EncryptOption } from '../encryption/EncryptOption.js';
import { requireBrowserDevice } from '../encryption/browser-device.js';

/** `/new/group`: a name and the first members; I am its owner. */
export function NewGroupPage() {
  const { client } = useApp();
  const [, navigate] = useLocation();
  const [title, setTitle] = useState('');
  const [members, setMembers] = useState<User[]>([]);
  const [encrypted, setEncrypted] = useState(false);
  const create = useCallback(async () => {
    if (encrypted) await requireBrowserDevice(client);
    const conversation = await client.createGroup(
      title.trim(),
      members.map((m) => m.id),
      { encrypted },
    );
    navigate(`/c/${conversation.id}`);
  }, [client, navigate, title, members, encrypted]);
  const { run, busy, error } = useAction(create);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void run();
  };
  return (
    <section className="page" aria-labelledby="new-group-title">
      <h2 id="new-group-title">New group</h2>
      <form className="stack" onSubmit={onSubmit}>
        <Field label="Group name" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
        <PeopleSearch
          label="Add people"
          actionLabel="Add"
          exclude={members.map((m) => m.id)}
          onPick={(user) => setMembers((current) => [...current, user])}
        />
        <h3>Members ({members.length + 1})</h3>
        <ul className="chosen-people">
          <li>You (owner)</li>
          {members.map((user) => (
            <li key={user.id}>
              <PersonName user={user} />
              <button type="button" onClick={() => setMembers((current) => current.filter((m) => m.id !== user.id))}>
                Remove
                <span className="visually-hidden"> @{user.username}</span>
              </button>
            </li>
          ))}
        </ul>
        <EncryptOption checked={encrypted} onChange={setEncrypted} />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || title.trim() === ''}>
          Create group
        </button>
      </form>
    </section>
  );
}
