import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';

describe('the idle phase’s server (--idle-store)', () => {
  it('is one SQLite node unless a cluster node on PostgreSQL + Redis is asked for', () => {
    expect(parseOptions(['--only', 'idle'])!.idleStore).toBe('sqlite');
    expect(parseOptions(['--only', 'idle', '--idle-store', 'postgres'])!.idleStore).toBe('postgres');
  });

  it('refuses any other store, naming the two it knows', () => {
    expect(() => parseOptions(['--idle-store', 'mysql'])).toThrow('--idle-store: expected sqlite or postgres, got "mysql"');
  });
});

describe('the soak’s server (--soak-store)', () => {
  it('is one SQLite node unless a cluster node on PostgreSQL + Redis is asked for', () => {
    expect(parseOptions(['--only', 'soak'])!.soakStore).toBe('sqlite');
    expect(parseOptions(['--only', 'soak', '--soak-store', 'postgres'])!.soakStore).toBe('postgres');
  });

  it('refuses any other store', () => {
    expect(() => parseOptions(['--soak-store', 'mariadb'])).toThrow('--soak-store: expected sqlite or postgres, got "mariadb"');
  });
});
