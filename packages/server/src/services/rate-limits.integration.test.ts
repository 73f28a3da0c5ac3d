import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { redisService, requireService } from '../../test/services.js';
import { RateLimitService, RateLimited, accountKey } from './rate-limits.js';
import type { SecurityEvent } from './security-events.js';

const describeRedis = await requireService(redisService);
const silent = pino({ level: 'silent' });
const opened: RateLimitService[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.close()));
});

async function limits(env: Record<string, string>, redisUrl: string | null = null, prefix = `test:${randomUUID()}:`) {
  const events: SecurityEvent[] = [];
  const service = await RateLimitService.open(
    loadConfig(env).rateLimits,
    { record: (e) => events.push(e) },
    { redisUrl, prefix, logger: silent },
  );
  opened.push(service);
  return { service, events };
}

const refusal = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('RateLimitService', () => {
  it('refuses past a window with how long to wait, reporting the trip once', async () => {
    const { service, events } = await limits({ RATE_LIMIT_SEND_USER: '2/60' });
    await service.consume('sendUser', 'u1', { userId: 'u1' });
    await service.consume('sendUser', 'u1', { userId: 'u1' });
    const error = await refusal(service.consume('sendUser', 'u1', { userId: 'u1' }));
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).retryAfterMs).toBeGreaterThan(55_000);
    expect((error as RateLimited).retryAfterMs).toBeLessThanOrEqual(60_000);
    await expect(service.consume('sendUser', 'u1')).rejects.toBeInstanceOf(RateLimited);
    await service.consume('sendUser', 'u2');
    expect(events).toEqual([expect.objectContaining({ type: 'rate_limit.tripped', limit: 'sendUser', key: 'u1', userId: 'u1' })]);
  });

  it('backs off twice as long per failure past the free ones, up to the cap, and forgets on success', async () => {
    const { service, events } = await limits({ RATE_LIMIT_LOGIN_ACCOUNT: '2/3600', RATE_LIMIT_BACKOFF_MAX_SECONDS: '3' });
    const waits: number[] = [];
    for (let failure = 1; failure <= 6; failure++) {
      await service.fail('loginAccount', 'alice');
      const error = await refusal(service.check('loginAccount', 'alice'));
      waits.push(error instanceof RateLimited ? Math.ceil(error.retryAfterMs / 1000) : 0);
    }
    // Two free failures, then 1 s, 2 s, then the 3 s cap.
    expect(waits).toEqual([0, 0, 1, 2, 3, 3]);
    expect(events.map((e) => (e.type === 'rate_limit.tripped' ? e.retryAfterMs : null))).toEqual([1000, 2000, 3000, 3000]);
    await service.succeed('loginAccount', 'alice');
    await service.check('loginAccount', 'bob');
  });

  it('counts each request of an attempt limit (password-reset requests), refusing during the back-off', async () => {
    const { service } = await limits({ RATE_LIMIT_PASSWORD_FORGOT_ACCOUNT: '1/3600' });
    await service.attempt('passwordForgotAccount', 'alice');
    // The request past the points is refused itself, and starts the back-off.
    await expect(service.attempt('passwordForgotAccount', 'alice')).rejects.toBeInstanceOf(RateLimited);
    await expect(service.attempt('passwordForgotAccount', 'alice')).rejects.toBeInstanceOf(RateLimited);
    await service.attempt('passwordForgotAccount', 'bob');
  });

  it('does nothing for a limit set to 0, or with RATE_LIMITS=off', async () => {
    const envs: Record<string, string>[] = [{ RATE_LIMIT_SEND_USER: '0' }, { RATE_LIMITS: 'off', RATE_LIMIT_SEND_USER: '1/60' }];
    for (const env of envs) {
      const { service } = await limits(env);
      for (let i = 0; i < 5; i++) await service.consume('sendUser', 'u');
    }
  });

  it('keys an account by its login folded for case and width', () => {
    expect(accountKey('Alice')).toBe('alice');
    expect(accountKey('ＡＬＩＣＥ')).toBe('alice');
    expect(accountKey(' alice ')).toBe('alice');
  });
});

describeRedis('RateLimitService on Redis', () => {
  it('shares counters between nodes with the same prefix, and keeps deployments with other prefixes apart', async () => {
    const prefix = `test:${randomUUID()}:`;
    const env = { RATE_LIMIT_SEND_USER: '3/60', RATE_LIMIT_LOGIN_ACCOUNT: '1/60' };
    const a = (await limits(env, redisService.url, prefix)).service;
    const b = (await limits(env, redisService.url, prefix)).service;
    const other = (await limits(env, redisService.url)).service;
    for (const service of [a, b, other]) expect(await service.ready(5000)).toBe(true);
    await a.consume('sendUser', 'u');
    await b.consume('sendUser', 'u');
    await a.consume('sendUser', 'u');
    await expect(b.consume('sendUser', 'u')).rejects.toBeInstanceOf(RateLimited);
    await other.consume('sendUser', 'u');
    await a.fail('loginAccount', 'alice');
    await b.fail('loginAccount', 'alice');
    await expect(a.check('loginAccount', 'alice')).rejects.toBeInstanceOf(RateLimited);
  });

  it('counts in memory while Redis cannot be reached (the limit holds per node)', async () => {
    const { service } = await limits({ RATE_LIMIT_SEND_USER: '2/60' }, 'redis://127.0.0.1:1');
    expect(await service.ready(50)).toBe(false);
    await service.consume('sendUser', 'u');
    await service.consume('sendUser', 'u');
    await expect(service.consume('sendUser', 'u')).rejects.toBeInstanceOf(RateLimited);
  });
});
