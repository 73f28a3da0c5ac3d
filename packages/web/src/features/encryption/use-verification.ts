import type { ConfabClient, Verification } from '@confab/client';
import { useEffect, useState } from 'react';
import { useApp } from '../../state/AppContext.js';
import { browserDevice } from './browser-device.js';

/**
 * My verification of each of these people (issue 39, decision 0027 part 6), as the SDK keeps it on
 * this device: asked when shown and again when the page comes back into view (the server does not
 * announce a new identity key; the SDK sees one whenever it reads their signed list, and tells),
 * then kept current by `onVerificationChange`. Nothing (an empty map) while this browser is not an
 * encryption device; I am never in it.
 */
export function useVerifications(userIds: readonly string[]): ReadonlyMap<string, Verification> {
  const { client, me } = useApp();
  const [states, setStates] = useState<ReadonlyMap<string, Verification>>(new Map());
  const key = [...new Set(userIds)].filter((id) => id !== me.id).join(' ');
  useEffect(() => {
    const ids = key === '' ? [] : key.split(' ');
    if (ids.length === 0) return;
    let live = true;
    let off: (() => void) | undefined;
    const set = (userId: string, state: Verification) =>
      live && setStates((now) => (now.get(userId) === state ? now : new Map(now).set(userId, state)));
    const check = () => {
      for (const userId of ids) {
        void verificationOf(client, userId).then(
          (state) => set(userId, state),
          () => undefined, // offline, or a list that does not verify: nothing to add to what is shown
        );
      }
    };
    void browserDevice(client).then(
      (enabled) => {
        if (!enabled || !live) return;
        off = client.onVerificationChange((change) => ids.includes(change.userId) && set(change.userId, change.state));
        check();
      },
      () => undefined,
    );
    const onVisible = () => document.visibilityState === 'visible' && check();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      live = false;
      off?.();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [client, key]);
  return states;
}

/** One person's verification, or null while unknown (or not asked: no person, me, no device here). */
export function useVerification(userId: string | null | undefined): Verification | null {
  return useVerifications(userId ? [userId] : []).get(userId ?? '') ?? null;
}

// One question to the server per person at a time, however many places show them (header, list, card, banner).
const asking = new WeakMap<ConfabClient, Map<string, Promise<Verification>>>();

function verificationOf(client: ConfabClient, userId: string): Promise<Verification> {
  let byUser = asking.get(client);
  if (!byUser) asking.set(client, (byUser = new Map()));
  let pending = byUser.get(userId);
  if (!pending) {
    pending = client.verificationOf(userId).finally(() => byUser.delete(userId));
    byUser.set(userId, pending);
  }
  return pending;
}
