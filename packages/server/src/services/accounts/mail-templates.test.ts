import { describe, expect, it } from 'vitest';
import { passwordResetMail, verifyEmailMail } from './mail-templates.js';

describe('mail templates', () => {
  it('put the link on PUBLIC_URL in the text and the HTML, with the token and how long it works', () => {
    const mail = passwordResetMail({ to: 'a@x.test', publicUrl: 'https://chat.example', token: 'tok_-123', ttlSeconds: 1800 });
    expect(mail).toMatchObject({ to: 'a@x.test', subject: 'Reset your password' });
    expect(mail.text).toContain('https://chat.example/reset-password?token=tok_-123');
    expect(mail.text).toContain('30 minutes');
    expect(mail.html).toContain('<a href="https://chat.example/reset-password?token=tok_-123">');
    expect(verifyEmailMail({ to: 'a@x.test', publicUrl: 'https://c', token: 't', ttlSeconds: 172_800 }).text).toContain('2 days');
  });

  it('escape what they put into HTML', () => {
    const mail = verifyEmailMail({ to: 'a@x.test', publicUrl: 'https://x.test/<b>"&', token: 't', ttlSeconds: 3600 });
    expect(mail.html).toContain('https://x.test/&lt;b&gt;&quot;&amp;');
    expect(mail.html).not.toContain('<b>');
  });
});
