import type { Mail } from '../../infra/mailer.js';

/** The mails accounts send: plain text plus simple HTML, links built on PUBLIC_URL. */

export function verifyEmailMail(input: { to: string; publicUrl: string; token: string; ttlSeconds: number }): Mail {
  const link = `${input.publicUrl}/verify-email?token=${encodeURIComponent(input.token)}`;
  return mail(input.to, 'Confirm your email address', [
    'Confirm that this address is yours by opening this link:',
    { link },
    `The link works for ${duration(input.ttlSeconds)}. Or enter this code: ${input.token}`,
    'If you did not give this address to Confab, ignore this mail.',
  ]);
}

/** To the owner of a verified address another account was just given (issue 35): no link, since it could not be verified again. */
export function addressInUseMail(input: { to: string; publicUrl: string }): Mail {
  return mail(input.to, 'Your email address was used to sign up', [
    'Someone gave this address to a new Confab account. It stays with your account, which confirmed it: the new account cannot.',
    `If it was you, sign in to your account at ${input.publicUrl} (or reset its password there). Otherwise, ignore this mail.`,
  ]);
}

export function passwordResetMail(input: { to: string; publicUrl: string; token: string; ttlSeconds: number }): Mail {
  const link = `${input.publicUrl}/reset-password?token=${encodeURIComponent(input.token)}`;
  return mail(input.to, 'Reset your password', [
    'Someone asked to reset the password of your Confab account. To choose a new one, open this link:',
    { link },
    `The link works once, for ${duration(input.ttlSeconds)}. Or enter this code: ${input.token}`,
    'Resetting signs out every device. If you did not ask for this, ignore this mail: your password stays as it is.',
  ]);
}

/** To the owner of an account an import made: their history is here, and a link to choose a password. */
export function accountClaimMail(input: {
  to: string;
  publicUrl: string;
  token: string;
  ttlSeconds: number;
  username: string;
  source: string;
}): Mail {
  const link = `${input.publicUrl}/claim?token=${encodeURIComponent(input.token)}`;
  return mail(input.to, 'Your account on Confab is ready', [
    `Your team brought its ${input.source} history to Confab, and you have an account there: @${input.username}, with your messages, channels and reactions.`,
    'To sign in, choose a password by opening this link:',
    { link },
    `The link works once, for ${duration(input.ttlSeconds)}. Or enter this code: ${input.token}`,
    'Until you do, nobody can sign in to the account. If you did not expect this, ignore this mail.',
  ]);
}

type Paragraph = string | { link: string };

function mail(to: string, subject: string, paragraphs: Paragraph[]): Mail {
  const text = paragraphs.map((p) => (typeof p === 'string' ? p : p.link)).join('\n\n');
  const body = paragraphs
    .map((p) => (typeof p === 'string' ? `<p>${escapeHtml(p)}</p>` : `<p><a href="${escapeHtml(p.link)}">${escapeHtml(p.link)}</a></p>`))
    .join('\n');
  const html = `<!doctype html>\n<html><body style="font-family: sans-serif">\n${body}\n</body></html>\n`;
  return { to, subject, text: `${text}\n`, html };
}

function duration(seconds: number): string {
  if (seconds % 86_400 === 0) return plural(seconds / 86_400, 'day');
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  return plural(Math.ceil(seconds / 60), 'minute');
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
