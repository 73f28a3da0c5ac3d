import { ConfabClient } from '@confab/client';
import { mapPool } from './stats.js';

export interface BenchUser {
  index: number;
  id: string;
  accessToken: string;
  client: ConfabClient;
}

export const BENCH_PASSWORD = 'bench-password-not-secret';

/** Registers `count` users (user0 … userN-1) through the REST API, `concurrency` at a time. */
export async function registerUsers(
  baseUrl: string,
  count: number,
  concurrency: number,
  progress?: (done: number) => void,
): Promise<BenchUser[]> {
  let done = 0;
  return mapPool(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async (index) => {
      const client = new ConfabClient({ baseUrl });
      const auth = await client.register({ username: `user${index}`, password: BENCH_PASSWORD });
      done += 1;
      if (progress && done % 100 === 0) progress(done);
      return { index, id: auth.user.id, accessToken: auth.accessToken, client };
    },
  );
}

/** One group per list of users; the first user of each list creates it. Returns the ids. */
export async function createGroups(groups: readonly (readonly BenchUser[])[], title: string): Promise<string[]> {
  return mapPool(groups, 4, async (members, i) => {
    const [owner, ...rest] = members;
    if (!owner) throw new Error('a group needs at least one member');
    const conversation = await owner.client.createGroup(
      `${title} ${i}`,
      rest.map((m) => m.id),
    );
    return conversation.id;
  });
}
