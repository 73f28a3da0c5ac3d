import Type from 'typebox';
import { createHash } from 'node:crypto';
import {
  type ConversationSearchQuery,
  type ConversationSearchResult,
  MAX_SEARCH_WORDS,
  type SearchPage,
  type SearchQuery,
} from '@confab/protocol';
import { detail, invalid } from '../../errors.js';
import type { MessageSearch, SearchHit, Store } from '../../store/store.js';
import { type SearchTerms, searchTerms, words } from '../../store/search-tokens.js';
import { CursorFields, decodeCursor, encodeCursor } from '../../infra/cursor.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { RateLimitService } from '../rate-limits.js';
import { relevance, snippetOf } from './search-ranking.js';
import { conversationSummaryView, messageView } from '../views.js';

export interface SearchLimits {
  /** How many of the newest matches are ranked together (SEARCH_RANK_WINDOW). */
  rankWindow: number;
}

const PAGE_SIZE = 20;

/** A run of matches ranked together: keys `from`…`upTo` (`from` null: down to the oldest). */
interface Window {
  upTo: string;
  from: string | null;
}
interface Ranked {
  hit: SearchHit;
  score: number;
}
/** Where a page ended: its window, the last hit returned (score, time, id), and which search it belongs to. */
interface SearchCursor {
  w: [string, string | null];
  a: [number, number, string] | null;
  s: string;
}

// The window's keys are a message id (PostgreSQL) or a row number (SQLite); the score a finite number.
const SearchCursor = Type.Object(
  {
    w: Type.Tuple([CursorFields.id, Type.Union([CursorFields.id, Type.Null()])]),
    a: Type.Union([Type.Tuple([Type.Number({ minimum: -1e9, maximum: 1e9 }), CursorFields.integer, CursorFields.id]), Type.Null()]),
    s: Type.String({ maxLength: 128 }),
  },
  { additionalProperties: false },
);

/** Ranked order: relevance, then the newer message, then the id (a total order). */
const byRank = (x: Ranked, y: Ranked) =>
  y.score - x.score || y.hit.message.createdAt - x.hit.message.createdAt || (x.hit.message.id < y.hit.message.id ? 1 : -1);
const sortsAfter = (r: Ranked, [score, createdAt, id]: [number, number, string]) =>
  r.score < score ||
  (r.score === score && (r.hit.message.createdAt < createdAt || (r.hit.message.createdAt === createdAt && r.hit.message.id < id)));

/**
 * Full-text search of the messages I may read, and of my conversations by name (docs/search.md).
 * The store finds matches newest first; they are ranked here a window at a time (the newest
 * `rankWindow` matches by relevance, then the next ones), so a search costs the same however many
 * messages match, and a cursor names its window and its place in it, which never moves.
 */
export class SearchService {
  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly limits: SearchLimits,
    private readonly rateLimits: RateLimitService,
  ) {}

  async messages(userId: string, query: SearchQuery): Promise<SearchPage> {
    await this.rateLimits.consume('searchUser', userId, { userId });
    const terms = termsOf(query.q);
    if (query.conversationId !== undefined) await this.membership.requireRole(query.conversationId, userId);
    const search: Omit<MessageSearch, 'limit'> = {
      userId,
      terms,
      ...(query.conversationId === undefined ? {} : { conversationId: query.conversationId }),
      ...(query.senderId === undefined ? {} : { senderId: query.senderId }),
      ...(query.after === undefined ? {} : { after: Date.parse(query.after) }),
      ...(query.before === undefined ? {} : { before: Date.parse(query.before) }),
    };
    const signature = signatureOf(search);
    const limit = query.limit ?? PAGE_SIZE;
    let window: Window | null;
    let after: [number, number, string] | null = null;
    let ranked: Ranked[];
    if (query.cursor === undefined) {
      ({ window, ranked } = await this.nextWindow(search, undefined));
    } else {
      const cursor = decodeCursor(query.cursor, SearchCursor);
      if (cursor.s !== signature) throw invalid('cursor belongs to another search', [detail('', 'cursor is for another search')]);
      window = { upTo: cursor.w[0], from: cursor.w[1] };
      after = cursor.a;
      ranked = await this.windowAgain(search, window);
    }
    const items: Ranked[] = [];
    while (window !== null) {
      const rest = after === null ? ranked : ranked.filter((r) => sortsAfter(r, after!));
      const taken = rest.slice(0, limit - items.length);
      items.push(...taken);
      if (items.length === limit && rest.length > taken.length) {
        const last = items.at(-1)!;
        return this.page(items, terms, { w: [window.upTo, window.from], a: keyOf(last), s: signature });
      }
      // This window is used up: the next one (older matches), if there is one.
      if (window.from === null) break;
      ({ window, ranked } = await this.nextWindow(search, window.from));
      after = null;
      if (window !== null && items.length === limit)
        return this.page(items, terms, { w: [window.upTo, window.from], a: null, s: signature });
    }
    return this.page(items, terms, null);
  }

  /** The newest `rankWindow` matches below `below` (all when undefined), ranked; null when there are none. */
  private async nextWindow(search: Omit<MessageSearch, 'limit'>, below: string | undefined) {
    const hits = await this.store.search.searchMessages({
      ...search,
      ...(below === undefined ? {} : { below }),
      limit: this.limits.rankWindow,
    });
    if (hits.length === 0) return { window: null, ranked: [] };
    const window: Window = { upTo: hits[0]!.key, from: hits.length === this.limits.rankWindow ? hits.at(-1)!.key : null };
    return { window, ranked: rankHits(hits, search.terms) };
  }

  /** A window again, for a later page: the same keys (less what was deleted since; an edit may add or drop one). */
  private async windowAgain(search: Omit<MessageSearch, 'limit'>, window: Window) {
    const bounds = { upTo: window.upTo, ...(window.from === null ? {} : { from: window.from }) };
    const hits = await this.store.search.searchMessages({ ...search, ...bounds, limit: 2 * this.limits.rankWindow });
    return rankHits(hits, search.terms);
  }

  private page(items: Ranked[], terms: SearchTerms, cursor: SearchCursor | null): SearchPage {
    return {
      items: items.map(({ hit }) => ({ message: messageView(hit.message), ...snippetOf(hit.message.body, terms) })),
      nextCursor: cursor === null ? null : encodeCursor(cursor),
    };
  }

  /**
   * My conversations whose group title, or whose other member's username or display name (a
   * direct conversation), has a word starting with each word typed; whole-word matches first,
   * then the most recently active.
   */
  async conversations(userId: string, query: ConversationSearchQuery): Promise<ConversationSearchResult> {
    await this.rateLimits.consume('searchUser', userId, { userId });
    const typed = termsOf(query.q).folded;
    const scored: { id: string; score: number; activity: number }[] = [];
    for (const c of await this.store.search.listConversationNames(userId)) {
      const names = words([c.title, c.peerUsername, c.peerDisplayName].filter((n) => n !== null).join(' ')).map((w) => w.folded);
      if (!typed.every((t) => names.some((n) => n.startsWith(t)))) continue;
      scored.push({ id: c.conversationId, score: typed.filter((t) => names.includes(t)).length, activity: c.lastActivityAt });
    }
    scored.sort((a, b) => b.score - a.score || b.activity - a.activity || (a.id < b.id ? -1 : 1));
    const views = await Promise.all(
      scored.slice(0, query.limit ?? PAGE_SIZE).map((c) => this.store.conversations.getConversationView(userId, c.id)),
    );
    return { items: views.flatMap((v) => (v ? [conversationSummaryView(v)] : [])) };
  }
}

function termsOf(q: string): SearchTerms {
  const terms = searchTerms(q);
  if (terms.folded.length === 0) throw invalid('The search has no words to find', [detail('', 'q must have a letter or a digit')]);
  if (terms.folded.length > MAX_SEARCH_WORDS)
    throw invalid(`A search has at most ${MAX_SEARCH_WORDS} words`, [
      detail('', `q must have at most ${MAX_SEARCH_WORDS} words`, { limit: MAX_SEARCH_WORDS }),
    ]);
  return terms;
}

const rankHits = (hits: SearchHit[], terms: SearchTerms): Ranked[] =>
  hits.map((hit) => ({ hit, score: relevance(hit.message.body, terms) })).sort(byRank);

const keyOf = (r: Ranked): [number, number, string] => [r.score, r.hit.message.createdAt, r.hit.message.id];

/** Which search a cursor was made for: a cursor of another one would page through the wrong window. */
const signatureOf = (search: Omit<MessageSearch, 'limit'>) =>
  createHash('sha256')
    .update(
      JSON.stringify([
        search.userId,
        search.terms.folded,
        search.terms.prefix,
        search.conversationId,
        search.senderId,
        search.after,
        search.before,
      ]),
    )
    .digest('base64url')
    .slice(0, 16);
