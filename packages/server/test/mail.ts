import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  from: string;
}

/**
 * A real SMTP server (npm smtp-server) on a random loopback port, keeping what it receives: the
 * server under test sends to it through SMTP_URL, and tests read tokens out of the mails.
 */
export class MailCatcher {
  readonly mails: CaughtMail[] = [];
  private waiters: { predicate: (m: CaughtMail) => boolean; resolve: (m: CaughtMail) => void }[] = [];

  private server!: SMTPServer;
  port = 0;
  /** Mails whose data is being received now, and the most there ever were at once. */
  receiving = 0;
  mostReceiving = 0;
  private gate: Promise<void> | undefined;
  private readonly refused = new Set<string>();

  private constructor() {}

  static async start(): Promise<MailCatcher> {
    const catcher = new MailCatcher();
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (catcher.refused.has(address.address.toLowerCase())) callback(new Error('550 no such mailbox here'));
        else callback();
      },
      onData(stream, _session, callback) {
        catcher.receiving += 1;
        catcher.mostReceiving = Math.max(catcher.mostReceiving, catcher.receiving);
        simpleParser(stream)
          .then(async (parsed) => {
            // A held catcher is a slow relay: the sender waits for its answer to DATA.
            await catcher.gate;
            catcher.receive(parsed);
            callback();
          })
          .catch(callback)
          .finally(() => (catcher.receiving -= 1));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    catcher.server = server;
    catcher.port = (server.server.address() as AddressInfo).port;
    return catcher;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The first mail received (or to come) to `to` matching `subject`. */
  next(to: string, subject: RegExp, timeoutMs = 10_000): Promise<CaughtMail> {
    const predicate = (m: CaughtMail) => m.to.toLowerCase() === to.toLowerCase() && subject.test(m.subject);
    const seen = this.mails.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no mail to ${to} matching ${subject} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Answers no mail until the returned function is called (counting starts again from now). */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    this.mostReceiving = this.receiving;
    return () => {
      this.gate = undefined;
      release();
    };
  }

  /** Refuses every mail to `address` (550 at RCPT TO). */
  refuse(address: string): void {
    this.refused.add(address.toLowerCase());
  }

  /** Mails received to `to` so far. */
  to(to: string): CaughtMail[] {
    return this.mails.filter((m) => m.to.toLowerCase() === to.toLowerCase());
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(parsed: ParsedMail): void {
    const to = Array.isArray(parsed.to) ? parsed.to[0]?.text : parsed.to?.text;
    const mail: CaughtMail = {
      to: to ?? '',
      from: parsed.from?.text ?? '',
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : '',
    };
    this.mails.push(mail);
    this.waiters = this.waiters.filter((w) => {
      if (!w.predicate(mail)) return true;
      w.resolve(mail);
      return false;
    });
  }
}

/** The token of the link in a mail (`?token=…`). */
export function tokenIn(mail: CaughtMail): string {
  const match = /[?&]token=([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match) throw new Error(`no token in the mail: ${mail.text}`);
  return match[1]!;
}
