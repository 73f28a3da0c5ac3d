import type { ConfabClient } from '@confab/client';
import type { InstanceConfig } from '@confab/protocol';
import { useEffect, useState } from 'react';
import { useApp } from './AppContext.js';

/** One request per client (the limits do not change while a page is open); a failed one is asked again on next use. */
const requests = new WeakMap<ConfabClient, Promise<InstanceConfig>>();
const answers = new WeakMap<ConfabClient, InstanceConfig>();

function request(client: ConfabClient): Promise<InstanceConfig> {
  let pending = requests.get(client);
  if (!pending) {
    pending = client.instanceConfig().then(
      (config) => {
        answers.set(client, config);
        return config;
      },
      (error: unknown) => {
        requests.delete(client);
        throw error;
      },
    );
    requests.set(client, pending);
  }
  return pending;
}

/**
 * This instance's limits (`GET /api/v1/config`, issue 35 item 5): undefined until they arrive.
 * Until then nothing is refused here; the server still is the judge.
 */
export function useInstanceConfig(): InstanceConfig | undefined {
  const { client } = useApp();
  const [config, setConfig] = useState(() => answers.get(client));
  useEffect(() => {
    if (config !== undefined) return;
    let live = true;
    request(client).then(
      (answer) => live && setConfig(answer),
      () => undefined, // offline: no counter, and the server's refusal still shows on the message
    );
    return () => {
      live = false;
    };
  }, [client, config]);
  return config;
}
