import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';

describe('the grow phase’s options', () => {
  it('runs only when named, at the issue’s sizes, or small ones with --quick', () => {
    expect(parseOptions([])!.phases.has('grow')).toBe(false);
    const full = parseOptions(['--only', 'grow'])!;
    expect(full.phases).toEqual(new Set(['grow']));
    expect([full.growUsers, full.growMessages, full.growUserConversations, full.growBigMessages]).toEqual([
      100_000, 10_000_000, 2000, 1_000_000,
    ]);
    expect(full.growResume).toEqual([1000, 10_000]);
    const quick = parseOptions(['--only', 'grow', '--quick'])!;
    expect([quick.growUsers, quick.growMessages, quick.growUserConversations, quick.growBigMessages]).toEqual([2000, 200_000, 200, 50_000]);
    expect(quick.growResume).toEqual([100, 1000]);
  });

  it('takes each size, and a store of the two it knows', () => {
    const o = parseOptions([
      '--only',
      'grow',
      '--grow-users',
      '500',
      '--grow-messages',
      '9000',
      '--grow-conversations',
      '40',
      '--grow-user-conversations',
      '10',
      '--grow-big-messages',
      '3000',
      '--grow-store',
      'postgres',
    ])!;
    expect([o.growUsers, o.growMessages, o.growConversations, o.growUserConversations, o.growBigMessages]).toEqual([
      500, 9000, 40, 10, 3000,
    ]);
    expect(o.growStore).toBe('postgres');
    expect(parseOptions(['--only', 'grow'])!.growStore).toBe('sqlite');
    expect(() => parseOptions(['--grow-store', 'mysql'])).toThrow('--grow-store: expected sqlite or postgres, got "mysql"');
  });

  it('keeps the seeded store only when asked', () => {
    expect(parseOptions(['--only', 'grow'])!.growKeep).toBe(false);
    expect(parseOptions(['--only', 'grow', '--grow-keep'])!.growKeep).toBe(true);
    expect(() => parseOptions(['--only', 'grow', '--grow-keep=yes'])).toThrow();
  });

  it('reads the resumes’ missed events as a sorted list of distinct positive counts', () => {
    expect(parseOptions(['--grow-resume', '5000, 10,5000'])!.growResume).toEqual([10, 5000]);
    expect(() => parseOptions(['--grow-resume', '10,0'])).toThrow('--grow-resume');
    expect(() => parseOptions(['--grow-resume', 'many'])).toThrow('--grow-resume');
  });

  it('refuses sizes the plan cannot lay out, when the phase runs', () => {
    expect(() => parseOptions(['--only', 'grow', '--grow-big-messages', '20000000'])).toThrow(
      '--grow-big-messages cannot exceed --grow-messages',
    );
    expect(() => parseOptions(['--only', 'grow', '--quick', '--grow-user-conversations', '3000'])).toThrow(
      '--grow-user-conversations cannot exceed --grow-conversations',
    );
  });

  it('gives a full-size run hours unless --timeout says otherwise, and leaves other phases’ timeout alone', () => {
    expect(parseOptions(['--only', 'grow'])!.timeoutSec).toBe(6 * 3600);
    expect(parseOptions(['--only', 'grow', '--quick'])!.timeoutSec).toBe(1800);
    expect(parseOptions(['--only', 'grow', '--timeout', '600'])!.timeoutSec).toBe(600);
    expect(parseOptions(['--only', 'storm'])!.timeoutSec).toBe(1800);
  });
});
