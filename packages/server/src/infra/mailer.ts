import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends mail: over SMTP when SMTP_URL is set, else into DATA_DIR/mail/ as .eml files. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * nodemailer, imported at the first mail: most nodes of most instances never send one, and it was
 * ~14 MiB and ~90 ms of every start.
 */
async function nodemailer() {
  return (await import('nodemailer')).default;
}

/** The mailer the configuration names. */
export function createMailer(options: { smtpUrl: string | null; from: string; dataDir: string; logger: Logger }): Mailer {
  return options.smtpUrl === null
    ? new FileMailer(options.from, path.join(options.dataDir, 'mail'), options.logger)
    : new SmtpMailer(options.smtpUrl, options.from);
}

class SmtpMailer implements Mailer {
  private transport: Promise<Transporter> | undefined;

  constructor(
    private readonly url: string,
    private readonly from: string,
  ) {}

  async send(mail: Mail): Promise<void> {
    this.transport ??= nodemailer().then((mailer) => mailer.createTransport(this.url));
    await (await this.transport).sendMail({ from: this.from, ...mail });
  }

  close(): void {
    void this.transport?.then((transport) => transport.close());
  }
}

/**
 * The embedded default: one machine works with no mail server. Each mail is rendered by
 * nodemailer exactly as it would be sent, and written where the operator (or a test) can open it.
 */
class FileMailer implements Mailer {
  private transport: Promise<Transporter> | undefined;

  constructor(
    private readonly from: string,
    private readonly directory: string,
    private readonly logger: Logger,
  ) {}

  async send(mail: Mail): Promise<void> {
    this.transport ??= nodemailer().then((mailer) => mailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }));
    const info = await (await this.transport).sendMail({ from: this.from, ...mail });
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const file = path.join(this.directory, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`);
    // Mails carry sign-in links: readable by the server's user only. Written whole, then renamed,
    // so whoever watches the directory never opens half a mail.
    await writeFile(`${file}.part`, info.message as Buffer, { mode: 0o600 });
    await rename(`${file}.part`, file);
    this.logger.info({ file, subject: mail.subject }, `no SMTP_URL: mail written to ${file}`);
  }

  close(): void {
    void this.transport?.then((transport) => transport.close());
  }
}
