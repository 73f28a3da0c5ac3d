import { type Algorithm, parseOptions } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { detail, invalid } from '../../errors.js';
import { DEFAULT_HASHING_NICE, PasswordThreads } from '../../infra/password-threads.js';

/** One pool of hashing threads per process and priority, whatever number of `Passwords` (servers in a test) share it. */
const pools = new Map<number, PasswordThreads>();
function threadsAt(nice: number): PasswordThreads {
  let pool = pools.get(nice);
  if (!pool) pools.set(nice, (pool = new PasswordThreads(nice)));
  return pool;
}

/** How many of the most common passwords are refused. */
export const COMMON_PASSWORDS_REFUSED = 10_000;
const ARGON2ID = 2 as Algorithm;

export interface PasswordParameters {
  /** argon2id memory, KiB. */
  memoryKib: number;
  /** argon2id passes. */
  timeCost: number;
  /** CPU priority of the hashing threads (`DEFAULT_HASHING_NICE` when not given). */
  threadNice?: number;
}

/**
 * Password hashing and the password rules. Hashes are argon2id PHC strings made on threads of
 * their own at the lowest CPU priority (`PasswordThreads`), never on the event loop. A hash made with weaker parameters
 * than today's is re-made at the next sign-in (`needsRehash`). The rules are NIST SP 800-63B's:
 * length (8–256, checked by the schema), no composition rules, and not one of the 10,000 most
 * common passwords (zxcvbn-ts's frequency-ordered list, compared ignoring case).
 */
export class Passwords {
  private common: Set<string> | undefined;
  /** Verified against when there is no account, so both failures take the same time. */
  private dummyHash: Promise<string> | undefined;

  private readonly threads: PasswordThreads;

  constructor(private readonly parameters: PasswordParameters) {
    this.threads = threadsAt(parameters.threadNice ?? DEFAULT_HASHING_NICE);
  }

  hash(password: string): Promise<string> {
    return this.threads.hash(password, {
      algorithm: ARGON2ID,
      memoryCost: this.parameters.memoryKib,
      timeCost: this.parameters.timeCost,
      parallelism: 1,
    });
  }

  /** False for a wrong password and for a hash that is not one (an erased account's). */
  async verify(passwordHash: string, password: string): Promise<boolean> {
    if (!passwordHash.startsWith('$argon2')) return false;
    return this.threads.verify(passwordHash, password);
  }

  /** Spends a verification's time on nothing: for an unknown account, so it answers as slowly as a known one. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('confab-dummy-password');
    await this.threads.verify(await this.dummyHash, password);
    return false;
  }

  /** Whether the hash was made with weaker parameters (or another algorithm) than today's. */
  needsRehash(passwordHash: string): boolean {
    try {
      const options = parseOptions(passwordHash);
      return (
        options.algorithm !== ARGON2ID || options.memoryCost < this.parameters.memoryKib || options.timeCost < this.parameters.timeCost
      );
    } catch {
      return true;
    }
  }

  /** Throws validation_failed (detail at `path`) when the password is one of the most common. */
  checkNew(password: string, path: string): void {
    this.common ??= new Set(dictionary['passwords-common'].slice(0, COMMON_PASSWORDS_REFUSED));
    if (this.common.has(password.toLowerCase()))
      throw invalid('Choose a less common password', [
        detail(path, `is one of the ${COMMON_PASSWORDS_REFUSED} most common passwords`, { reason: 'common' }),
      ]);
  }
}
