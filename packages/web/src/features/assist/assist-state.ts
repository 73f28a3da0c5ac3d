import { useEffect, useState } from 'react';
import type { AssistSettings } from '@confab/protocol';
import type { ConfabClient } from '@confab/client';

/**
 * Whether Assist is usable for me here: the instance has it (`features.assist`) and my switches.
 * Read once per client and shared by every Assist control; `refresh` after I change a switch.
 */
export interface AssistAvailability {
  instance: boolean;
  mine: AssistSettings;
}

const cache = new WeakMap<ConfabClient, Promise<AssistAvailability>>();
const listeners = new Set<() => void>();

export function loadAssist(client: ConfabClient, fresh = false): Promise<AssistAvailability> {
  let pending = fresh ? undefined : cache.get(client);
  if (!pending) {
    pending = Promise.all([client.instanceConfig(), client.assist.settings()]).then(([config, settings]) => ({
      instance: config.features.assist,
      mine: settings.assist,
    }));
    cache.set(client, pending);
    pending.catch(() => cache.delete(client));
  }
  return pending;
}

/** Tells every Assist control to read the switches again. */
export function assistChanged(client: ConfabClient): void {
  void loadAssist(client, true).then(() => listeners.forEach((l) => l()));
}

export function useAssist(client: ConfabClient): AssistAvailability | null {
  const [state, setState] = useState<AssistAvailability | null>(null);
  useEffect(() => {
    let live = true;
    const read = () =>
      loadAssist(client).then(
        (s) => live && setState(s),
        () => live && setState(null),
      );
    void read();
    listeners.add(read);
    return () => {
      live = false;
      listeners.delete(read);
    };
  }, [client]);
  return state;
}

export const featureOn = (a: AssistAvailability | null, feature: 'needsReply' | 'catchUp' | 'replySuggestions') =>
  a !== null && a.instance && a.mine.enabled && a.mine[feature];
