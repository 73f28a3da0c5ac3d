import type { InstanceStats } from '@confab/protocol';
import { useEffect, useState } from 'react';
import { describeError } from '../../components/errors.js';
import { useSignedIn } from '../../session/SessionContext.js';

const number = new Intl.NumberFormat();

/** The instance at a glance: accounts, conversations, messages, open connections. */
export function InstanceStatsPanel() {
  const { client } = useSignedIn();
  const [stats, setStats] = useState<InstanceStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.admin.stats().then(setStats, (caught: unknown) => setError(describeError(caught)));
  }, [client]);
  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (!stats) return null;
  const figures: [string, number][] = [
    ['Accounts', stats.users.total - stats.users.erased],
    ['Deactivated', stats.users.deactivated],
    ['Conversations', stats.conversations],
    ['Messages', stats.messages],
    ['Connections', stats.sockets],
  ];
  return (
    <div role="group" aria-label="Instance figures">
      <dl className="stats">
        {figures.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{number.format(value)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
