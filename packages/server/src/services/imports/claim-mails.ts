import type { UserRecord } from '../../store/store.js';

/** Claim mails one run has in flight at once: a few SMTP sessions overlap their round trips without flooding a small relay. */
export const CLAIM_MAIL_CONCURRENCY = 4;

/**
 * The claim mails of one import run, sent beside it rather than in it: the accounts are committed
 * before a mail is queued, and the run writes the history while the mails go, so a workspace of
 * thousands of people does not wait on one SMTP round trip per person. The run ends (done or
 * failed) only once every mail was tried, so a failure is in its record. The queue lives in this
 * process: mails not yet sent when it dies are not sent (a second run creates nobody, so mails
 * none); the admin can send those people a password reset.
 */
export class ClaimMails {
  private readonly waiting: UserRecord[] = [];
  private active = 0;
  private idle: (() => void) | undefined;

  constructor(
    private readonly send: (user: UserRecord) => Promise<void>,
    private readonly failed: (user: UserRecord, error: unknown) => void,
    private readonly concurrency = CLAIM_MAIL_CONCURRENCY,
  ) {}

  add(user: UserRecord): void {
    this.waiting.push(user);
    this.next();
  }

  /** Resolves once every mail added so far has been sent or has failed. */
  settled(): Promise<void> {
    if (this.active === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const before = this.idle;
      this.idle = () => {
        before?.();
        resolve();
      };
    });
  }

  private next(): void {
    while (this.active < this.concurrency && this.waiting.length > 0) {
      const user = this.waiting.shift()!;
      this.active += 1;
      void this.send(user)
        .catch((error: unknown) => this.failed(user, error))
        .finally(() => {
          this.active -= 1;
          this.next();
          if (this.active === 0 && this.waiting.length === 0) {
            const idle = this.idle;
            this.idle = undefined;
            idle?.();
          }
        });
    }
  }
}
