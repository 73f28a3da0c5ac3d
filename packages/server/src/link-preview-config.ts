import type { EnvReader } from './env-reader.js';
import { type TrustedTargets, parseTrustedTargets } from './infra/outbound-address-guard.js';

/** Link previews (issue 37): the card under a message with a link, fetched by the server. */
export interface LinkPreviewConfig {
  /** `LINK_PREVIEWS=off` turns them off: no page is fetched, and messages carry no new preview. */
  enabled: boolean;
  /**
   * `LINK_PREVIEW_ALLOW_HOSTS`: host names (exact or `*.suffix`) and CIDR ranges the server may
   * fetch although they resolve to a loopback, private or link-local address (an intranet). Any
   * other non-public address is refused, after DNS and after every redirect.
   */
  trusted: TrustedTargets;
  /** The whole fetch (page, redirects and image) must finish within this, ms; 5 s by default. */
  timeoutMs: number;
  /** A page is read up to this many bytes (the rest is cut, the head is what matters); an image past it is dropped. */
  maxBytes: number;
  /** Previews one node fetches at once; more wait, and past ten times this many they are dropped. */
  concurrency: number;
}

export function readLinkPreviewConfig(read: EnvReader): LinkPreviewConfig {
  const mode = read.oneOf('LINK_PREVIEWS', 'on', ['on', 'off']);
  const { hosts, ranges, invalid } = parseTrustedTargets(read.list('LINK_PREVIEW_ALLOW_HOSTS'));
  for (const item of invalid)
    read.problem(`LINK_PREVIEW_ALLOW_HOSTS: expected host names, *.suffix patterns, addresses or CIDR ranges, got "${item}"`);
  return {
    enabled: mode === 'on',
    trusted: { hosts, ranges },
    timeoutMs: read.int('LINK_PREVIEW_TIMEOUT_MS', 5000, 100, 60_000),
    maxBytes: read.int('LINK_PREVIEW_MAX_BYTES', 1_048_576, 16_384, 16 * 1_048_576),
    concurrency: read.int('LINK_PREVIEW_CONCURRENCY', 8, 1, 256),
  };
}
