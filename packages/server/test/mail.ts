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

  private constructor() {}

  static async start(): Promise<MailCatcher> {
    const catcher = new MailCatcher();
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            catcher.receive(parsed);
            callback();
          })
          .catch(callback);
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
