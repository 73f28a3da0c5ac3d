/**
 * What a batch of plain sends costs the MySQL/MariaDB store (issue 38, decision 0026): the group
 * commit's `appendMessages` called by WORKERS concurrent appenders (as several nodes' group
 * commits would), each sending batches of BATCH messages into CONVERSATIONS shared groups for
 * SECONDS, on a database of its own (created and dropped here). Two arms, alternated ROUNDS times
 * in one process so that load from elsewhere on the machine falls on both:
 *
 *   trips2      the store as it is: plain batches in two round trips (mysql/mysql-append.ts)
 *   statements  the statement-by-statement append, the path every MySQL batch took before (and
 *               the one a batch with replies, attachments or changes still takes): the dialect's
 *               `appendFresh` is unset for the arm, nothing else changes
 *
 *   npm run build
 *   ROUNDS=2 SECONDS=5 node bench/mysql-append-cost.mjs [mysql://root@127.0.0.1:3306/test]
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import mysql from 'mysql2/promise';
import { openMysqlStore } from '../packages/server/dist/store/mysql/mysql-store.js';

const base = process.argv[2] ?? process.env.CONFAB_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const SECONDS = Number(process.env.SECONDS ?? 5);
const WORKERS = Number(process.env.WORKERS ?? 6);
const BATCH = Number(process.env.BATCH ?? 5);
const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 10);
const log = (text) => process.stdout.write(`${text}\n`);

const plan = {
  announce: (m) => ({
    type: 'message.created',
    conversationId: m.conversationId,
    message: { id: m.id, seq: m.seq, senderId: m.senderId, body: m.body },
  }),
  readBy: (m) => m.senderId,
};

const name = `confab_bench_append_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const admin = await mysql.createConnection({ uri: base });
await admin.query(`create database ${name} character set utf8mb4`);
const url = new URL(base);
url.pathname = `/${name}`;
const store = openMysqlStore(url.toString(), { poolSize: WORKERS + 2 });
try {
  log(`migrating ${name}…`);
  await store.migrate();
  let clock = Date.now();
  const users = [];
  for (let i = 0; i < 20; i++) {
    users.push(
      await store.users.insertUser({
        id: randomUUID(),
        username: `u${i}`,
        displayName: `u${i}`,
        bio: '',
        email: null,
        isAdmin: false,
        passwordHash: 'hash',
        createdAt: clock++,
      }),
    );
  }
  const conversations = [];
  for (let c = 0; c < CONVERSATIONS; c++) {
    const id = randomUUID();
    const now = clock++;
    await store.conversations.createConversation(
      { id, kind: 'group', title: 'Group', directKey: null, createdBy: users[0].id, createdAt: now, lastActivityAt: now },
      users.map((u, i) => ({ conversationId: id, userId: u.id, role: i === 0 ? 'owner' : 'member', joinedAt: now })),
      () => ({ type: 'conversation.created', conversation: { id } }),
    );
    conversations.push(id);
  }
  // The arm's switch: the dialect the message store reads `appendFresh` from at each call.
  const dialect = store.dialect;
  const appendFresh = dialect.appendFresh;
  const results = { trips2: [], statements: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const arm of ['trips2', 'statements']) {
      dialect.appendFresh = arm === 'trips2' ? appendFresh : undefined;
      const latencies = [];
      let messages = 0;
      const until = performance.now() + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: WORKERS }, async () => {
          while (performance.now() < until) {
            const batch = Array.from({ length: BATCH }, () => {
              const sender = users[Math.floor(Math.random() * users.length)];
              const clientId = randomUUID();
              return {
                id: randomUUID(),
                conversationId: conversations[Math.floor(Math.random() * conversations.length)],
                senderId: sender.id,
                clientId,
                body: `a message of about the usual length ${clientId}`,
                createdAt: clock++,
              };
            });
            const t0 = performance.now();
            await store.messages.appendMessages(batch, plan);
            latencies.push(performance.now() - t0);
            messages += batch.length;
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
      const figures = {
        batchesPerSec: Math.round(latencies.length / SECONDS),
        messagesPerSec: Math.round(messages / SECONDS),
        p50Ms: Number(q(0.5)),
        p99Ms: Number(q(0.99)),
        load: os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' '),
      };
      results[arm].push(figures);
      log(
        `${arm.padEnd(10)} round ${round + 1}: ${figures.messagesPerSec} messages/s (${figures.batchesPerSec} batches of ${BATCH}/s), batch p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms; load ${figures.load}`,
      );
    }
  }
  log(JSON.stringify({ workers: WORKERS, batch: BATCH, conversations: CONVERSATIONS, seconds: SECONDS, results }));
} finally {
  await store.close();
  await admin.query(`drop database if exists ${name}`);
  await admin.end();
}
