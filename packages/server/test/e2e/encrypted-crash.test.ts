import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, MessagePage } from '@confab/protocol';
import type { ConfabClient } from '@confab/client';
import { encryptedPerson } from '../encrypted-people.js';
import { plaintextsFound } from '../plaintext-scan.js';
import { type ServerProcess, processSandbox } from '../process.js';

/** What a scripted request does: the server is stopped before it is sent, or after its answer (which may then be lost). */
interface Cut {
  match: (method: string, path: string, mls: string | undefined) => boolean;
  when: 'before' | 'after';
  /** After: the answer never reaches the client (the server died before it was written). */
  lose?: boolean;
  then: () => Promise<void>;
}

/**
 * A fetch that stops the server at one scripted request, as a crash at that moment would, and
 * records the KeyPackages each claim answered (by the claim's path).
 */
function scriptedFetch() {
  let cut: Cut | undefined;
  const claims = new Map<string, string[]>();
  const forward = async (input: Parameters<typeof fetch>[0], init: RequestInit | undefined, path: string) => {
    const answer = await fetch(input, init);
    if (path.endsWith('/key-packages/claim') && answer.ok) {
      const { keyPackages } = (await answer.clone().json()) as { keyPackages: { keyPackage: string }[] };
      claims.set(path, [...(claims.get(path) ?? []), ...keyPackages.map((k) => k.keyPackage)]);
    }
    return answer;
  };
  const scripted: typeof fetch = async (input, init) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { mls?: { type: string } }) : undefined;
    const now = cut;
    if (!now || !now.match(method, path, body?.mls?.type)) return forward(input, init, path);
    cut = undefined;
    if (now.when === 'before') {
      await now.then();
      throw new TypeError('fetch failed: the server is gone');
    }
    const answer = await forward(input, init, path);
    await now.then();
    if (now.lose) throw new TypeError('fetch failed: the connection was reset');
    return answer;
  };
  return { fetch: scripted, arm: (next: Cut) => (cut = next), claims };
}

const messagesPath = (path: string) => /^\/api\/v1\/conversations\/[^/]+\/messages$/.test(path);

/**
 * Issue 39's crash tests: a server killed (or restarted) in the middle of adding a device to an
 * encrypted group, at each step of the handshake: KeyPackage claimed, commit stored, Welcome
 * stored. After the restart, on the same data, the committer's next work on the conversation
 * finishes its commit (pending-commit.ts), the new device reads every message sent while it was
 * a member (including those ordered between the commit and a late Welcome), its claimed
 * KeyPackage is never handed out again, nothing is stored twice, and no plaintext is on disk.
 */
describe('adding a device to an encrypted group across a crash (SQLite, one process)', () => {
  // One process for the cases (each kills or stops it, and starts it again on the same data), fresh people each.
  let sandbox: Awaited<ReturnType<typeof processSandbox>>;
  let server: ServerProcess;
  beforeAll(async () => {
    sandbox = await processSandbox('e2e-crash');
    server = await sandbox.start();
  }, 60_000);
  afterAll(() => sandbox?.cleanup());

  const cases: {
    name: string;
    cut: (carolId: string) => Omit<Cut, 'then'>;
    signal: NodeJS.Signals;
    /** Whether addMember itself failed (the crash cut it) or completed. */
    addFails: boolean;
    /** Whether the commit was stored before the crash, so Bob's send after it is in Carol's epoch. */
    commitStored: boolean;
    /** The conversation's MLS messages in the order stored (c commit, w welcome, a application). */
    order: string;
  }[] = [
    {
      name: 'kill -9 after the commit is stored and answered, before its Welcome reaches the server',
      cut: () => ({ when: 'before', match: (m, p, mls) => m === 'POST' && messagesPath(p) && mls === 'welcome' }),
      signal: 'SIGKILL',
      addFails: true,
      commitStored: true,
      order: 'c w a c a w a a',
    },
    {
      name: 'kill -9 after the commit is stored, before its answer is written',
      cut: () => ({ when: 'after', lose: true, match: (m, p, mls) => m === 'POST' && messagesPath(p) && mls === 'commit' }),
      signal: 'SIGKILL',
      addFails: true,
      commitStored: true,
      order: 'c w a c a w a a',
    },
    {
      name: 'a restart between the KeyPackage claim and the commit',
      cut: (carolId) => ({ when: 'after', match: (m, p) => m === 'POST' && p === `/api/v1/users/${carolId}/key-packages/claim` }),
      signal: 'SIGTERM',
      addFails: true,
      commitStored: false,
      order: 'c w a a c w a a',
    },
    {
      name: 'kill -9 after the Welcome is stored, before the new device fetched it',
      cut: () => ({ when: 'after', match: (m, p, mls) => m === 'POST' && messagesPath(p) && mls === 'welcome' }),
      signal: 'SIGKILL',
      addFails: false,
      commitStored: true,
      order: 'c w a c w a a a',
    },
  ];

  it.each(cases)(
    '$name',
    async ({ cut, signal, addFails, commitStored, order: expectedOrder }) => {
      const url = server.url;
      const plaintexts: string[] = [];
      const secret = (text: string) => {
        const unique = `${text} ${crypto.randomUUID()}`;
        plaintexts.push(unique);
        return unique;
      };
      const person = (prefix: string, fetchImpl: typeof fetch = fetch) => encryptedPerson(url, prefix, fetchImpl);
      const script = scriptedFetch();
      const alice = await person('ka', script.fetch);
      const [bob, carol] = [await person('kb'), await person('kc')];
      const claimOfCarol = async () => {
        const { keyPackages } = await bob.client.encryption.claimKeyPackages(carol.id);
        return keyPackages.map((k) => k.keyPackage);
      };

      const group = await alice.client.createGroup('Crash', [bob.id], { encrypted: true });
      const before = secret('before carol');
      await alice.client.sendMessage(group.id, before);

      // Alice adds Carol; the server stops at the scripted step. The KeyPackage she claimed is recorded.
      const stopped = async () => {
        server.child.kill(signal);
        await server.exited;
      };
      script.arm({ ...cut(carol.id), then: stopped });
      const adding = alice.client.addMember(group.id, carol.id);
      if (addFails) await expect(adding).rejects.toMatchObject({ code: 'network_error' });
      else await adding;
      const claims = script.claims.get(`/api/v1/users/${carol.id}/key-packages/claim`) ?? [];
      expect(claims).toHaveLength(1);

      // The same data, the same address.
      server = await sandbox.start();
      // Bob applies what is ordered and sends: in Carol's epoch if the commit was stored before the crash.
      const between = secret('while carol waits');
      await bob.client.sendMessage(group.id, between);
      // Alice's next work on the conversation finishes her commit: its Welcome posted, or the commit posted again.
      const after = secret('after the restart');
      await alice.client.sendMessage(group.id, after);

      const bodies = async (c: ConfabClient) =>
        (await c.history(group.id, { after: 0, limit: 100 })).items.filter((m) => m.kind === 'encrypted').map((m) => m.body);
      expect(await bodies(carol.client)).toEqual([undefined, commitStored ? between : undefined, after]);
      expect(await bodies(bob.client)).toEqual([before, between, after]);
      expect(await bodies(alice.client)).toEqual([before, between, after]);
      // And Carol keeps reading and writing in the group.
      const reply = secret('carol is in');
      await carol.client.sendMessage(group.id, reply);
      expect((await bodies(alice.client)).at(-1)).toBe(reply);

      // Nothing twice: one commit adding Carol, one Welcome for her device, every clientId once.
      const order = (
        await alice.client.http.request<MessagePage>('GET', `/api/v1/conversations/${group.id}/messages`, {
          query: { after: 0, limit: 100 },
        })
      ).items as Message[];
      const mls = order.filter((m) => m.kind === 'encrypted');
      expect(mls.map((m) => m.mls![0]).join(' ')).toBe(expectedOrder);
      const carolDevice = (await carol.client.encryption.self()).deviceId;
      expect(mls.filter((m) => m.mls === 'welcome' && m.devices?.includes(carolDevice))).toHaveLength(1);
      expect(new Set(order.map((m) => m.clientId)).size).toBe(order.length);
      expect(order.map((m) => m.seq)).toEqual(order.map((_, i) => i + 1));

      // The KeyPackage claimed before the crash is gone from the pool: the next claim hands out another.
      const next = await claimOfCarol();
      expect(next).toHaveLength(1);
      expect(next[0]).not.toBe(claims[0]);

      // No plaintext in the database file, its WAL, or any blob.
      expect(await plaintextsFound({ dataDirs: [sandbox.env.DATA_DIR] }, plaintexts)).toEqual([]);
    },
    60_000,
  );
});
