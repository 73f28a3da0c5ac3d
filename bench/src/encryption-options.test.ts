import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';
import { USAGE } from './usage.js';

describe('the encryption phase’s options', () => {
  it('runs only when named, at the issue’s sizes, or small ones with --quick', () => {
    expect(parseOptions([])!.phases.has('encryption')).toBe(false);
    const full = parseOptions(['--only', 'encryption'])!;
    expect(full.phases).toEqual(new Set(['encryption']));
    expect([full.encryptionMembers, full.encryptionMessages, full.encryptionStateGroups, full.encryptionStore]).toEqual([
      50,
      1000,
      [2, 10, 50],
      'sqlite',
    ]);
    const quick = parseOptions(['--only', 'encryption', '--quick'])!;
    expect([quick.encryptionMembers, quick.encryptionMessages, quick.encryptionStateGroups]).toEqual([10, 50, [2, 10]]);
    expect(USAGE).toContain('--encryption-members');
  });

  it('takes each size and a store of the two it knows', () => {
    const o = parseOptions([
      '--only',
      'encryption',
      '--encryption-members',
      '20',
      '--encryption-messages',
      '300',
      '--encryption-state-groups',
      '21, 3,3',
      '--encryption-store',
      'postgres',
    ])!;
    expect([o.encryptionMembers, o.encryptionMessages, o.encryptionStateGroups, o.encryptionStore]).toEqual([20, 300, [3, 21], 'postgres']);
    expect(() => parseOptions(['--encryption-store', 'mariadb'])).toThrow('--encryption-store: expected sqlite or postgres, got "mariadb"');
    expect(() => parseOptions(['--encryption-members', '0'])).toThrow('--encryption-members: expected a positive number');
  });

  it('weighs by default only the groups its members can fill', () => {
    expect(parseOptions(['--only', 'encryption', '--encryption-members', '20'])!.encryptionStateGroups).toEqual([2, 10]);
    expect(parseOptions(['--only', 'encryption', '--encryption-members', '1'])!.encryptionStateGroups).toEqual([2]);
  });

  it('refuses a group it cannot fill, or of fewer than two devices, when the phase runs', () => {
    expect(() => parseOptions(['--only', 'encryption', '--encryption-members', '8', '--encryption-state-groups', '2,10'])).toThrow(
      '--encryption-state-groups: 10 exceed --encryption-members + 1 (9 devices)',
    );
    // Another phase's run does not check what it will not use.
    expect(
      parseOptions(['--only', 'storm', '--encryption-members', '8', '--encryption-state-groups', '2,10'])!.phases.has('encryption'),
    ).toBe(false);
    expect(() => parseOptions(['--encryption-state-groups', '1,2'])).toThrow(
      '--encryption-state-groups: expected group sizes of 2 or more',
    );
    expect(() => parseOptions(['--encryption-state-groups', 'ten'])).toThrow('--encryption-state-groups');
  });
});
