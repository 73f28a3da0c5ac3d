import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { lazyRequestLogger } from './request-logger.js';

/** A pino logger writing its lines into `lines`. */
function capturingLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

describe('lazyRequestLogger', () => {
  it('makes no child for a request that logs nothing, and the child Fastify would make for one that does', async () => {
    const { logger, lines } = capturingLogger();
    const app = Fastify({ loggerInstance: logger, childLoggerFactory: lazyRequestLogger, disableRequestLogging: true });
    app.get('/quiet', async () => ({ ok: true }));
    app.get('/loud', async (request) => {
      request.log.warn({ probe: 'db' }, 'readiness probe failed');
      request.log.info('and again');
      return { ok: true };
    });
    await app.ready();
    const child = vi.spyOn(logger, 'child');
    expect((await app.inject('/quiet')).statusCode).toBe(200);
    expect(child).not.toHaveBeenCalled();
    expect((await app.inject('/loud')).statusCode).toBe(200);
    // Made once, on the first line, with the request's id bound as Fastify binds it.
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, reqId: 'req-2', probe: 'db', msg: 'readiness probe failed' }),
      expect.objectContaining({ level: 30, reqId: 'req-2', msg: 'and again' }),
    ]);
    await app.close();
  });

  it("keeps a route's own log level, and the parent's below it", async () => {
    const { logger, lines } = capturingLogger('warn');
    const app = Fastify({ loggerInstance: logger, childLoggerFactory: lazyRequestLogger, disableRequestLogging: true });
    app.get('/debug', { logLevel: 'debug' }, async (request) => {
      expect(request.log.level).toBe('debug');
      request.log.debug('seen at this route');
      return {};
    });
    app.get('/default', async (request) => {
      expect(request.log.level).toBe('warn');
      request.log.info('not seen');
      return {};
    });
    expect((await app.inject('/debug')).statusCode).toBe(200);
    expect((await app.inject('/default')).statusCode).toBe(200);
    expect(lines.map((l) => l['msg'])).toEqual(['seen at this route']);
    await app.close();
  });
});
