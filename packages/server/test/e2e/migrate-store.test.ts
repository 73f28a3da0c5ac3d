import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runConfab } from '../cli.js';
import { createGroup, freshUsers, postMessage } from '../factories.js';
import { png, fetchBytes, uploadRaw } from '../files.js';
import { type TestServer, api, startServer } from '../harness.js';
import {
  type TestDatabase,
  type TestSchema,
  createTestDatabase,
  createTestSchema,
  mysqlService,
  postgresService,
  requireService,
  withMysql,
  withPostgres,
} from '../services.js';

const describeBoth = (await requireService(postgresService)) === describe ? await requireService(mysqlService) : describe.skip;
const JWT_SECRET = 'a migrate-store test secret of 32+ characters';
const PASSWORD = 'correct horse battery';

/**
 * `confab migrate-store`, run as the real command: a deployment with history, files and avatars
 * moves SQLite → PostgreSQL → MariaDB → SQLite, each hop verified by the command and then served:
 * the same messages at the same positions, the same bytes, search rebuilt, sequences continuing.
 */
describeBoth('confab migrate-store', { timeout: 240_000 }, () => {
  const dirs: string[] = [];
  const dir = () => {
    const made = mkdtempSync(path.join(tmpdir(), 'confab-migrate-'));
    dirs.push(made);
    return made;
  };
  let schema: TestSchema;
  let mariadb: TestDatabase;
  beforeAll(async () => {
    await buildCli();
    [schema, mariadb] = await Promise.all([createTestSchema(), createTestDatabase()]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([schema?.drop(), mariadb?.drop()]);
    for (const made of dirs) rmSync(made, { recursive: true, force: true });
  });

  const migrate = async (from: string, to: string, dataDir: string) => {
    const run = await runConfab(['migrate-store', '--from', from, '--to', to], { DATA_DIR: dataDir, JWT_SECRET }, { cwd: dataDir });
    return { ...run, report: run.stdout.startsWith('{') ? JSON.parse(run.stdout) : null };
  };
  const serve = (dataDir: string, databaseUrl?: string) =>
    startServer({ DATA_DIR: dataDir, JWT_SECRET, ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }) });
  const login = async (t: TestServer, username: string) =>
    (await api(t.url, 'POST', '/api/v1/auth/login', { body: { username, password: PASSWORD } })).body.accessToken as string;
  const historyOf = async (t: TestServer, token: string, conversationId: string) =>
    (await api(t.url, 'GET', `/api/v1/conversations/${conversationId}/messages?limit=100`, { token })).body.items.map((m: any) => ({
      id: m.id,
      seq: m.seq,
      body: m.body,
      reactions: m.reactions,
      editedAt: m.editedAt,
      attachments: m.attachments?.map((a: any) => a.id),
    }));

  it('moves a deployment from engine to engine, verified, resumable, and refuses while a node serves', async () => {
    // A deployment on the embedded default: a DM with an edit, a reaction and a file; a group; an avatar.
    const sqliteDir = dir();
    let t = await serve(sqliteDir);
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob], 'Migrants');
    const dm = (await api(t.url, 'POST', '/api/v1/conversations', { token: alice.token, body: { kind: 'direct', userId: bob.id } })).body;
    const dmId = (dm.conversation ?? dm).id as string;
    const picture = await png(64, 48);
    const upload = (await uploadRaw(t.url, alice.token, picture, { filename: 'map.png', type: 'image/png' })).body.upload;
    const sent = await api(t.url, 'POST', `/api/v1/conversations/${dmId}/messages`, {
      token: alice.token,
      body: { clientId: crypto.randomUUID(), kind: 'attachment', attachmentIds: [upload.id], body: 'the map' },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    for (let i = 1; i <= 12; i++) await postMessage(t.url, i % 2 ? alice : bob, dmId, `note ${i} about the harbour`);
    const first = (await postMessage(t.url, bob, group.id, 'lighthouse keepers meet on Friday')).body.message;
    await api(t.url, 'PATCH', `/api/v1/messages/${first.id}`, { token: bob.token, body: { body: 'lighthouse keepers meet on Saturday' } });
    await api(t.url, 'PUT', `/api/v1/messages/${first.id}/reactions/${encodeURIComponent('👍')}`, { token: alice.token });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(await png(300, 300))], { type: 'image/png' }), 'me.png');
    expect(
      (await fetch(`${t.url}/api/v1/users/me/avatar`, { method: 'PUT', headers: { authorization: `Bearer ${bob.token}` }, body: form }))
        .status,
    ).toBe(200);
    const before = { dm: await historyOf(t, alice.token, dmId), group: await historyOf(t, alice.token, group.id) };
    await t.close();

    // SQLite → PostgreSQL, the files from DATA_DIR/blobs into the database.
    const sqliteUrl = `sqlite:${path.join(sqliteDir, 'confab.sqlite3')}`;
    const toPostgres = await migrate(sqliteUrl, schema.url, sqliteDir);
    expect(toPostgres.code, toPostgres.stderr).toBe(0);
    const tables = new Map<string, any>(toPostgres.report.tables.map((row: any) => [row.name, row]));
    expect(tables.get('messages')).toMatchObject({ rows: 14, same: true });
    expect(tables.get('users')).toMatchObject({ rows: 2, same: true });
    expect(toPostgres.report.blobs).toMatchObject({ same: true });
    expect(toPostgres.report.blobs.blobs).toBeGreaterThanOrEqual(3); // the file, its thumbnail, the avatar's sizes

    t = await serve(dir(), schema.url);
    const token = await login(t, alice.auth.user.username);
    expect({ dm: await historyOf(t, token, dmId), group: await historyOf(t, token, group.id) }).toEqual(before);
    expect((await fetchBytes(t.url, token, `/api/v1/uploads/${upload.id}`)).bytes.equals(picture)).toBe(true);
    const avatar = await fetchBytes(t.url, token, `/api/v1/users/${bob.id}/avatar?size=64`);
    expect(avatar.status).toBe(200);
    // The search index is PostgreSQL's own, rebuilt by the re-index job.
    // (Waited for in the database: searching in a loop would trip the search rate limit.)
    const reindexed = async () =>
      (await withPostgres(schema.url, (c) => c.query('select finished_at from search_reindex'))).rows[0].finished_at;
    for (let tries = 0; (await reindexed()) === null && tries < 100; tries++) await new Promise((r) => setTimeout(r, 300));
    expect((await api(t.url, 'GET', '/api/v1/search?q=lighthouse', { token })).body.items.map((i: any) => i.message.id)).toEqual([
      first.id,
    ]);
    // Sequences continue where they were.
    const next = (await postMessage(t.url, { token, id: alice.id } as any, group.id, 'after the move')).body.message;
    expect(next.seq).toBe(Math.max(...before.group.map((m: any) => m.seq)) + 1);

    // While a node serves from it, the command refuses to copy from it.
    const refused = await migrate(schema.url, mariadb.url, dir());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/stop every node first/);
    await t.close();

    // PostgreSQL → MariaDB, interrupted: the newest messages and a file lost on the way come back on the next run.
    const workDir = dir();
    expect((await migrate(schema.url, mariadb.url, workDir)).code).toBe(0);
    await withMysql(mariadb.url, async (c) => {
      await c.query('delete from messages order by id desc limit 3');
      await c.query('delete from blobs order by `key` limit 1');
    });
    const resumed = await migrate(schema.url, mariadb.url, workDir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^messages: 15 of 15$/m);

    // MariaDB → SQLite again, and served.
    const backDir = dir();
    const back = await migrate(mariadb.url, `sqlite:${path.join(backDir, 'confab.sqlite3')}`, backDir);
    expect(back.code, back.stderr).toBe(0);
    expect(back.report.ok).toBe(true);
    t = await serve(backDir);
    const again = await login(t, alice.auth.user.username);
    expect((await historyOf(t, again, group.id)).map((m: any) => m.body)).toEqual([
      'after the move',
      ...before.group.map((m: any) => m.body),
    ]); // newest first
    expect((await fetchBytes(t.url, again, `/api/v1/uploads/${upload.id}`)).bytes.equals(picture)).toBe(true);
    await t.close();
  });

  it('says what is wrong with its arguments', async () => {
    const cwd = dir();
    const missing = await runConfab(['migrate-store', '--from', 'sqlite:x.db'], { DATA_DIR: cwd }, { cwd });
    expect([missing.code, missing.stderr]).toEqual([2, 'confab: migrate-store: give both --from <url> and --to <url>\n']);
    const odd = await runConfab(['migrate-store', '--from', 'sqlite:x.db', '--to', 'redis://127.0.0.1'], { DATA_DIR: cwd }, { cwd });
    expect(odd.code).toBe(2);
    expect(odd.stderr).toMatch(/expected sqlite:<file>, postgres:\/\/… or mysql:\/\/…/);
  });
});
