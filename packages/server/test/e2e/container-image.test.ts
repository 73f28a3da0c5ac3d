import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConfabClient } from '@confab/client';
import type { EventOf } from '@confab/protocol';
import { createTestSchema, postgresService, program, redisService, requireService, type TestSchema } from '../services.js';
import { freePort } from '../process.js';

/**
 * The container image, built from the root Dockerfile and run for real with podman (no Docker
 * daemon here): on SQLite (as PID 1, no init) and on PostgreSQL + Redis (with --init), two users
 * exchange a message through it with the SDK, then SIGTERM must drain and exit 0. The base image
 * is a cached stand-in for node:22-bookworm-slim (deploy/podman/base-image.sh); layers are cached
 * between runs, so only the first build costs minutes.
 */
const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const IMAGE = 'localhost/confab:test';
const podman = program({
  name: 'podman',
  binary: 'podman',
  env: 'CONFAB_TEST_PODMAN',
  dirs: ['/usr/bin'],
  install: 'apt-get install podman runc catatonit debootstrap (root)',
  versionArgs: ['--version'],
});
const env = { ...process.env, CONTAINERS_CONF: path.join(REPO, 'deploy/podman/containers.conf') };
const podmanRun = (args: string[], timeout = 60_000) =>
  run(podman.path() ?? 'podman', args, { env, cwd: REPO, timeout, maxBuffer: 64 * 1024 * 1024 });

const describeImage = await requireService(podman, postgresService, redisService);

describeImage('the container image', () => {
  const started: string[] = [];
  let schema: TestSchema | undefined;

  beforeAll(async () => {
    const base = (await run('bash', [path.join(REPO, 'deploy/podman/base-image.sh')], { env, timeout: 900_000 })).stdout.trim();
    const t0 = Date.now();
    await podmanRun(['build', '--format', 'docker', '--network', 'host', '--build-arg', `BASE=${base}`, '-t', IMAGE, '.'], 1_800_000);
    const size = Number((await podmanRun(['image', 'inspect', '--format', '{{.Size}}', IMAGE])).stdout.trim());
    // eslint-disable-next-line no-console
    console.info(
      `container image ${IMAGE}: ${(size / 1_048_576).toFixed(0)} MiB, built (or found cached) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  }, 2_700_000);

  afterAll(async () => {
    for (const name of started) await podmanRun(['rm', '-f', name]).catch(() => {});
    await schema?.drop();
  });

  /** Starts the image on this host's network; resolves once /readyz answers 200. */
  async function start(settings: Record<string, string>, init: boolean): Promise<{ name: string; url: string }> {
    const port = await freePort();
    const name = `confab-test-${randomUUID().slice(0, 8)}`;
    const vars = { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...settings };
    await podmanRun([
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'host',
      ...(init ? ['--init'] : []),
      ...Object.entries(vars).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      IMAGE,
    ]);
    started.push(name);
    const url = `http://127.0.0.1:${port}`;
    await expect.poll(async () => (await fetch(`${url}/readyz`).catch(() => null))?.status, { timeout: 60_000, interval: 250 }).toBe(200);
    return { name, url };
  }

  /** Two users, a DM, a message sent over REST and received live over the socket. */
  async function exchange(url: string): Promise<void> {
    const alice = new ConfabClient({ baseUrl: url });
    const bob = new ConfabClient({ baseUrl: url });
    await alice.register({ username: `alice${randomUUID().slice(0, 6)}`, password: 'container test passphrase' });
    const bobMe = (await bob.register({ username: `bob${randomUUID().slice(0, 6)}`, password: 'container test passphrase' })).user;
    const dm = await alice.openDirect(bobMe.id);
    const live = bob.connect();
    await live.ready();
    const got: EventOf<'message.created'>[] = [];
    live.on('message.created', (e) => got.push(e));
    const sent = await alice.sendMessage(dm.id, 'hello from inside the image');
    await expect.poll(() => got.map((e) => e.message.id)).toEqual([sent.id]);
    live.close();
  }

  /** SIGTERM (podman stop), then the exit status and the drain's log lines. */
  async function stop(name: string): Promise<{ exitCode: number; logs: string }> {
    await podmanRun(['stop', '--time', '30', name], 90_000);
    const exitCode = Number((await podmanRun(['inspect', '--format', '{{.State.ExitCode}}', name])).stdout.trim());
    const { stdout, stderr } = await podmanRun(['logs', name]);
    return { exitCode, logs: stdout + stderr };
  }

  it('runs on SQLite as PID 1 as a non-root user, serves the SDK, and drains on SIGTERM with exit 0', async () => {
    const { name, url } = await start({}, false);
    const user = (await podmanRun(['exec', name, 'id', '-un'])).stdout.trim();
    expect(user).toBe('confab');
    await exchange(url);
    const { exitCode, logs } = await stop(name);
    expect(logs).toContain('"signal":"SIGTERM"');
    expect(exitCode).toBe(0);
  }, 180_000);

  it('runs on PostgreSQL + Redis, serves the SDK, and drains on SIGTERM with exit 0', async () => {
    schema = await createTestSchema();
    const { name, url } = await start(
      {
        DATABASE_URL: schema.url,
        REDIS_URL: redisService.url,
        REDIS_CHANNEL_PREFIX: `confab-image-${randomUUID().slice(0, 8)}:`,
        JWT_SECRET: randomUUID() + randomUUID(),
      },
      true,
    );
    await exchange(url);
    const { exitCode, logs } = await stop(name);
    expect(logs).toContain('"signal":"SIGTERM"');
    expect(exitCode).toBe(0);
  }, 180_000);
});
