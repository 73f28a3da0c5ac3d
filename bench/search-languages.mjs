/**
 * Search in mixed languages on SQLite, PostgreSQL and MySQL/MariaDB (issue 38): index size per
 * message and search latency over N messages in eleven languages, through the store and the
 * service's ranking (a window of `RANK_WINDOW` matches ranked, as `GET /api/v1/search` does,
 * without HTTP).
 *
 *   npx tsc -b packages/server packages/client
 *   MESSAGES=200000 node bench/search-languages.mjs          # SQLite and PostgreSQL (CONFAB_TEST_DATABASE_URL)
 *   ENGINES=sqlite,postgres,mariadb MESSAGES=200000 node bench/search-languages.mjs   # and MariaDB (CONFAB_TEST_MYSQL_URL)
 *
 * Messages are written in bulk with SQL, each with the tokens the server would make
 * (store/search-tokens.ts): SQLite's FTS5 triggers, PostgreSQL's tsvector column and MySQL's
 * `search_vector` column under its InnoDB FULLTEXT index index them as a send would. Results go to
 * bench/results/search-languages-<engine>-<date>.json.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const server = (file) => import(path.join(root, 'packages/server/dist', file));
const { openSqliteStore, openPostgresStore } = await server('index.js');
const { indexTokens, searchTerms } = await server('store/search-tokens.js');
const { tsvectorText } = await server('store/postgres/postgres-search.js');
const { openMysqlStore } = await server('store/mysql/mysql-store.js');
const { searchVector } = await server('store/mysql/mysql-search.js');
const { relevance } = await server('services/search/search-ranking.js');

const MESSAGES = Number(process.env.MESSAGES ?? 200_000);
const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 1000);
const MEMBER_OF = Number(process.env.MEMBER_OF ?? 100);
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const RANK_WINDOW = 200;
const ENGINES = (process.env.ENGINES ?? 'sqlite,postgres').split(',');
// Seed, report the sizes and keep the store (a SQLite file, a PostgreSQL schema, a MySQL database) for EXPLAIN; no searches.
const SEED_ONLY = process.env.SEED_ONLY === '1';
const DATABASE_URL = process.env.CONFAB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.CONFAB_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const KNOWN_ENGINES = ['sqlite', 'postgres', 'mariadb', 'mysql'];
const unknownEngines = ENGINES.filter((e) => !KNOWN_ENGINES.includes(e));
if (unknownEngines.length > 0) throw new Error(`ENGINES: unknown ${unknownEngines.join(', ')}; known: ${KNOWN_ENGINES.join(', ')}`);

/** Eleven languages: words (inflected forms among them), and whether the script puts spaces between words. */
const LANGUAGES = {
  en: {
    spaced: true,
    words:
      'the meeting meetings is at ten tomorrow we are running late project projects release plan review code team lunch coffee today report reports deadline call send thanks please build test office friday'.split(
        ' ',
      ),
  },
  ru: {
    spaced: true,
    words:
      'встреча встречи встречу в пятницу пятница завтра мы опаздываем проект проекта отчёт отчёты команда обед кофе сегодня план релиз код звонок спасибо пожалуйста офис'.split(
        ' ',
      ),
  },
  de: {
    spaced: true,
    words:
      'die das Haus Häuser sind groß Besprechung Besprechungen morgen um zehn Uhr wir Projekt Projekte Bericht Berichte Mannschaft Mittagessen Kaffee heute Plan Freitag Büro danke'.split(
        ' ',
      ),
  },
  fr: {
    spaced: true,
    words:
      "la le réunion réunions demain matin l'équipe arrive arrivons projet projets rapport rapports déjeuner café aujourd'hui plan vendredi bureau merci appel envoyer".split(
        ' ',
      ),
  },
  es: {
    spaced: true,
    words:
      'la las reunión reuniones mañana canciones canción equipo proyecto proyectos informe informes almuerzo café hoy plan viernes oficina gracias llamada enviar'.split(
        ' ',
      ),
  },
  tr: {
    spaced: true,
    words:
      'toplantı toplantılar yarın evlerimizden evler ev çıktık hemen proje projeler rapor raporlar öğle kahve bugün plan cuma ofis teşekkürler'.split(
        ' ',
      ),
  },
  ar: {
    spaced: true,
    words:
      'ذهبت إلى المكتبة الجديدة الاجتماع الاجتماعات غدا المشروع المشاريع التقرير التقارير الغداء القهوة اليوم الخطة الجمعة المكتب شكرا'.split(
        ' ',
      ),
  },
  ko: {
    spaced: true,
    words: '회의는 회의실에서 내일입니다 만나요 프로젝트 보고서를 점심 커피 오늘 계획 금요일 사무실 감사합니다 회의를 팀이'.split(' '),
  },
  ja: {
    spaced: false,
    words: '明日 の 会議 は 十時 から です 会議室 を 予約 しました プロジェクト 報告書 昼食 コーヒー 今日 計画 金曜日 事務所'.split(' '),
  },
  zh: { spaced: false, words: '我们 明天 在 上海 开会 项目 报告 午饭 咖啡 今天 计划 星期五 办公室 谢谢 会议 团队'.split(' ') },
  th: { spaced: false, words: 'ประชุม พรุ่งนี้ สิบ โมง โครงการ รายงาน อาหาร กาแฟ วันนี้ แผน วันศุกร์ สำนักงาน ขอบคุณ'.split(' ') },
};
const CODES = Object.keys(LANGUAGES);

function random(seed) {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    return s / 2 ** 32;
  };
}
/** A rare word now and then (a made-up code name), so some queries have few matches. */
const rare = (i) => `zorbex${i % 5000}`;
function body(i, rnd) {
  const { spaced, words } = LANGUAGES[CODES[i % CODES.length]];
  const length = 4 + Math.floor(rnd() * 12);
  const picked = Array.from({ length }, () => words[Math.floor(words.length * rnd() ** 2)]);
  if (i % 97 === 0) picked.push(rare(i));
  return picked.join(spaced ? ' ' : '');
}

const conversationId = (c) => `bench-lang-c${String(c).padStart(6, '0')}`;
const log = (text) => process.stdout.write(`${text}\n`);
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Users through the store; conversations, memberships and messages with SQL. */
async function seedUsers(store) {
  const users = [];
  for (let u = 0; u < 21; u++)
    users.push(
      await store.users.insertUser({
        id: `bench-lang-u${u}`,
        username: `languser${u}`,
        displayName: `User ${u}`,
        bio: '',
        email: null,
        isAdmin: false,
        passwordHash: 'x',
        createdAt: 1,
      }),
    );
  return users;
}

function* rows(users) {
  // The same corpus on every engine.
  const rnd = random(42);
  const [searcher, ...senders] = users;
  const start = Date.now() - MESSAGES * 100;
  for (let c = 0; c < CONVERSATIONS; c++) {
    const members = [senders[c % senders.length], senders[(c + 1) % senders.length], ...(c < MEMBER_OF ? [searcher] : [])];
    yield { kind: 'conversation', id: conversationId(c), members, start };
  }
  for (let i = 0; i < MESSAGES; i++) {
    const c = i % CONVERSATIONS;
    const id = `bench-lang-m${String(i).padStart(9, '0')}`;
    yield {
      kind: 'message',
      id,
      conversation: conversationId(c),
      seq: Math.floor(i / CONVERSATIONS) + 1,
      sender: senders[(c + (i & 1)) % senders.length].id,
      body: body(i, rnd),
      createdAt: start + i * 100,
    };
  }
}

async function seedSqlite(file, users) {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -524288');
  const conv = db.prepare(
    `insert into conversations (id, kind, title, created_by, created_at, last_seq, last_activity_at, member_count) values (?, 'group', ?, ?, ?, ?, ?, ?)`,
  );
  const member = db.prepare(`insert into members (conversation_id, user_id, role, joined_at, read_seq) values (?, ?, ?, ?, 0)`);
  const message = db.prepare(
    `insert into messages (id, conversation_id, seq, sender_id, client_id, body, created_at, search_tokens) values (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let pending = [];
  const flush = db.transaction((batch) => {
    for (const r of batch) {
      if (r.kind === 'conversation') {
        conv.run(r.id, r.id, r.members[0].id, r.start, MESSAGES, r.start, r.members.length);
        r.members.forEach((m, i) => member.run(r.id, m.id, i === 0 ? 'owner' : 'member', r.start));
      } else message.run(r.id, r.conversation, r.seq, r.sender, r.id, r.body, r.createdAt, indexTokens(r.body).join(' '));
    }
  });
  for (const r of rows(users)) {
    pending.push(r);
    if (pending.length === 20_000) flush(pending.splice(0));
  }
  flush(pending);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const size = (name) => db.prepare(`select coalesce(sum(pgsize), 0) as n from dbstat where name like ?`).get(name).n;
  const sizes = { index: size('messages_search%'), tokens: db.prepare(`select sum(length(search_tokens)) as n from messages`).get().n };
  db.close();
  return sizes;
}

async function seedPostgres(url, users) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let pending = [];
  const flush = async (batch) => {
    const convs = batch.filter((r) => r.kind === 'conversation');
    for (const r of convs) {
      await client.query(
        `insert into conversations (id, kind, title, created_by, created_at, last_seq, last_activity_at, member_count) values ($1, 'group', $1, $2, $3, $4, $3, $5)`,
        [r.id, r.members[0].id, r.start, MESSAGES, r.members.length],
      );
      for (const [i, m] of r.members.entries())
        await client.query(`insert into members (conversation_id, user_id, role, joined_at, read_seq) values ($1, $2, $3, $4, 0)`, [
          r.id,
          m.id,
          i === 0 ? 'owner' : 'member',
          r.start,
        ]);
    }
    const messages = batch
      .filter((r) => r.kind === 'message')
      .map((r) => ({ id: r.id, c: r.conversation, s: r.seq, u: r.sender, b: r.body, t: r.createdAt, v: tsvectorText(r.body) }));
    if (messages.length > 0)
      await client.query(
        `insert into messages (id, conversation_id, seq, sender_id, client_id, body, created_at, search_vector)
         select x.id, x.c, x.s, x.u, x.id, x.b, x.t, x.v::tsvector from json_to_recordset($1::json) as x(id text, c text, s bigint, u text, b text, t bigint, v text)`,
        [JSON.stringify(messages)],
      );
  };
  await client.query('begin');
  for (const r of rows(users)) {
    pending.push(r);
    if (pending.length === 5000) await flush(pending.splice(0));
  }
  await flush(pending);
  await client.query('commit');
  // Every table's statistics, as autovacuum would have them: without those of members the planner scans the GIN index once per conversation.
  await client.query('vacuum analyze messages, members, conversations, users');
  const { rows: sized } = await client.query(
    `select pg_relation_size('messages_search') as index, (select sum(pg_column_size(search_vector)) from messages) as vectors`,
  );
  await client.end();
  return { index: Number(sized[0].index), vectors: Number(sized[0].vectors) };
}

/**
 * MySQL/MariaDB: the same rows in multi-row INSERTs (a batch a statement, autocommitted), each
 * message with the `search_vector` the store writes (mysql-search.ts), under the FULLTEXT index
 * the migrations made, as sends fill it.
 *
 * Sizes: InnoDB keeps a FULLTEXT index in auxiliary tables (`FTS_<table>_<index>_INDEX_1…6`, the
 * inverted lists, and the table's `FTS_…_DELETED`, `…_CONFIG` tables), each its own tablespace
 * (innodb_file_per_table), and new words in a memory cache (innodb_ft_cache_size) until it is
 * written out. So: one `OPTIMIZE TABLE` with `innodb_optimize_fulltext_only` set (for the statement,
 * then restored: it is global) writes the cache to those tables and merges their lists; then their
 * ALLOCATED_SIZE from information_schema.INNODB_SYS_TABLESPACES (the `index` figure), the hidden
 * FTS_DOC_ID column's unique index (`docIdIndex`, its pages in mysql.innodb_index_stats after
 * ANALYZE TABLE), and the token column's own bytes (`tokens`, stored in the row like PostgreSQL's
 * tsvector).
 */
async function seedMysql(url, users) {
  const connection = await mysql.createConnection({ uri: url, charset: 'UTF8MB4_BIN' });
  let pending = [];
  const flush = async (batch) => {
    const convs = batch.filter((r) => r.kind === 'conversation');
    if (convs.length > 0) {
      await connection.query(
        'insert into conversations (id, kind, title, created_by, created_at, last_seq, last_activity_at, member_count) values ?',
        [convs.map((r) => [r.id, 'group', r.id, r.members[0].id, r.start, MESSAGES, r.start, r.members.length])],
      );
      await connection.query('insert into members (conversation_id, user_id, role, joined_at, read_seq) values ?', [
        convs.flatMap((r) => r.members.map((m, i) => [r.id, m.id, i === 0 ? 'owner' : 'member', r.start, 0])),
      ]);
    }
    const messages = batch.filter((r) => r.kind === 'message');
    if (messages.length > 0)
      await connection.query(
        'insert into messages (id, conversation_id, seq, sender_id, client_id, body, created_at, search_vector) values ?',
        [messages.map((r) => [r.id, r.conversation, r.seq, r.sender, r.id, r.body, r.createdAt, searchVector(r.body)])],
      );
  };
  for (const r of rows(users)) {
    pending.push(r);
    if (pending.length === 2000) await flush(pending.splice(0));
  }
  await flush(pending);
  const [[{ was }]] = await connection.query('select @@global.innodb_optimize_fulltext_only as was');
  await connection.query('set global innodb_optimize_fulltext_only = 1');
  try {
    await connection.query('optimize table messages');
  } finally {
    await connection.query('set global innodb_optimize_fulltext_only = ?', [was]);
  }
  await connection.query('analyze table messages, members, conversations, users');
  const [[sized]] = await connection.query(
    `select
       (select coalesce(sum(s.allocated_size), 0) from information_schema.innodb_sys_tablespaces s
         where s.name like concat(database(), '/FTS\\_%')) as fts,
       (select coalesce(sum(i.stat_value), 0) * @@innodb_page_size from mysql.innodb_index_stats i
         where i.database_name = database() and i.table_name = 'messages' and i.index_name = 'FTS_DOC_ID_INDEX' and i.stat_name = 'size') as docIds,
       (select sum(length(search_vector)) from messages) as tokens`,
  );
  await connection.end();
  return { index: Number(sized.fts), docIdIndex: Number(sized.docIds), tokens: Number(sized.tokens) };
}

const QUERIES = [
  { label: 'en common word', q: 'meeting ' },
  { label: 'en stem (reports → report)', q: 'reports ' },
  { label: 'ru stem (пятница → пятницу)', q: 'пятница ' },
  { label: 'de stem (Häuser → Haus)', q: 'Häuser ' },
  { label: 'ja word in a run', q: '会議 ' },
  { label: 'zh word in a run', q: '上海 ' },
  { label: 'ko without particle', q: '회의 ' },
  { label: 'th word', q: 'ประชุม ' },
  // In the searcher's conversation 7.
  { label: 'rare word', q: `${rare(97 * 31)} ` },
  { label: 'prefix (typing)', q: 'proj' },
  { label: 'two words', q: 'release plan ' },
  // The rare word with one in a sixth of all messages (es, fr): a plan that builds the common word's list pays for all of them.
  { label: 'rare and common words', q: `${rare(97 * 31)} la ` },
];

async function measure(store, searcherId) {
  const results = [];
  for (const { label, q } of QUERIES) {
    const terms = searchTerms(q);
    const once = async () => {
      const hits = await store.search.searchMessages({ userId: searcherId, terms, limit: RANK_WINDOW });
      hits.map((h) => relevance(h.message.body, terms)).sort((a, b) => b - a);
      return hits.length;
    };
    for (let i = 0; i < 10; i++) await once();
    const samples = [];
    let hits = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const t = performance.now();
      hits = await once();
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    results.push({ label, q, windowHits: hits, p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)) });
    log(
      `  ${label} "${q.trim()}": ${hits} hits in the window, p50 ${round(percentile(samples, 50))} ms, p99 ${round(percentile(samples, 99))} ms`,
    );
  }
  return results;
}

const report = {
  date: new Date().toISOString(),
  messages: MESSAGES,
  conversations: CONVERSATIONS,
  searcherIn: MEMBER_OF,
  requests: REQUESTS,
  engines: {},
};
for (const engine of ENGINES) {
  log(`${engine}: seeding ${MESSAGES.toLocaleString('en-US')} messages in ${CODES.length} languages`);
  const started = performance.now();
  let store;
  let cleanup;
  let sizes;
  if (engine === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'confab-bench-lang-'));
    const file = path.join(dir, 'confab.sqlite3');
    store = openSqliteStore(file);
    await store.migrate();
    const users = await seedUsers(store);
    await store.close();
    sizes = await seedSqlite(file, users);
    sizes.file = statSync(file).size;
    store = openSqliteStore(file);
    cleanup = async () => {
      await store.close();
      if (SEED_ONLY) log(`  kept ${file}`);
      else rmSync(dir, { recursive: true, force: true });
    };
  } else if (engine === 'mariadb' || engine === 'mysql') {
    const database = `confab_bench_lang_${Date.now()}`;
    const admin = await mysql.createConnection({ uri: MYSQL_URL });
    await admin.query(`create database ${database} character set utf8mb4`);
    const url = new URL(MYSQL_URL);
    url.pathname = `/${database}`;
    store = openMysqlStore(url.toString(), { poolSize: 4 });
    await store.migrate();
    const users = await seedUsers(store);
    sizes = await seedMysql(url.toString(), users);
    cleanup = async () => {
      await store.close();
      if (SEED_ONLY) log(`  kept database ${database}`);
      else await admin.query(`drop database ${database}`);
      await admin.end();
    };
  } else {
    const schema = `confab_bench_lang_${Date.now()}`;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const url = new URL(DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    store = openPostgresStore(url.toString(), { poolSize: 4 });
    await store.migrate();
    const users = await seedUsers(store);
    sizes = await seedPostgres(url.toString(), users);
    cleanup = async () => {
      await store.close();
      if (SEED_ONLY) log(`  kept schema ${schema}`);
      else await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    };
  }
  const seedSec = round((performance.now() - started) / 1000, 1);
  const perMessage = Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, round(v / MESSAGES, 1)]));
  log(`  seeded in ${seedSec} s; bytes per message: ${JSON.stringify(perMessage)}`);
  if (SEED_ONLY) {
    await cleanup();
    continue;
  }
  const load = round(os.loadavg()[0], 1);
  const queries = await measure(store, 'bench-lang-u0');
  report.engines[engine] = { seedSec, bytesPerMessage: perMessage, loadBefore: load, loadAfter: round(os.loadavg()[0], 1), queries };
  await cleanup();
  // Each engine's figures as soon as they are measured (a run of both takes long at a million messages).
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  const out = path.join(root, `bench/results/search-languages-${engine}-${report.date.slice(0, 10)}.json`);
  writeFileSync(out, `${JSON.stringify({ ...report, engines: { [engine]: report.engines[engine] } }, null, 2)}\n`);
  log(`written ${out}`);
}
