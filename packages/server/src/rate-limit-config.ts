import type { EnvReader } from './env-reader.js';

/** At most `points` in any fixed window of `seconds`; `points: 0` turns the limit off. */
export interface RateWindow {
  points: number;
  seconds: number;
}

/**
 * Every abuse limit, by name. The names are what `services/rate-limits.ts` counts under and what
 * a route asks for (`RateLimits.route('login')`); a route named here but not yet served (the
 * password-forgot route) only needs wiring.
 */
export interface RateLimitSettings {
  /** Sign-in attempts from one client address. */
  loginIp: RateWindow;
  /** Failed sign-ins for one account: past `points` in the window, back-off (never a lockout). */
  loginAccount: RateWindow;
  /** Password-reset requests from one client address. */
  passwordForgotIp: RateWindow;
  /** Password-reset requests for one account: past `points`, back-off. */
  passwordForgotAccount: RateWindow;
  /** Sign-ups from one client address. */
  registerIp: RateWindow;
  /** Messages sent by one user, over REST and WebSocket together, on every node. */
  sendUser: RateWindow;
  /** Conversations (groups and direct) one user creates. */
  conversationCreateUser: RateWindow;
  /** Frames one WebSocket sends, whatever their type. */
  wsFrameSocket: RateWindow;
  // Uploads and search (issue 35): each costs the server far more than a message.
  /** Uploads one user starts (`POST /api/v1/uploads`), counted before the file is read. */
  uploadUser: RateWindow;
  /** Searches one user makes: messages and conversations together. */
  searchUser: RateWindow;
}

export type RateLimitName = keyof RateLimitSettings;

export interface RateLimits extends RateLimitSettings {
  /** `RATE_LIMITS=off` turns every limit off (benchmarks; a deployment that limits in front). */
  enabled: boolean;
  /** Longest back-off of an account limit, seconds: its delay doubles per refused attempt up to this. */
  backoffMaxSeconds: number;
  /** Frames refused in a row (rate-limited) before the socket is closed with 1008. */
  wsFloodCloseAfter: number;
}

/** Defaults: generous enough that a person typing (or a team signing up behind one NAT) never meets one. */
export const RATE_LIMIT_DEFAULTS: RateLimitSettings = {
  loginIp: { points: 60, seconds: 60 },
  loginAccount: { points: 10, seconds: 3600 },
  passwordForgotIp: { points: 20, seconds: 3600 },
  passwordForgotAccount: { points: 5, seconds: 3600 },
  registerIp: { points: 60, seconds: 3600 },
  sendUser: { points: 1200, seconds: 60 },
  conversationCreateUser: { points: 300, seconds: 3600 },
  wsFrameSocket: { points: 1200, seconds: 10 },
  uploadUser: { points: 60, seconds: 60 },
  searchUser: { points: 120, seconds: 60 },
};

/** The environment variable of each limit: `RATE_LIMIT_LOGIN_IP` for `loginIp`. */
export const rateLimitVariable = (name: RateLimitName) => `RATE_LIMIT_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

export function readRateLimits(read: EnvReader): RateLimits {
  const settings = Object.fromEntries(
    (Object.keys(RATE_LIMIT_DEFAULTS) as RateLimitName[]).map((name) => [name, readWindow(read, name)]),
  ) as unknown as RateLimitSettings;
  return {
    ...settings,
    enabled: read.oneOf('RATE_LIMITS', 'on', ['on', 'off']) === 'on',
    backoffMaxSeconds: read.int('RATE_LIMIT_BACKOFF_MAX_SECONDS', 300, 1, 86_400),
    wsFloodCloseAfter: read.int('WS_FLOOD_CLOSE_AFTER', 20, 1, 100_000),
  };
}

/** `points/seconds` (`60/3600`), or `0` for no limit. */
function readWindow(read: EnvReader, name: RateLimitName): RateWindow {
  const variable = rateLimitVariable(name);
  const fallback = RATE_LIMIT_DEFAULTS[name];
  const raw = read.optional(variable);
  if (raw === null) return fallback;
  if (raw === '0') return { points: 0, seconds: fallback.seconds };
  const match = /^(\d{1,9})\/(\d{1,7})$/.exec(raw);
  const points = Number(match?.[1]);
  const seconds = Number(match?.[2]);
  if (!match || points < 1 || seconds < 1 || seconds > 31 * 86_400) {
    read.problem(
      `${variable}: expected <points>/<seconds> such as ${fallback.points}/${fallback.seconds} (seconds up to 2678400), or 0 for no limit, got "${raw}"`,
    );
    return fallback;
  }
  return { points, seconds };
}
