import { type RawBuilder, sql } from 'kysely';
import type { MessageSearch } from '../store.js';
import type { Db } from '../sql/rows.js';

/** Bytes of a word indexed: 2 hex digits each plus the `w` stay within innodb_ft_max_token_size (84). */
const MAX_WORD_BYTES = 41;

/** A folded word as the token stored for it. */
export function wordToken(folded: string): string {
  return `w${Buffer.from(folded, 'utf8').subarray(0, MAX_WORD_BYTES).toString('hex')}`;
}

/**
 * One search word as the FULLTEXT index and a row's tokens are asked for it: any of its tokens
 * (the word, its stems; `prefix`: the last word's own, while typed), or all of a CJK run's bigrams.
 */
export interface WordGroup {
  tokens: { token: string; prefix: boolean }[];
  bigrams: string[];
}

export function wordGroups(search: MessageSearch): WordGroup[] {
  const { terms, prefix } = search.terms;
  return terms.map((term, i) => {
    const tokens = new Map<string, boolean>();
    for (const t of term.tokens) {
      // Two tokens can share their first MAX_WORD_BYTES (a long word and its stem): ask once.
      const token = wordToken(t);
      tokens.set(token, (tokens.get(token) ?? false) || (t === term.word && prefix && i === terms.length - 1));
    }
    return { tokens: [...tokens].map(([token, asPrefix]) => ({ token, prefix: asPrefix })), bigrams: term.bigrams.map(wordToken) };
  });
}

/** One token, no bigrams: InnoDB can take it as a bare `+token`, intersected with what is found so far. */
const isBare = (group: WordGroup) => group.tokens.length === 1 && group.bigrams.length === 0;

/** A group as a boolean-mode term: bare when it can be, else `+(…)`, which InnoDB evaluates whole. */
function booleanTerm(group: WordGroup): string {
  const any = group.tokens.map((t) => `${t.token}${t.prefix ? '*' : ''}`);
  if (isBare(group)) return `+${any[0]}`;
  if (group.bigrams.length > 0) any.push(`(${group.bigrams.map((b) => `+${b}`).join(' ')})`);
  return `+(${any.join(' ')})`;
}

/** The groups as one boolean-mode query, in the order given (InnoDB reads them in that order). */
export const booleanQueryOf = (groups: readonly WordGroup[]): string => groups.map(booleanTerm).join(' ');

/**
 * A group compared with a row's tokens (`m.search_vector`, space-separated) instead of looked up
 * in the index: the same terms. Tokens are `w` and hex digits, never a LIKE wildcard.
 */
export function groupMatches(group: WordGroup): RawBuilder<boolean> {
  const has = (token: string, asPrefix: boolean) =>
    sql<boolean>`concat(' ', m.search_vector, ' ') like ${`% ${token}${asPrefix ? '' : ' '}%`}`;
  const any = group.tokens.map((t) => has(t.token, t.prefix));
  if (group.bigrams.length > 0)
    any.push(
      sql<boolean>`(${sql.join(
        group.bigrams.map((b) => has(b, false)),
        sql` and `,
      )})`,
    );
  return sql<boolean>`(${sql.join(any, sql` or `)})`;
}

export const groupsMatch = (groups: readonly WordGroup[]): RawBuilder<boolean> =>
  sql<boolean>`${sql.join(groups.map(groupMatches), sql` and `)}`;

/**
 * What InnoDB's work costs, relative to one another (measured at a million messages, MariaDB
 * 10.11, docs/search.md): a matching row the index hands out and the query then reads (by
 * FTS_DOC_ID, then the clustered key), a document of a word evaluated in a `+(…)` group (its whole
 * list built and ranked), a document of a bare `+token` intersected with the matches so far.
 */
const ROW_READ = 50;
const GROUP_DOC = 5;
const BARE_DOC = 1;

/** The FULLTEXT query of a plan, and the words left to compare in the rows it reads. */
export interface IndexPlan {
  against: string;
  filtered: WordGroup[];
}

/**
 * The index's query for words whose shares of messages are `densities` (0–1): rarest first (InnoDB
 * builds the first term's matches, and a bare term after it is only intersected with them); a
 * later word is asked of the index when that costs less than reading the rows it would rule out,
 * else compared in those rows. `zorbex meeting`: the index finds zorbex's few messages, and
 * `meeting` (a sixth of all messages, four tokens) is looked for in them.
 */
export function planIndexQuery(groups: readonly WordGroup[], densities: readonly number[]): IndexPlan {
  const order = groups.map((_, i) => i).sort((a, b) => densities[a]! - densities[b]!);
  const [first, ...rest] = order;
  const asked = [groups[first!]!];
  const filtered: WordGroup[] = [];
  let matches = densities[first!]!;
  for (const i of rest) {
    const share = densities[i]!;
    const cost = (isBare(groups[i]!) ? BARE_DOC : GROUP_DOC) * share;
    const saved = ROW_READ * matches * (1 - share);
    if (saved > cost) {
      asked.push(groups[i]!);
      matches *= share;
    } else filtered.push(groups[i]!);
  }
  return { against: booleanQueryOf(asked), filtered };
}

/** Newest rows sampled to estimate each word's share of messages. */
const SAMPLE_ROWS = 4000;
/** A word's share is kept this long per store (it moves slowly; it only steers the plan, never the hits). */
const SHARE_TTL_MS = 10 * 60_000;
const SHARES_MAX = 10_000;

/**
 * Each word's share of messages, estimated from the newest SAMPLE_ROWS rows (one statement, rows
 * that a walk has usually just read) and remembered for SHARE_TTL_MS. InnoDB's own counts are not
 * used: `information_schema.INNODB_FT_INDEX_TABLE` answers for the one table named in the global
 * `innodb_ft_aux_table`, which a shared server's other databases would race for, and it lists
 * every (word, document) pair rather than a count.
 */
export function wordShares(now: () => number = Date.now) {
  const known = new Map<string, { share: number; at: number }>();
  const keyOf = (group: WordGroup) => JSON.stringify(group);
  return async (db: Db, groups: readonly WordGroup[]): Promise<number[]> => {
    const fresh = groups.map((g) => known.get(keyOf(g))).filter((k) => k !== undefined && now() - k.at < SHARE_TTL_MS);
    if (fresh.length === groups.length) return fresh.map((k) => k!.share);
    // The sample's lowest key first, then a range of the primary key (MariaDB copied a derived
    // table's LONGTEXT tokens to disk, 0.37 s, and ran a subquery for the bound as a scan, 5 s).
    const { rows: edge } = await sql<{ id: string }>`select id from messages order by id desc limit 1 offset ${SAMPLE_ROWS - 1}`.execute(
      db,
    );
    const { rows } = await sql<Record<string, number | string | null>>`
      select count(*) as n, ${sql.join(
        groups.map((g, i) => sql`sum(${groupMatches(g)}) as ${sql.ref(`d${i}`)}`),
        sql`, `,
      )}
      from messages as m where m.id >= ${edge[0]?.id ?? ''}`.execute(db);
    const row = rows[0]!;
    const n = Number(row.n);
    // Half a match when none is seen: a word absent from the sample is rare, not impossible.
    const shares = groups.map((_, i) => (Number(row[`d${i}`] ?? 0) + 0.5) / (n + 1));
    if (known.size >= SHARES_MAX) known.clear();
    groups.forEach((g, i) => known.set(keyOf(g), { share: shares[i]!, at: now() }));
    return shares;
  };
}
