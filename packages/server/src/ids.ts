import { randomFillSync } from 'node:crypto';
import { V7Generator } from 'uuidv7';

/**
 * The ids' random bits, from the operating system's CSPRNG 4 KiB at a time. uuidv7's default
 * source asks Web Crypto for 32 bytes per refill (about three ids), and on a REST send load those
 * calls took 2 % of the main thread (issue 13's profile).
 */
class PooledRandom {
  private readonly pool = new Uint32Array(1024);
  private next = this.pool.length;

  nextUint32(): number {
    if (this.next === this.pool.length) {
      randomFillSync(this.pool);
      this.next = 0;
    }
    return this.pool[this.next++]!;
  }
}

const generator = new V7Generator(new PooledRandom());

/** New server-side id: UUIDv7, so ids sort by creation time and are not guessable. */
export const newId = (): string => generator.generate().toString();
