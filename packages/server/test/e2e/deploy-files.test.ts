import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The deployment files read together: compose builds the root Dockerfile, its nodes listen where
 * deploy/nginx.conf sends traffic, and every secret it needs is named in the example env file.
 * (The image itself is built and run in container-image.test.ts.)
 */
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (file: string) => readFileSync(path.join(REPO, file), 'utf8');

describe('deploy/compose.yaml', () => {
  const compose = parse(read('deploy/compose.yaml'), { merge: true }) as {
    services: Record<string, { build?: { context: string; dockerfile: string }; environment?: Record<string, string>; volumes?: string[] }>;
  };
  const nodes = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

  it('runs two Confab nodes built from the root Dockerfile, beside PostgreSQL, Redis and nginx', () => {
    expect(nodes.map(([name]) => name)).toEqual(['confab1', 'confab2']);
    for (const [, node] of nodes) expect(existsSync(path.join(REPO, 'deploy', node.build!.context, node.build!.dockerfile))).toBe(true);
    expect(Object.keys(compose.services).sort()).toEqual(['confab1', 'confab2', 'nginx', 'postgres', 'redis']);
  });

  it('puts the nodes where deploy/nginx.conf sends traffic, with one database and one Redis', () => {
    const upstreams = [...read('deploy/nginx.conf').matchAll(/^\s*server 127\.0\.0\.1:(\d+)/gm)].map((m) => m[1]);
    for (const [, node] of nodes) {
      expect(upstreams).toContain(node.environment!['PORT']);
      expect(node.environment!['DATABASE_URL']).toMatch(/^postgres:\/\//);
      expect(node.environment!['REDIS_URL']).toMatch(/^redis:\/\//);
    }
    expect(compose.services['nginx']!.volumes).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro');
  });

  it('names every secret it needs in deploy/confab.env.example', () => {
    const example = read('deploy/confab.env.example');
    for (const secret of ['JWT_SECRET', 'POSTGRES_PASSWORD']) expect(example).toMatch(new RegExp(`^${secret}=`, 'm'));
  });
});
