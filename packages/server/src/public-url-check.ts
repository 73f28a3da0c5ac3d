import type { Config } from './config.js';

/** Whether HOST binds the loopback interface only: then nobody else follows a mail's links. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '::ffff:127.0.0.1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The start-up warning for PUBLIC_URL unset on an address others reach (issue 35 item 8). Mail
 * links are built from PUBLIC_URL alone, never from a request's Host header (which a stranger
 * chooses: reset-link poisoning), so unset they point at localhost and work for nobody.
 */
export function publicUrlWarning(config: Config): string | null {
  if (config.accounts.publicUrlSet || isLoopbackHost(config.host)) return null;
  return (
    `PUBLIC_URL is not set while HOST (${config.host}) is reachable from other machines: links in mails ` +
    `(email verification, password reset) will start with ${config.accounts.publicUrl}. ` +
    'Set PUBLIC_URL to the address people open (https://chat.example.com); links are never built from the Host header.'
  );
}
